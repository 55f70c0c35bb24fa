/**
 * The historical views the dashboard benchmark asks for: 20 a team would use, chosen from the warehouse's known
 * years, branches and categories. Pure; each filter is a canonical query string (as the view cache keys it).
 */
import type { HistoricalFilter, Known } from '../dashboard/params';
import { filterQuery } from '../dashboard/view-cache';

export const MIX_SIZE = 20;

const filter = (f: Partial<HistoricalFilter>): HistoricalFilter => ({ year: null, month: null, branch: null, category: null, ...f });

/**
 * With Superstore's values (4 years, 4 branches, 3 categories): everything; each of the last four years; the latest
 * year by branch and by category; its busy months (September, November, December) and December by two branches;
 * each category over all years. Each group takes what the warehouse has (fewer branches, fewer filters); further
 * year × month, year × branch, year × category and year × month × branch views fill the mix to 20 when a group comes up short.
 */
export function historicalMix(known: Known, size = MIX_SIZE): string[] {
  const years = [...known.years].sort((a, b) => a - b);
  const branches = [...known.branches].sort();
  const categories = [...known.categories].sort();
  const latest = years.at(-1);
  if (latest === undefined) throw new Error('the warehouse has no year of sales: build it before the dashboard benchmark');
  const chosen = [
    filter({}),
    ...years.slice(-4).map((year) => filter({ year })),
    ...branches.slice(0, 4).map((branch) => filter({ year: latest, branch })),
    ...categories.slice(0, 3).map((category) => filter({ year: latest, category })),
    ...[9, 11, 12].map((month) => filter({ year: latest, month })),
    ...branches.slice(0, 2).map((branch) => filter({ year: latest, month: 12, branch })),
    ...categories.slice(0, 3).map((category) => filter({ category })),
  ];
  const newestFirst = [...years].reverse();
  const more = [
    ...newestFirst.flatMap((year) => Array.from({ length: 12 }, (_, m) => filter({ year, month: 12 - m }))),
    ...newestFirst.flatMap((year) => branches.map((branch) => filter({ year, branch }))),
    ...newestFirst.flatMap((year) => categories.map((category) => filter({ year, category }))),
    ...newestFirst.flatMap((year) => Array.from({ length: 12 }, (_, m) => branches.map((branch) => filter({ year, month: 12 - m, branch }))).flat()),
  ];
  const mix = [...new Set([...chosen, ...more].map(filterQuery))].slice(0, size);
  if (mix.length < size) throw new Error(`the warehouse offers ${mix.length} distinct views, fewer than the ${size} of the mix`);
  return mix;
}
