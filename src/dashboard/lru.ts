/**
 * A least-recently-used map bounded in bytes, not entries: a view of "all years" weighs ten times a month's, so a
 * count would bound nothing. Pure (no IO, no clock); the server keys it by warehouse build and filter.
 */

export interface LruStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
  /** Entries dropped at once because the data under them changed (a new warehouse build). */
  invalidated: number;
  /** Values refused because one alone is larger than the whole cache. */
  tooLarge: number;
}

export class ByteLru<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;
  private readonly counts = { hits: 0, misses: 0, evictions: 0, invalidated: 0, tooLarge: 0 };

  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive (got ${maxBytes})`);
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: V): void {
    const bytes = this.sizeOf(value);
    this.delete(key);
    if (bytes > this.maxBytes) {
      this.counts.tooLarge++;
      return;
    }
    this.map.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= e.bytes;
      this.counts.evictions++;
    }
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.bytes -= e.bytes;
    return true;
  }

  /** Drops every entry (counted as invalidated, not evicted). */
  clear(): void {
    this.counts.invalidated += this.map.size;
    this.map.clear();
    this.bytes = 0;
  }

  stats(): LruStats {
    return { entries: this.map.size, bytes: this.bytes, maxBytes: this.maxBytes, ...this.counts };
  }
}
