/**
 * `top_products`. Grain: one document per product per period, where the period is a year ("2017") or "all"; each
 * carries its ranks by revenue, units and profit within the period (1 = best; ties broken by product_id).
 * Partition: the year; "all" is summed from the years in TypeScript, so it never needs a second pass over the lake.
 */
import type { Db } from 'mongodb';
import { collections } from '../mongo';
import type { LakeAccess } from './access';
import { keyOf, moneyFields } from './measures';
import { matchIn, type Scope } from './scope';

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

function rankBy(rows: ProductPeriodRow[], value: (r: ProductPeriodRow) => number): Map<string, number> {
  const sorted = [...rows].sort((a, b) => value(b) - value(a) || a.product_id.localeCompare(b.product_id));
  return new Map(sorted.map((r, i) => [r.product_id, i + 1]));
}

/** Pure: rows of one or more periods → ranked documents. */
export function buildProductDocs(rows: readonly ProductPeriodRow[], info: ReadonlyMap<string, ProductInfo>) {
  const byPeriod = new Map<string, ProductPeriodRow[]>();
  for (const r of rows) {
    const list = byPeriod.get(r.period);
    if (list) list.push(r);
    else byPeriod.set(r.period, [r]);
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([period, list]) => {
      const byRevenue = rankBy(list, (r) => r.revenue_e4);
      const byUnits = rankBy(list, (r) => r.units);
      const byProfit = rankBy(list, (r) => r.profit_e4);
      return [...list]
        .sort((a, b) => byRevenue.get(a.product_id)! - byRevenue.get(b.product_id)!)
        .map((r) => {
          const p = info.get(r.product_id);
          return {
            _id: `${period}|${r.product_id}`,
            period,
            product_id: r.product_id,
            name: p?.name ?? r.product_id,
            category: p?.category ?? '',
            sub_category: p?.sub_category ?? '',
            lines: r.lines,
            units: r.units,
            ...moneyFields(r),
            rank_revenue: byRevenue.get(r.product_id)!,
            rank_units: byUnits.get(r.product_id)!,
            rank_profit: byProfit.get(r.product_id)!,
          };
        });
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

/** Product × year sums for the scope's years, in the database. */
export async function queryProductYears(lake: LakeAccess, scope: Scope): Promise<ProductPeriodRow[]> {
  const rows = await lake.groupMany(collections.salesItems, {
    by: { p: 'product_id', y: 'order_year' },
    fields: ['line_total_e4', 'profit_e4', 'quantity'],
    match: matchIn(scope, 'order_year', scope.years),
  });
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

export async function readProductInfo(db: Db): Promise<Map<string, ProductInfo>> {
  const out = new Map<string, ProductInfo>();
  const cursor = db.collection(collections.products).find({}, { projection: { _id: 1, name: 1, category: 1, sub_category: 1 } });
  for await (const p of cursor) out.set(String(p._id), { name: String(p.name), category: String(p.category), sub_category: String(p.sub_category) });
  return out;
}
