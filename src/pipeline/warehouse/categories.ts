/**
 * `category_analysis`. Grain: one document per category × sub-category × month. Partition: the month. Built from the
 * cube's rows (`cube.ts`), not from a grouping of its own.
 */
import type { CubeRow } from './cube';
import { addTotals, emptyTotals, lineFigures, type Totals } from './measures';

export interface CategoryMonthRow {
  month: string;
  category: string;
  sub_category: string;
  totals: Totals;
}

export function buildCategoryDocs(rows: readonly CategoryMonthRow[]) {
  return [...rows]
    .sort((a, b) => a.month.localeCompare(b.month) || a.category.localeCompare(b.category) || a.sub_category.localeCompare(b.sub_category))
    .map((r) => ({ _id: `${r.month}|${r.category}|${r.sub_category}`, month: r.month, category: r.category, sub_category: r.sub_category, ...lineFigures(r.totals) }));
}

export type CategoryDoc = ReturnType<typeof buildCategoryDocs>[number];

/**
 * Pure: the cube's rows summed over branches. The measures are integer sums, so this is exactly what grouping the
 * lines by month, category and sub-category gives, and it saves the build a second pass over the same lines.
 */
export function categoryRowsFromCube(rows: readonly CubeRow[]): CategoryMonthRow[] {
  const out = new Map<string, CategoryMonthRow>();
  for (const r of rows) {
    const key = `${r.month}|${r.category}|${r.sub_category}`;
    let c = out.get(key);
    if (!c) out.set(key, (c = { month: r.month, category: r.category, sub_category: r.sub_category, totals: emptyTotals() }));
    addTotals(c.totals, r.totals);
  }
  return [...out.values()];
}
