/**
 * `top_products`. Grain: one document per product per period (a year, or "all"). `branch_products`, built in the same
 * step. Grain: one document per branch per product per year. Partition: the product; ranks are read, not stored.
 */
import type { Db, Document } from 'mongodb';
import { collections } from '../adapters/mongo';
import type { LakeAccess } from '../lake/access';
import { keyOf, moneyFields } from './measures';
import { matchDays, type Scope } from './scope';
import { syncDocs, type SyncResult } from './sync';

export interface ProductPeriodRow {
  period: string;
  product_id: string;
  lines: number;
  units: number;
  revenue_e4: number;
  profit_e4: number;
}

export interface ProductInfo {
  name: string;
  category: string;
  sub_category: string;
}

export const allTime = 'all';

/** The mart's collection. */
export const productsCollection = 'top_products';
/** The per-branch mart's collection. */
export const branchProductsCollection = 'branch_products';

/** A product's sums in one year at one branch. */
export interface BranchProductRow extends ProductPeriodRow {
  branch_id: string;
}

/** Pure: rows of one or more periods → documents, by period, then revenue (highest first), then product_id. */
export function buildProductDocs(rows: readonly ProductPeriodRow[], info: ReadonlyMap<string, ProductInfo>) {
  return [...rows]
    .sort((a, b) => a.period.localeCompare(b.period) || b.revenue_e4 - a.revenue_e4 || a.product_id.localeCompare(b.product_id))
    .map((r) => {
      const p = info.get(r.product_id);
      return {
        _id: `${r.period}|${r.product_id}`,
        period: r.period,
        product_id: r.product_id,
        name: p?.name ?? r.product_id,
        category: p?.category ?? '',
        sub_category: p?.sub_category ?? '',
        lines: r.lines,
        units: r.units,
        ...moneyFields(r),
      };
    });
}

export type ProductDoc = ReturnType<typeof buildProductDocs>[number];

/** Pure: sums per-year rows into the all-time period. */
export function sumAllTime(yearRows: readonly ProductPeriodRow[]): ProductPeriodRow[] {
  const all = new Map<string, ProductPeriodRow>();
  for (const r of yearRows) {
    const a = all.get(r.product_id) ?? { period: allTime, product_id: r.product_id, lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
    a.lines += r.lines;
    a.units += r.units;
    a.revenue_e4 += r.revenue_e4;
    a.profit_e4 += r.profit_e4;
    all.set(r.product_id, a);
  }
  return [...all.values()];
}

/**
 * Pure: the all-time rows after some years were recomputed: the previous all-time, minus those years as they were
 * stored, plus them as they are now. Exact (integer ten-thousandths), and it reads only the years that changed, not
 * every year again. A product left without lines is dropped.
 */
export function updateAllTime(previousAll: readonly ProductPeriodRow[], oldYears: readonly ProductPeriodRow[], newYears: readonly ProductPeriodRow[]): ProductPeriodRow[] {
  const all = new Map(previousAll.map((r) => [r.product_id, { ...r, period: allTime }]));
  const add = (r: ProductPeriodRow, sign: 1 | -1) => {
    const a = all.get(r.product_id) ?? { period: allTime, product_id: r.product_id, lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
    a.lines += sign * r.lines;
    a.units += sign * r.units;
    a.revenue_e4 += sign * r.revenue_e4;
    a.profit_e4 += sign * r.profit_e4;
    all.set(r.product_id, a);
  };
  for (const r of oldYears) add(r, -1);
  for (const r of newYears) add(r, 1);
  return [...all.values()].filter((r) => r.lines > 0);
}

/** The measures of stored product documents, as rows. */
export function rowsOf(docs: readonly ProductDoc[]): ProductPeriodRow[] {
  return docs.map((d) => ({ period: d.period, product_id: d.product_id, lines: d.lines, units: d.units, revenue_e4: d.revenue_e4, profit_e4: d.profit_e4 }));
}

/**
 * Product × year × branch sums: over every line when `only` is null, packed a day at a time and summed here
 * (`groupMany`, about 240,000 product × year groups at a million lines, up to four times as many with the branch);
 * else over the lines of those products in those years, grouped by the server through the lines' (`product_id`,
 * `order_year`) index. The product × year rows of `top_products` are their sums over the branches (`sumBranches`).
 */
export async function queryProductBranchYears(lake: LakeAccess, only: { products: readonly string[]; years: readonly number[] } | null): Promise<BranchProductRow[]> {
  const opts = { by: { p: 'product_id', y: 'order_year', b: 'branch_id' }, fields: ['line_total_e4', 'profit_e4', 'quantity'] };
  const rows = only === null
    ? await lake.groupMany(collections.salesItems, opts)
    : await lake.group(collections.salesItems, { ...opts, match: { product_id: { $in: [...only.products] }, order_year: { $in: [...only.years] } } });
  type K = { p: string; y: number; b: string };
  return [...rows.values()].map((r) => ({
    period: String(keyOf<K>(r.key).y),
    product_id: keyOf<K>(r.key).p,
    branch_id: keyOf<K>(r.key).b,
    lines: r.count,
    units: r.sums.quantity ?? 0,
    revenue_e4: r.sums.line_total_e4 ?? 0,
    profit_e4: r.sums.profit_e4 ?? 0,
  }));
}

/** Pure: product × year × branch rows summed over the branches, exactly (integer ten-thousandths). */
export function sumBranches(rows: readonly BranchProductRow[]): ProductPeriodRow[] {
  const out = new Map<string, ProductPeriodRow>();
  for (const r of rows) {
    const key = `${r.period}|${r.product_id}`;
    const a = out.get(key) ?? { period: r.period, product_id: r.product_id, lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
    a.lines += r.lines;
    a.units += r.units;
    a.revenue_e4 += r.revenue_e4;
    a.profit_e4 += r.profit_e4;
    out.set(key, a);
  }
  return [...out.values()];
}

/** Pure: the per-branch documents, named like `top_products`' (`_id` year|branch|product). */
export function buildBranchProductDocs(rows: readonly BranchProductRow[], info: ReadonlyMap<string, ProductInfo>) {
  return [...rows]
    .sort((a, b) => a.period.localeCompare(b.period) || a.branch_id.localeCompare(b.branch_id) || a.product_id.localeCompare(b.product_id))
    .map((r) => {
      const p = info.get(r.product_id);
      return { _id: `${r.period}|${r.branch_id}|${r.product_id}`, period: r.period, branch_id: r.branch_id, product_id: r.product_id, name: p?.name ?? r.product_id, category: p?.category ?? '', sub_category: p?.sub_category ?? '', lines: r.lines, units: r.units, ...moneyFields(r) };
    });
}

/** The products sold on the scope's days (lines read through the `order_month` index). */
export async function queryTouchedProducts(lake: LakeAccess, scope: Scope): Promise<string[]> {
  const rows = await lake.group(collections.salesItems, { by: 'product_id', fields: [], match: matchDays(scope) });
  return [...rows.values()].map((r) => String(r.key)).sort();
}

/** Names and categories of `ids` (of every product when null). */
export async function readProductInfo(db: Db, ids: readonly string[] | null = null): Promise<Map<string, ProductInfo>> {
  const out = new Map<string, ProductInfo>();
  const filter: Document = ids === null ? {} : { _id: { $in: [...ids] } };
  const cursor = db.collection(collections.products).find(filter, { projection: { _id: 1, name: 1, category: 1, sub_category: 1 } });
  for await (const p of cursor) out.set(String(p._id), { name: String(p.name), category: String(p.category), sub_category: String(p.sub_category) });
  return out;
}

/**
 * The build's step, for `top_products` and `branch_products`. A full build sums every product over every year and
 * all time (and removes documents of products no longer in the lake). An incremental one recomputes the years it
 * covers for the products sold on its days, and their all-time documents from the stored ones (minus those years as
 * stored, plus them as recomputed): exact, and reading only those years' lines of those products.
 */
export async function syncProducts(db: Db, lake: LakeAccess, scope: Scope): Promise<{ docs: number; write: SyncResult }> {
  if (scope.full) {
    const [info, branchRows] = await Promise.all([readProductInfo(db), queryProductBranchYears(lake, null)]);
    const yearRows = sumBranches(branchRows);
    const docs = buildProductDocs([...yearRows, ...sumAllTime(yearRows)], info);
    const branchDocs = buildBranchProductDocs(branchRows, info);
    const [write, branchWrite] = await Promise.all([syncDocs(db, productsCollection, {}, docs), syncDocs(db, branchProductsCollection, {}, branchDocs)]);
    return { docs: docs.length + branchDocs.length, write: addWrites(write, branchWrite) };
  }
  const products = await queryTouchedProducts(lake, scope);
  const periods = [...scope.years.map(String), allTime];
  const ids = products.flatMap((p) => periods.map((period) => `${period}|${p}`));
  const [info, branchRows, stored] = await Promise.all([
    readProductInfo(db, products),
    queryProductBranchYears(lake, { products, years: scope.years }),
    db.collection<ProductDoc>(productsCollection).find({ _id: { $in: ids } }).toArray(),
  ]);
  const yearRows = sumBranches(branchRows);
  const storedAll = stored.filter((d) => d.period === allTime);
  const storedYears = stored.filter((d) => d.period !== allTime);
  const docs = buildProductDocs([...yearRows, ...updateAllTime(rowsOf(storedAll), rowsOf(storedYears), yearRows)], info);
  const branchDocs = buildBranchProductDocs(branchRows, info);
  // The slices: those products' documents for those periods (a product's periods only ever grow).
  const [write, branchWrite] = await Promise.all([
    syncDocs(db, productsCollection, { _id: { $in: ids } }, docs, stored),
    syncDocs(db, branchProductsCollection, { product_id: { $in: products }, period: { $in: scope.years.map(String) } }, branchDocs),
  ]);
  return { docs: docs.length + branchDocs.length, write: addWrites(write, branchWrite) };
}

const addWrites = (a: SyncResult, b: SyncResult): SyncResult => ({ inserted: a.inserted + b.inserted, replaced: a.replaced + b.replaced, deleted: a.deleted + b.deleted, unchanged: a.unchanged + b.unchanged });

/** What a product can be ranked by, within a period. */
export type ProductMeasure = 'revenue' | 'profit' | 'units';

const sortField: Record<ProductMeasure, string> = { revenue: 'revenue_e4', profit: 'profit_e4', units: 'units' };

export interface RankedProduct extends ProductDoc {
  /** 1 = the highest measure in the period (the lowest with `lowest`); ties broken by product_id. */
  rank: number;
}

export interface TopProductsOptions {
  period: string;
  by: ProductMeasure;
  /** How many, from the top (default 10). */
  limit?: number;
  /** Only these products, e.g. `{ category: 'Technology' }`: the ranks are then within that selection. */
  filter?: Document;
  /** From the bottom instead (rank 1 = the lowest measure). */
  lowest?: boolean;
}

/** The period's top (or bottom) products by a measure, ranked: one indexed, sorted read of the mart. */
export async function topProducts(db: Db, opts: TopProductsOptions): Promise<RankedProduct[]> {
  const dir = opts.lowest ? 1 : -1;
  const docs = await db
    .collection<ProductDoc>(productsCollection)
    .find({ ...opts.filter, period: opts.period })
    .sort({ [sortField[opts.by]]: dir, product_id: 1 })
    .limit(opts.limit ?? 10)
    .toArray();
  return docs.map((d, i) => ({ ...d, rank: i + 1 }));
}

/** A product's rank by a measure within its period (1 = best; ties broken by product_id): one indexed count. */
export async function productRank(db: Db, doc: Pick<ProductDoc, 'period' | 'product_id' | 'revenue_e4' | 'profit_e4' | 'units'>, by: ProductMeasure): Promise<number> {
  const field = sortField[by];
  const value = doc[field as keyof typeof doc];
  const ahead = await db.collection(productsCollection).countDocuments({ period: doc.period, $or: [{ [field]: { $gt: value } }, { [field]: value, product_id: { $lt: doc.product_id } }] });
  return ahead + 1;
}

export interface BranchTopOptions {
  branch: string;
  /** A year ("2017"), or `allTime` for the branch's years summed. */
  period: string;
  by: ProductMeasure;
  limit?: number;
  /** Only these products, e.g. `{ category: 'Technology' }`. */
  filter?: Document;
}

/**
 * A branch's top products by a measure in a year, or over all its years: one grouping of the branch's documents of
 * `branch_products` (indexed by branch and period), summed by product, sorted and cut by the server.
 */
export async function topBranchProducts(db: Db, o: BranchTopOptions): Promise<RankedProduct[]> {
  const match: Document = { ...o.filter, branch_id: o.branch, ...(o.period === allTime ? {} : { period: o.period }) };
  const field = sortField[o.by];
  const sum = (f: string) => ({ $sum: `$${f}` });
  const rows = await db
    .collection(branchProductsCollection)
    .aggregate<{ _id: string; name: string; category: string; sub_category: string; lines: number; units: number; revenue_e4: number; profit_e4: number }>([
      { $match: match },
      { $group: { _id: '$product_id', name: { $first: '$name' }, category: { $first: '$category' }, sub_category: { $first: '$sub_category' }, lines: sum('lines'), units: sum('units'), revenue_e4: sum('revenue_e4'), profit_e4: sum('profit_e4') } },
      { $sort: { [field]: -1, _id: 1 } },
      { $limit: o.limit ?? 10 },
    ])
    .toArray();
  return rows.map((r, i) => ({ _id: `${o.period}|${o.branch}|${r._id}`, period: o.period, product_id: r._id, name: r.name, category: r.category, sub_category: r.sub_category, lines: r.lines, units: r.units, ...moneyFields({ revenue_e4: r.revenue_e4, profit_e4: r.profit_e4 }), rank: i + 1 }));
}
