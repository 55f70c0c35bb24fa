/** The benchmarks' use of the local Mailpit's API: wait for the mails a run sent, then delete them. */

interface Found {
  messages: { ID: string }[];
}

async function search(base: string, query: string): Promise<string[]> {
  const res = await fetch(`${base}/api/v1/search?query=${encodeURIComponent(query)}&limit=1000`);
  if (!res.ok) throw new Error(`Mailpit GET /api/v1/search: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as Found).messages.map((m) => m.ID);
}

/** The IDs of the messages matching `query` once there are `n` of them; throws after `timeoutMs` saying how many came. */
export async function waitForMailpit(base: string, query: string, n: number, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ids = await search(base, query);
    if (ids.length >= n) return ids;
    if (Date.now() > until) throw new Error(`Mailpit at ${base}: ${ids.length} of ${n} mails matching ${query} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Deletes the messages matching `query` (Mailpit is shared: never all of them). */
export async function clearMailpit(base: string, query: string): Promise<number> {
  const ids = await search(base, query);
  if (!ids.length) return 0;
  const res = await fetch(`${base}/api/v1/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ IDs: ids }) });
  if (!res.ok) throw new Error(`Mailpit DELETE /api/v1/messages: HTTP ${res.status} ${await res.text()}`);
  return ids.length;
}
