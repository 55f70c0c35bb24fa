/**
 * `daily_sales_summary`. Grain: one document per order day, with the day's figures per branch nested in `by_branch`.
 * Partition: the day.
 */
import { collections } from '../adapters/mongo';
import type { LakeAccess } from '../lake/access';
import { addTotals, averageOrderValue, emptyTotals, keyOf, lineFigures, lineMeasureFields, totalsOf, type Totals } from './measures';
import { matchDays, type Scope } from './scope';

export interface DayBranchRow {
  date: string;
  branch_id: string;
  totals: Totals;
}

export interface DayBranchOrders {
  date: string;
  branch_id: string;
  branch_name: string;
  orders: number;
}

export interface DailyDoc {
  _id: string;
  date: string;
  orders: number;
  lines: number;
  units: number;
  revenue: number;
  revenue_e4: number;
  profit: number;
  profit_e4: number;
  margin: number | null;
  avg_order_value: number | null;
  avg_discount: number | null;
  by_branch: { branch_id: string; branch_name: string; orders: number; lines: number; units: number; revenue: number; revenue_e4: number; profit: number; profit_e4: number; margin: number | null; avg_discount: number | null }[];
}

/** Pure: day × branch rows → one document per day. */
export function buildDailyDocs(lines: readonly DayBranchRow[], orders: readonly DayBranchOrders[]): DailyDoc[] {
  const days = new Map<string, { totals: Totals; orders: number; branches: Map<string, { totals: Totals; orders: number; name: string }> }>();
  const day = (date: string) => {
    let d = days.get(date);
    if (!d) days.set(date, (d = { totals: emptyTotals(), orders: 0, branches: new Map() }));
    return d;
  };
  const branch = (date: string, id: string) => {
    const b = day(date).branches;
    let x = b.get(id);
    if (!x) b.set(id, (x = { totals: emptyTotals(), orders: 0, name: id }));
    return x;
  };
  for (const r of lines) {
    addTotals(day(r.date).totals, r.totals);
    addTotals(branch(r.date, r.branch_id).totals, r.totals);
  }
  for (const o of orders) {
    day(o.date).orders += o.orders;
    const b = branch(o.date, o.branch_id);
    b.orders += o.orders;
    b.name = o.branch_name;
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, d]) => ({
      _id: date,
      date,
      orders: d.orders,
      ...lineFigures(d.totals),
      avg_order_value: averageOrderValue(d.totals.revenue_e4, d.orders),
      by_branch: [...d.branches.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, b]) => ({ branch_id: id, branch_name: b.name, orders: b.orders, ...lineFigures(b.totals) })),
    })) as DailyDoc[];
}

/** Groups the scope's lines and sales by day and branch, in the database. */
export async function queryDaily(lake: LakeAccess, scope: Scope): Promise<DailyDoc[]> {
  const match = matchDays(scope);
  const [lineRows, orderRows] = await Promise.all([
    lake.group(collections.salesItems, { by: { d: 'order_date', b: 'branch_id' }, fields: lineMeasureFields, match }),
    lake.group(collections.sales, { by: { d: 'order_date', b: 'branch_id', n: 'branch_name' }, fields: [], match }),
  ]);
  type K = { d: string; b: string; n: string };
  return buildDailyDocs(
    [...lineRows.values()].map((r) => ({ date: keyOf<K>(r.key).d, branch_id: keyOf<K>(r.key).b, totals: totalsOf(r) })),
    [...orderRows.values()].map((r) => ({ date: keyOf<K>(r.key).d, branch_id: keyOf<K>(r.key).b, branch_name: keyOf<K>(r.key).n, orders: r.count })),
  );
}
