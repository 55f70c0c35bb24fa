/**
 * Answers shared by every client: computed at most once per interval per key, and concurrent askers wait on the
 * same computation. The real-time page's 100 clients polling every 5 s then cost one computation a second, not 20.
 */
export interface Shared<V> {
  get(key: string): Promise<V>;
  computations(): number;
}

export function createShared<V>(compute: (key: string) => Promise<V>, everyMs: number, opts: { maxKeys?: number; now?: () => number } = {}): Shared<V> {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 32;
  const entries = new Map<string, { at: number; value: Promise<V> }>();
  let count = 0;
  return {
    get: (key) => {
      const e = entries.get(key);
      if (e && now() - e.at < everyMs) return e.value;
      count++;
      const value = compute(key);
      entries.delete(key);
      entries.set(key, { at: now(), value });
      // A failed computation is not kept: the next asker tries again.
      value.catch(() => entries.get(key)?.value === value && entries.delete(key));
      // Keys are validated dates, but a client can still ask for many: keep the most recent ones only.
      for (const k of entries.keys()) {
        if (entries.size <= maxKeys) break;
        entries.delete(k);
      }
      return value;
    },
    computations: () => count,
  };
}
