/**
 * `store_analysis`. Grain: one document per branch, with its monthly trend nested in `months`. Built in TypeScript
 * from the daily summary (already partitioned by day) and the customer mart (for distinct customers), so it costs
 * no pass over the lake.
 */
import { fromUnits } from '../core/money';
import { growth } from './stats';
import { averageOrderValue, moneyFields, ratio, roundOrNull } from './measures';
import type { DailyDoc } from './daily';
import type { CustomerBase } from './customers';

interface Acc {
  name: string;
  orders: number;
  lines: number;
  units: number;
  revenue_e4: number;
  profit_e4: number;
}

const newAcc = (name: string): Acc => ({ name, orders: 0, lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 });

export function buildStoreDocs(daily: readonly DailyDoc[], customers: readonly Pick<CustomerBase, 'branches'>[]) {
  const branches = new Map<string, { all: Acc; months: Map<string, Acc> }>();
  for (const d of daily) {
    for (const b of d.by_branch) {
      const x = branches.get(b.branch_id) ?? { all: newAcc(b.branch_name), months: new Map<string, Acc>() };
      const month = d.date.slice(0, 7);
      const m = x.months.get(month) ?? newAcc(b.branch_name);
      for (const acc of [x.all, m]) {
        acc.name = b.branch_name;
        acc.orders += b.orders;
        acc.lines += b.lines;
        acc.units += b.units;
        acc.revenue_e4 += b.revenue_e4;
        acc.profit_e4 += b.profit_e4;
      }
      x.months.set(month, m);
      branches.set(b.branch_id, x);
    }
  }
  const customerCount = new Map<string, number>();
  for (const c of customers) for (const b of c.branches) customerCount.set(b, (customerCount.get(b) ?? 0) + 1);
  const total = [...branches.values()].reduce((s, b) => s + b.all.revenue_e4, 0);
  return [...branches.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, x]) => {
      const months = [...x.months.entries()].sort(([a], [b]) => a.localeCompare(b));
      const revenueOf = new Map(months.map(([k, m]) => [k, m.revenue_e4]));
      return {
        _id: id,
        branch_id: id,
        branch_name: x.all.name,
        orders: x.all.orders,
        lines: x.all.lines,
        units: x.all.units,
        customers: customerCount.get(id) ?? 0,
        ...moneyFields(x.all),
        avg_order_value: averageOrderValue(x.all.revenue_e4, x.all.orders),
        revenue_share: ratio(x.all.revenue_e4, total),
        months: months.map(([month, m]) => ({
          month,
          orders: m.orders,
          revenue: fromUnits(m.revenue_e4),
          profit: fromUnits(m.profit_e4),
          margin: ratio(m.profit_e4, m.revenue_e4),
          yoy_growth: roundOrNull(growth(m.revenue_e4, revenueOf.get(`${Number(month.slice(0, 4)) - 1}${month.slice(4)}`)), 4),
        })),
      };
    });
}

export type StoreDoc = ReturnType<typeof buildStoreDocs>[number];
