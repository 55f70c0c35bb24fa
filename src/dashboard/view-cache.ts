/**
 * Rendered historical views and exports, once per warehouse build: keyed by the build and the normalised filter,
 * bounded in bytes (LRU). A new build drops every entry at once, and concurrent requests for a view not cached yet
 * share one render (50 clients asking for a cold view render it once, not 50 times).
 */
import { ByteLru, type LruStats } from './lru';
import { preparedSize, type PreparedBody } from './http';
import type { HistoricalFilter } from './params';

export type ViewKind = 'page' | 'csv' | 'xlsx';

/** What a view is, with its variant when there are several (`page|es`: the page in Spanish; see lang.ts's `langKey`). */
export type ViewKey = ViewKind | `${ViewKind}|${string}`;

/** The filter as a canonical key (and query string): the same view whatever order or spelling the URL had. */
export function filterQuery(f: HistoricalFilter): string {
  const q = new URLSearchParams();
  if (f.year !== null) q.set('year', String(f.year));
  if (f.month !== null) q.set('month', String(f.month));
  if (f.branch !== null) q.set('branch', f.branch);
  if (f.category !== null) q.set('category', f.category);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface ViewCacheStats extends LruStats {
  build: string | null;
  rendering: number;
}

export interface ViewCache {
  get(build: string, kind: ViewKey, f: HistoricalFilter, render: () => Promise<PreparedBody>): Promise<PreparedBody>;
  stats(): ViewCacheStats;
}

export function createViewCache(maxBytes: number): ViewCache {
  const lru = new ByteLru<PreparedBody>(maxBytes, preparedSize);
  const rendering = new Map<string, Promise<PreparedBody>>();
  let current: string | null = null;
  return {
    get: async (build, kind, f, render) => {
      if (build !== current) {
        if (current !== null) lru.clear();
        current = build;
      }
      const key = `${build}|${kind}|${filterQuery(f)}`;
      const hit = lru.get(key);
      if (hit) return hit;
      let p = rendering.get(key);
      if (!p) {
        p = render()
          .then((body) => {
            // A build that landed during the render made this view stale: serve it to who asked, keep it not.
            if (build === current) lru.set(key, body);
            return body;
          })
          .finally(() => rendering.delete(key));
        rendering.set(key, p);
      }
      return p;
    },
    stats: () => ({ ...lru.stats(), build: current, rendering: rendering.size }),
  };
}
