/**
 * Narrowing a report to one branch: which branch an ID names (an unknown one is an error listing the warehouse's
 * branches), the daily mart's days as the branch's own figures, and the branch's rank and share among all branches.
 */
import type { Db } from 'mongodb';
import { marts } from '../pipeline/warehouse/build';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { averageOrderValue } from '../pipeline/warehouse/measures';

export class BranchError extends Error {
  override name = 'BranchError';
}

export interface BranchRef {
  id: string;
  name: string;
}

/** Where a branch stands among all branches in the period, by revenue. */
export interface BranchStanding {
  /** 1 = the most revenue. */
  rank: number;
  of: number;
  /** The branch's share of the company's revenue in the period; null when the company sold nothing. */
  share: number | null;
}

/** Every branch the warehouse knows, by ID (a burst renders one report each). */
export async function listBranches(db: Db): Promise<BranchRef[]> {
  const ids = ((await db.collection<DailyDoc>(marts.daily).distinct('by_branch.branch_id')) as string[]).sort();
  return Promise.all(ids.map((id) => resolveBranch(db, id, [])));
}

/**
 * The branch `id` names, from the days already read, or else from the whole daily mart (the branch may have sold only
 * outside those days). An ID the warehouse does not know is a BranchError listing the IDs it knows.
 */
export async function resolveBranch(db: Db, id: string, days: readonly DailyDoc[]): Promise<BranchRef> {
  for (const d of days) for (const b of d.by_branch) if (b.branch_id === id) return { id, name: b.branch_name };
  const known = ((await db.collection<DailyDoc>(marts.daily).distinct('by_branch.branch_id')) as string[]).sort();
  if (!known.includes(id)) throw new BranchError(`branch "${id}" is not in the warehouse; branches: ${known.join(', ') || 'none (the warehouse is empty)'}`);
  const day = await db.collection<DailyDoc>(marts.daily).findOne({ 'by_branch.branch_id': id }, { projection: { by_branch: 1 } });
  return { id, name: day?.by_branch.find((b) => b.branch_id === id)?.branch_name ?? id };
}

/**
 * Pure: the days on which branch `id` sold, each with the branch's figures as the day's own and only the branch in
 * `by_branch`: what every reader of the daily mart (key figures, trend, comparison bases) sees of a branch report.
 */
export function branchDays(days: readonly DailyDoc[], id: string): DailyDoc[] {
  return days.flatMap((d) => {
    const b = d.by_branch.find((x) => x.branch_id === id);
    if (!b) return [];
    const { branch_id: _id, branch_name: _name, ...figures } = b;
    return [{ ...d, ...figures, avg_order_value: averageOrderValue(b.revenue_e4, b.orders), by_branch: [b] }];
  });
}

/** Pure: the branch's rank by revenue among `branches` (sorted by revenue, as `branchFigures` returns them), and its share. */
export function branchStanding(branches: readonly { branch: string; revenue: number }[], name: string): BranchStanding | null {
  const i = branches.findIndex((b) => b.branch === name);
  if (i < 0) return null;
  const total = branches.reduce((s, b) => s + b.revenue, 0);
  return { rank: i + 1, of: branches.length, share: total > 0 ? branches[i]!.revenue / total : null };
}
