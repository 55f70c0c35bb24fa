/**
 * `sales_cube`. Grain: one document per month × branch × category × sub-category, with the additive line measures.
 * Partition: the month. It lets the dashboards filter by year, month, branch and category together without touching
 * the lake (its size does not grow with the number of lines).
 */
import { collections } from '../adapters/mongo';
import type { LakeAccess } from '../lake/access';
import { keyOf, lineFigures, lineMeasureFields, totalsOf, type Totals } from './measures';
import { matchIn, type Scope } from './scope';

export interface CubeRow {
  month: string;
  branch_id: string;
  category: string;
  sub_category: string;
  totals: Totals;
}

export function buildCubeDocs(rows: readonly CubeRow[]) {
  return [...rows]
    .sort((a, b) => a.month.localeCompare(b.month) || a.branch_id.localeCompare(b.branch_id) || a.category.localeCompare(b.category) || a.sub_category.localeCompare(b.sub_category))
    .map((r) => ({
      _id: `${r.month}|${r.branch_id}|${r.category}|${r.sub_category}`,
      month: r.month,
      year: Number(r.month.slice(0, 4)),
      branch_id: r.branch_id,
      category: r.category,
      sub_category: r.sub_category,
      ...lineFigures(r.totals),
      discount_e4: r.totals.discount_e4,
    }));
}

export type CubeDoc = ReturnType<typeof buildCubeDocs>[number];

/** The scope's lines grouped by month, branch, category and sub-category, in the database. */
export async function queryCubeRows(lake: LakeAccess, scope: Scope): Promise<CubeRow[]> {
  const rows = await lake.group(collections.salesItems, {
    by: { m: 'order_month', b: 'branch_id', c: 'category', s: 'sub_category' },
    fields: lineMeasureFields,
    match: matchIn(scope, 'order_month', scope.months),
  });
  type K = { m: string; b: string; c: string; s: string };
  return [...rows.values()].map((r) => ({ month: keyOf<K>(r.key).m, branch_id: keyOf<K>(r.key).b, category: keyOf<K>(r.key).c, sub_category: keyOf<K>(r.key).s, totals: totalsOf(r) }));
}
