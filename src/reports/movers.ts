/**
 * Revenue and profit of each branch and sub-category in the period, the period before and a year before (pure), for
 * the findings that name what moved most. Inputs are what the report reads anyway: the daily mart's days and the
 * lines grouped by sub-category and day over the three periods' months.
 */
import type { GroupKey } from '../pipeline/adapters/mongo';
import { fromUnits, roundCents } from '../pipeline/core/money';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { keyOf } from '../pipeline/warehouse/measures';
import { inRange, type DateRange, type Period } from './period';

/** Revenue and profit of one branch or sub-category in the period, the period before and a year before. */
export interface Mover {
  name: string;
  revenue: number;
  profit: number;
  previous: { revenue: number; profit: number } | null;
  lastYear: { revenue: number; profit: number } | null;
}

export interface Movers {
  branches: Mover[];
  subCategories: Mover[];
}

type Ranges = { now: DateRange; previous: DateRange; lastYear: DateRange };
type Slot = keyof Ranges;
type Acc = Record<Slot, { revenue_e4: number; profit_e4: number; seen: boolean }>;

const money = (e4: number) => roundCents(fromUnits(e4));
const emptyAcc = (): Acc => ({ now: { revenue_e4: 0, profit_e4: 0, seen: false }, previous: { revenue_e4: 0, profit_e4: 0, seen: false }, lastYear: { revenue_e4: 0, profit_e4: 0, seen: false } });

/** Adds one day's sums of one name to the periods that day falls in. */
function addTo(acc: Map<string, Acc>, ranges: Ranges, name: string, date: string, revenue_e4: number, profit_e4: number) {
  for (const slot of Object.keys(ranges) as Slot[]) {
    if (!inRange(date, ranges[slot])) continue;
    const a = acc.get(name) ?? emptyAcc();
    a[slot].revenue_e4 += revenue_e4;
    a[slot].profit_e4 += profit_e4;
    a[slot].seen = true;
    acc.set(name, a);
  }
}

/** The names sold in the period, each with its bases (zero when it sold nothing then, null for no base at all). */
function toMovers(acc: Map<string, Acc>, hasPrevious: boolean, hasLastYear: boolean): Mover[] {
  const base = (a: Acc[Slot], has: boolean) => (has ? { revenue: money(a.revenue_e4), profit: money(a.profit_e4) } : null);
  return [...acc]
    .filter(([, a]) => a.now.seen)
    .map(([name, a]) => ({ name, revenue: money(a.now.revenue_e4), profit: money(a.now.profit_e4), previous: base(a.previous, hasPrevious), lastYear: base(a.lastYear, hasLastYear) }))
    .sort((x, y) => y.revenue - x.revenue || x.name.localeCompare(y.name));
}

const rangesOf = (p: Period): Ranges => ({ now: p, previous: p.previous, lastYear: p.lastYear });

/**
 * Whether the period before and the year before have any sale: a comparison period with no sales at all (before the
 * data starts) is no base, as "+100 % against a year before" would only say that the data begins.
 */
export function comparisonBases(days: readonly DailyDoc[], p: Period): { previous: boolean; lastYear: boolean } {
  return { previous: days.some((d) => inRange(d.date, p.previous)), lastYear: days.some((d) => inRange(d.date, p.lastYear)) };
}

export function branchMovers(days: readonly DailyDoc[], p: Period): Mover[] {
  const acc = new Map<string, Acc>();
  const ranges = rangesOf(p);
  for (const d of days) for (const b of d.by_branch) addTo(acc, ranges, b.branch_name, d.date, b.revenue_e4, b.profit_e4);
  const had = comparisonBases(days, p);
  return toMovers(acc, had.previous, had.lastYear);
}

/** Each sub-category from lines grouped by `{ s: sub_category, d: order_date }` with line totals and profits. */
export function subCategoryMovers(rows: Iterable<{ key: GroupKey; sums: Record<string, number> }>, p: Period, had: { previous: boolean; lastYear: boolean }): Mover[] {
  const acc = new Map<string, Acc>();
  const ranges = rangesOf(p);
  for (const g of rows) {
    const k = keyOf<{ s: string; d: string }>(g.key);
    addTo(acc, ranges, k.s, k.d, g.sums.line_total_e4 ?? 0, g.sums.profit_e4 ?? 0);
  }
  return toMovers(acc, had.previous, had.lastYear);
}
