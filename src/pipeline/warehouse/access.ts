/**
 * How the warehouse reads the lake. Two strategies, one interface, identical results (an integration test builds
 * with both and compares):
 * - `pushdown`: every grouping is an aggregation (`$match` + `$group` + `$sum`) run by the server. Right for
 *   MongoDB 7 and Atlas, which group far faster than a client can.
 * - `scan`: each collection is read once with a projection, and filters and groupings run in TypeScript. Right for
 *   FerretDB v1, which implements `$group` by decoding every document in Go: each accumulator costs a full pass
 *   (about 2-3 s per 10,000 lines on this machine, 11 s with a compound key), and any filter other than on `_id`
 *   scans the whole collection too, so one read of everything is the cheapest plan.
 * `auto` picks `scan` on FerretDB (it says so in `buildInfo`) and `pushdown` elsewhere.
 */
import type { Db, Document } from 'mongodb';
import { groupSums, type GroupKey } from '../mongo';

export type AccessMode = 'auto' | 'pushdown' | 'scan';

export interface GroupOptions {
  by: string | Record<string, string> | null;
  fields: string[];
  match?: Record<string, unknown>;
}

export type GroupRows = Map<string, { key: GroupKey; count: number; sums: Record<string, number> }>;

export interface LakeAccess {
  mode: 'pushdown' | 'scan';
  group(collection: string, opts: GroupOptions): Promise<GroupRows>;
  /** Documents matching `match`, with at least `fields`. */
  rows(collection: string, match: Record<string, unknown> | undefined, fields: readonly string[]): AsyncIterable<Document>;
}

/** Fields the warehouse reads, per collection: the scan strategy projects these once. */
export const warehouseFields: Record<string, readonly string[]> = {
  sales_items: ['order_date', 'order_month', 'order_year', 'branch_id', 'category', 'sub_category', 'product_id', 'customer_id', 'line_total_e4', 'profit_e4', 'quantity', 'discount_e4'],
  sales: ['order_date', 'order_month', 'branch_id', 'branch_name', 'customer_id', 'total_e4', 'profit_e4', 'ship_mode', 'ship_days'],
};

/** Pure: what `$group: { _id: by, v: { $sum: field } }` returns, computed over documents in memory. */
export function groupInMemory(docs: Iterable<Document>, opts: Pick<GroupOptions, 'by' | 'fields'>): GroupRows {
  const out: GroupRows = new Map();
  const { by } = opts;
  const keyOf = (d: Document): GroupKey =>
    by === null ? null : typeof by === 'string' ? ((d[by] ?? null) as GroupKey) : Object.fromEntries(Object.entries(by).map(([k, f]) => [k, d[f] ?? null]));
  for (const d of docs) {
    const key = keyOf(d);
    const k = JSON.stringify(key);
    let e = out.get(k);
    if (!e) out.set(k, (e = { key, count: 0, sums: Object.fromEntries(opts.fields.map((f) => [f, 0])) }));
    e.count++;
    for (const f of opts.fields) {
      const v = d[f];
      if (typeof v === 'number') e.sums[f]! += v;
    }
  }
  return out;
}

/** Pure: the subset of query filters the warehouse uses — equality, `$in`, `$gt`, `$gte`, `$lt`, `$lte` — in memory. */
export function matches(doc: Document, match: Record<string, unknown> | undefined): boolean {
  if (!match) return true;
  for (const [field, cond] of Object.entries(match)) {
    const v = doc[field];
    if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof Date)) {
      for (const [op, arg] of Object.entries(cond as Record<string, unknown>)) {
        const ok =
          op === '$in' ? (arg as unknown[]).includes(v)
          : op === '$gt' ? (v as never) > (arg as never)
          : op === '$gte' ? (v as never) >= (arg as never)
          : op === '$lt' ? (v as never) < (arg as never)
          : op === '$lte' ? (v as never) <= (arg as never)
          : (() => {
              throw new Error(`scan access: unsupported operator ${op}`);
            })();
        if (!ok) return false;
      }
    } else if (v !== cond) return false;
  }
  return true;
}

export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 }).catch(() => ({}) as Document);
  return 'ferretdbVersion' in info || JSON.stringify(info).toLowerCase().includes('ferretdb');
}

export async function createLakeAccess(db: Db, mode: AccessMode = 'auto'): Promise<LakeAccess> {
  const chosen = mode === 'auto' ? ((await isFerretDb(db)) ? 'scan' : 'pushdown') : mode;
  if (chosen === 'pushdown') {
    return {
      mode: 'pushdown',
      group: (collection, opts) => groupSums(db, collection, opts),
      rows: (collection, match, fields) => db.collection(collection).find(match ?? {}, { projection: Object.fromEntries(fields.map((f) => [f, 1])), batchSize: 5000 }),
    };
  }
  const cache = new Map<string, Promise<Document[]>>();
  const load = async (collection: string, match: Record<string, unknown> | undefined) => {
    let p = cache.get(collection);
    if (!p) {
      const fields = warehouseFields[collection] ?? [];
      const projection = fields.length ? Object.fromEntries(fields.map((f) => [f, 1])) : undefined;
      cache.set(collection, (p = db.collection(collection).find({}, { projection, batchSize: 5000 }).toArray()));
    }
    const all = await p;
    return match ? all.filter((d) => matches(d, match)) : all;
  };
  return {
    mode: 'scan',
    group: async (collection, opts) => groupInMemory(await load(collection, opts.match), opts),
    rows: async function* (collection, match) {
      yield* await load(collection, match);
    },
  };
}
