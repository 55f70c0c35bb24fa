/** The additive measures every mart sums (integers: money in ten-thousandths) and the figures derived from them. */
import { fromUnits, roundCents, roundTo } from '../core/money';
import type { GroupKey } from '../adapters/mongo';

export interface Totals {
  lines: number;
  units: number;
  revenue_e4: number;
  profit_e4: number;
  discount_e4: number;
}

export const emptyTotals = (): Totals => ({ lines: 0, units: 0, revenue_e4: 0, profit_e4: 0, discount_e4: 0 });

export function addTotals(into: Totals, t: Totals): Totals {
  into.lines += t.lines;
  into.units += t.units;
  into.revenue_e4 += t.revenue_e4;
  into.profit_e4 += t.profit_e4;
  into.discount_e4 += t.discount_e4;
  return into;
}

/** The lake fields summed for `Totals`, in the order `groupSums` is asked for them. */
export const lineMeasureFields = ['line_total_e4', 'profit_e4', 'quantity', 'discount_e4'];

/** A row of `groupSums(sales_items, { fields: lineMeasureFields })` as Totals. */
export function totalsOf(row: { count: number; sums: Record<string, number> }): Totals {
  return {
    lines: row.count,
    units: row.sums.quantity ?? 0,
    revenue_e4: row.sums.line_total_e4 ?? 0,
    profit_e4: row.sums.profit_e4 ?? 0,
    discount_e4: row.sums.discount_e4 ?? 0,
  };
}

export const roundOrNull = (x: number | null, decimals: number): number | null => (x === null ? null : roundTo(x, decimals));

export const ratio = (a: number, b: number, decimals = 4): number | null => (b === 0 ? null : roundTo(a / b, decimals));

/** Money as stored in marts: the exact 4-decimal amount plus its integer units, so consumers can re-sum exactly. */
export function moneyFields(t: Pick<Totals, 'revenue_e4' | 'profit_e4'>) {
  return {
    revenue: fromUnits(t.revenue_e4),
    revenue_e4: t.revenue_e4,
    profit: fromUnits(t.profit_e4),
    profit_e4: t.profit_e4,
    margin: ratio(t.profit_e4, t.revenue_e4),
  };
}

/** Lines, units, money, margin and average discount of a set of lines (no order count). */
export function lineFigures(t: Totals) {
  return { lines: t.lines, units: t.units, ...moneyFields(t), avg_discount: ratio(t.discount_e4, t.lines * 10_000) };
}

export function averageOrderValue(revenueE4: number, orders: number): number | null {
  return orders ? roundCents(fromUnits(revenueE4) / orders) : null;
}

/** `groupSums` keys are objects for compound groupings. */
export function keyOf<K>(key: GroupKey): K {
  return key as K;
}
