/**
 * A small client of Mailpit's REST API for tests: list or search the messages it caught, read one, download an
 * attachment, delete messages, and wait until some arrive. Tests that share a Mailpit filter by a subject of their own.
 */

/** One row of GET /api/v1/messages (or /search). */
export interface MessageSummary {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  /** How many attachments. */
  Attachments: number;
  Size: number;
}

export interface AttachmentInfo {
  PartID: string;
  FileName: string;
  ContentType: string;
  Size: number;
}

/** GET /api/v1/message/{ID}: the bodies and the attachments. */
export interface Message {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  Text: string;
  HTML: string;
  Attachments: AttachmentInfo[];
  Inline: AttachmentInfo[];
}

export interface MailpitClient {
  /** The newest first; with `query` (Mailpit's search syntax, e.g. `subject:"abc"`) only those matching. */
  listMessages(query?: string): Promise<{ total: number; messages: MessageSummary[] }>;
  readMessage(id: string): Promise<Message>;
  downloadAttachment(id: string, partId: string): Promise<Buffer>;
  /** These messages, or every one when `ids` is absent. */
  deleteMessages(ids?: string[]): Promise<void>;
  /** Polls until at least `n` messages (matching `query`) are there; throws after timeoutMs saying how many came. */
  waitForMessages(n: number, timeoutMs: number, query?: string): Promise<MessageSummary[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client of the Mailpit at `baseUrl` (cfg.mail.mailpitUrl). */
export function mailpitClient(baseUrl: string): MailpitClient {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Mailpit ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  const listMessages = async (query?: string) => {
    const path = query === undefined ? '/api/v1/messages?limit=500' : `/api/v1/search?limit=500&query=${encodeURIComponent(query)}`;
    const page = (await (await call('GET', path)).json()) as { messages_count?: number; total: number; messages: MessageSummary[] };
    // A search reports its matches in messages_count; total is the whole mailbox there.
    return { total: query === undefined ? page.total : (page.messages_count ?? page.messages.length), messages: page.messages };
  };
  return {
    listMessages,
    readMessage: async (id) => (await (await call('GET', `/api/v1/message/${encodeURIComponent(id)}`)).json()) as Message,
    downloadAttachment: async (id, partId) =>
      Buffer.from(await (await call('GET', `/api/v1/message/${encodeURIComponent(id)}/part/${encodeURIComponent(partId)}`)).arrayBuffer()),
    deleteMessages: async (ids) => {
      await call('DELETE', '/api/v1/messages', ids ? { IDs: ids } : undefined);
    },
    waitForMessages: async (n, timeoutMs, query) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { messages } = await listMessages(query);
        if (messages.length >= n) return messages;
        if (Date.now() >= deadline) {
          throw new Error(`Mailpit at ${base}: ${messages.length} of ${n} message(s)${query ? ` matching ${query}` : ''} after ${timeoutMs} ms`);
        }
        await sleep(100);
      }
    },
  };
}
