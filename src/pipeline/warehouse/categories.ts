/**
 * `category_analysis`. Grain: one document per category × sub-category × month. Partition: the month.
 */
import { collections } from '../mongo';
import type { LakeAccess } from './access';
import { keyOf, lineFigures, lineMeasureFields, totalsOf, type Totals } from './measures';
import { matchIn, type Scope } from './scope';

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

export async function queryCategories(lake: LakeAccess, scope: Scope): Promise<CategoryDoc[]> {
  const rows = await lake.group(collections.salesItems, {
    by: { m: 'order_month', c: 'category', s: 'sub_category' },
    fields: lineMeasureFields,
    match: matchIn(scope, 'order_month', scope.months),
  });
  type K = { m: string; c: string; s: string };
  return buildCategoryDocs([...rows.values()].map((r) => ({ month: keyOf<K>(r.key).m, category: keyOf<K>(r.key).c, sub_category: keyOf<K>(r.key).s, totals: totalsOf(r) })));
}
