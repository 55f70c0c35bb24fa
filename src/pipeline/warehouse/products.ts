/**
 * `top_products`. Grain: one document per product per period, where the period is a year ("2017") or "all".
 * Partition: the product. A build recomputes the products sold on the days it covers (every product for a full
 * build), each over all its lines, so the other products' documents are neither read nor written. Ranks are not
 * stored (one product moving would shift the rank of every product it passes): `topProducts` and `productRank` rank
 * at read time, through the mart's indexes on `period` and the measure.
 */
import type { Db, Document } from 'mongodb';
import { collections } from '../mongo';
import type { LakeAccess } from './access';
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
 * Product × year sums over every line of `products` (all products when null): a full build's come packed a day at a
 * time and are summed here (`groupMany`, 240,000 groups at a million lines), an incremental build's are grouped by
 * the server through the lines' `product_id` index.
 */
export async function queryProductYears(lake: LakeAccess, products: readonly string[] | null): Promise<ProductPeriodRow[]> {
  const opts = { by: { p: 'product_id', y: 'order_year' }, fields: ['line_total_e4', 'profit_e4', 'quantity'] };
  const rows = products === null ? await lake.groupMany(collections.salesItems, opts) : await lake.group(collections.salesItems, { ...opts, match: { product_id: { $in: [...products] } } });
  type K = { p: string; y: number };
  return [...rows.values()].map((r) => ({
    period: String(keyOf<K>(r.key).y),
    product_id: keyOf<K>(r.key).p,
    lines: r.count,
    units: r.sums.quantity ?? 0,
    revenue_e4: r.sums.line_total_e4 ?? 0,
    profit_e4: r.sums.profit_e4 ?? 0,
  }));
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
 * The build's step: recomputes the scope's products over all their lines and writes the documents that changed. A
 * full build covers every product (and removes documents of products no longer in the lake).
 */
export async function syncProducts(db: Db, lake: LakeAccess, scope: Scope): Promise<{ docs: number; write: SyncResult }> {
  const products = scope.full ? null : await queryTouchedProducts(lake, scope);
  const [info, yearRows] = await Promise.all([readProductInfo(db, products), queryProductYears(lake, products)]);
  const docs = buildProductDocs([...yearRows, ...sumAllTime(yearRows)], info);
  // An incremental build's slice: the documents of its products, by `_id` (a product's periods only ever grow).
  const slice: Document = scope.full ? {} : { _id: { $in: docs.map((d) => d._id) } };
  return { docs: docs.length, write: await syncDocs(db, productsCollection, slice, docs) };
}

/** What a product can be ranked by, within a period. */
export type ProductMeasure = 'revenue' | 'profit' | 'units';

const sortField: Record<ProductMeasure, string> = { revenue: 'revenue_e4', profit: 'profit_e4', units: 'units' };

export interface RankedProduct extends ProductDoc {
  /** 1 = the highest measure in the period; ties broken by product_id. */
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
