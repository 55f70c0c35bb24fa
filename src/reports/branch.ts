/**
 * A branch manager's monthly review: the branch's key figures against the previous period and a year before, its
 * rank and share among the branches, its daily trend, categories and products. Figures come from the daily mart
 * (grain: one document per day, branches nested) and, for categories and products, from the lake's lines of the
 * branch in the period (grouped in the database).
 */
import type { Db } from 'mongodb';
import { collections, groupSums } from '../pipeline/adapters/mongo';
import { fromUnits, roundCents } from '../pipeline/core/money';
import { marts } from '../pipeline/warehouse/build';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { ratio } from '../pipeline/warehouse/measures';
import { categoryFigures, type Kpi, type ProductRow, type ReportData } from './data';
import { inRange, monthsOf, type DateRange, type Period } from './period';
import { resolveBranch } from './branch-scope';

export { BranchError } from './branch-scope';

export interface BranchTotals {
  revenue_e4: number;
  profit_e4: number;
  orders: number;
  units: number;
}

export interface BranchReview {
  period: Period;
  branch: { id: string; name: string };
  kpis: Kpi[];
  /** Every branch in the period, by revenue (rank = index + 1). */
  ranking: { id: string; name: string; revenue: number; profit: number; margin: number | null }[];
  company: { revenue: number; margin: number | null };
  trend: ReportData['trend'];
  categories: ReportData['categories'];
  topProducts: ProductRow[];
  empty: boolean;
}

const money = (e4: number) => roundCents(fromUnits(e4));
const zero = (): BranchTotals => ({ revenue_e4: 0, profit_e4: 0, orders: 0, units: 0 });

/** Pure: the branch's sums over a date range from daily documents. */
export function branchTotals(days: readonly DailyDoc[], branchId: string | null, r: DateRange): BranchTotals {
  const t = zero();
  for (const d of days) {
    if (!inRange(d.date, r)) continue;
    for (const b of d.by_branch) {
      if (branchId !== null && b.branch_id !== branchId) continue;
      t.revenue_e4 += b.revenue_e4;
      t.profit_e4 += b.profit_e4;
      t.orders += b.orders;
      t.units += b.units;
    }
  }
  return t;
}

/** Pure: the branch's key figures, each with the previous period's and last year's. */
export function branchKpis(days: readonly DailyDoc[], branchId: string, p: Period): Kpi[] {
  const [now, prev, ly] = [p, p.previous, p.lastYear].map((r) => branchTotals(days, branchId, r)) as [BranchTotals, BranchTotals, BranchTotals];
  const k = (key: string, label: string, format: Kpi['format'], f: (t: BranchTotals) => number | null): Kpi => ({ key, label, format, value: f(now), previous: f(prev), lastYear: f(ly) });
  return [
    k('revenue', 'Revenue', 'money', (t) => money(t.revenue_e4)),
    k('profit', 'Profit', 'money', (t) => money(t.profit_e4)),
    k('margin', 'Margin', 'percent', (t) => ratio(t.profit_e4, t.revenue_e4)),
    k('orders', 'Orders', 'count', (t) => t.orders),
    k('aov', 'Average order value', 'money', (t) => (t.orders ? roundCents(fromUnits(t.revenue_e4) / t.orders) : null)),
    k('units', 'Units', 'count', (t) => t.units),
  ];
}

/** Pure: the branch's days in the period with a trailing 7-day average, in the executive report's trend shape. */
export function branchTrend(days: readonly DailyDoc[], branchId: string, p: Period): ReportData['trend'] {
  const rows = days.filter((d) => inRange(d.date, p)).map((d) => ({ date: d.date, ...branchTotals([d], branchId, p) }));
  return rows.map((r, i) => {
    const window = rows.slice(Math.max(0, i - 6), i + 1);
    return { date: r.date, revenue: fromUnits(r.revenue_e4), profit: fromUnits(r.profit_e4), revenue_avg: window.length === 7 ? money(window.reduce((s, w) => s + w.revenue_e4, 0) / 7) : null };
  });
}

export async function loadBranchReview(db: Db, branchId: string, p: Period): Promise<BranchReview> {
  const from = p.lastYear.from < p.previous.from ? p.lastYear.from : p.previous.from;
  const days = await db.collection<DailyDoc>(marts.daily).find({ date: { $gte: from, $lte: p.to } }).sort({ date: 1 }).toArray();
  const names = new Map<string, string>();
  for (const d of days) for (const b of d.by_branch) names.set(b.branch_id, b.branch_name);
  const branch = await resolveBranch(db, branchId, days);
  const ranking = [...new Set(days.flatMap((d) => (inRange(d.date, p) ? d.by_branch.map((b) => b.branch_id) : [])))]
    .map((id) => {
      const t = branchTotals(days, id, p);
      return { id, name: names.get(id) ?? id, revenue: money(t.revenue_e4), profit: money(t.profit_e4), margin: ratio(t.profit_e4, t.revenue_e4) };
    })
    .sort((a, b) => b.revenue - a.revenue || a.id.localeCompare(b.id));
  const all = branchTotals(days, null, p);
  const match = { branch_id: branchId, order_month: { $in: monthsOf(p) } };
  const catRows = [...(await groupSums(db, collections.salesItems, { by: { c: 'category', s: 'sub_category', d: 'order_date' }, fields: ['line_total_e4', 'profit_e4', 'quantity', 'discount_e4'], match })).values()];
  const categories = categoryFigures(catRows.filter((g) => inRange((g.key as Record<string, string>).d!, p)));
  const prodRows = [...(await groupSums(db, collections.salesItems, { by: { p: 'product_id', d: 'order_date' }, fields: ['line_total_e4', 'profit_e4', 'quantity'], match })).values()];
  const prods = new Map<string, { r: number; pr: number; u: number }>();
  for (const g of prodRows) {
    const k = g.key as Record<string, string>;
    if (!inRange(k.d!, p)) continue;
    const s = prods.get(k.p!) ?? { r: 0, pr: 0, u: 0 };
    s.r += g.sums.line_total_e4 ?? 0;
    s.pr += g.sums.profit_e4 ?? 0;
    s.u += g.sums.quantity ?? 0;
    prods.set(k.p!, s);
  }
  const top = [...prods].sort((a, b) => b[1].r - a[1].r || a[0].localeCompare(b[0])).slice(0, 10);
  const info = new Map<string, { name: string; category: string; sub_category: string }>();
  if (top.length) {
    for await (const d of db.collection(collections.products).find({ _id: { $in: top.map(([id]) => id) } } as never, { projection: { name: 1, category: 1, sub_category: 1 } })) {
      info.set(String(d._id), { name: String(d.name), category: String(d.category), sub_category: String(d.sub_category) });
    }
  }
  const topProducts = top.map(([id, s]) => ({ product_id: id, name: info.get(id)?.name ?? id, category: info.get(id)?.category ?? '', sub_category: info.get(id)?.sub_category ?? '', units: s.u, revenue: money(s.r), profit: money(s.pr), margin: ratio(s.pr, s.r) }));
  const kpis = branchKpis(days, branchId, p);
  return {
    period: p,
    branch,
    kpis,
    ranking,
    company: { revenue: money(all.revenue_e4), margin: ratio(all.profit_e4, all.revenue_e4) },
    trend: branchTrend(days, branchId, p),
    categories,
    topProducts,
    empty: !kpis[3]!.value,
  };
}
