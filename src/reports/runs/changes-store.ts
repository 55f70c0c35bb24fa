/**
 * What "what changed" reads: the previous succeeded run of the same job (and branch, and notebook), the periods it
 * reported before with the figures it printed, the same figures now (daily mart), and each period's orders (lake
 * lines grouped by sale in the database) to count those that changed.
 */
import type { Db, Filter } from 'mongodb';
import { collections } from '../../pipeline/adapters/mongo';
import { createLakeAccess } from '../../pipeline/lake/access';
import type { Locale } from '../../i18n';
import { parsePeriod, type DateRange, type Period } from '../period';
import { restatementOf, whatChangedLines, type PeriodDigest, type Restatement } from './changes';
import { figuresOfPeriod } from './figures';
import { runsCollection, type HeadlineFigures, type ReportRun } from './record';

/** Above this many orders a period keeps no digest (the run document stays small); restatements then give no count. */
export const maxDigestOrders = 20_000;

/** Each order of the period (of one branch, or all): its lines' total and profit, in e4 units. */
export async function periodDigest(db: Db, period: DateRange, branchId: string | null): Promise<PeriodDigest | null> {
  const match: Record<string, unknown> = { order_date: { $gte: period.from, $lte: period.to } };
  if (branchId) match.branch_id = branchId;
  const rows = await createLakeAccess(db).group(collections.salesItems, { by: { s: 'sale_id' }, fields: ['line_total_e4', 'profit_e4'], match });
  if (rows.size > maxDigestOrders) return null;
  const digest: PeriodDigest = {};
  for (const r of rows.values()) digest[String((r.key as { s: string }).s)] = [r.sums.line_total_e4 ?? 0, r.sums.profit_e4 ?? 0];
  return digest;
}

/** Whose previous reports count: the same job, for the same branch, of the same notebook. */
export interface ChangeScope {
  job: string;
  branch: string | null;
  notebook?: string | null;
}

export interface Changes {
  lines: string[];
  restatements: Restatement[];
  previous: ReportRun | null;
}

/** For a notebook: the "what changed" lines of its report of `period` (its figures read from the daily mart). */
export async function changesSinceLastReport(db: Db, scope: ChangeScope, period: Period, locale: Locale = 'en'): Promise<string[]> {
  const [figures, digest] = await Promise.all([figuresOfPeriod(db, period, scope.branch), periodDigest(db, period, scope.branch)]);
  return (await loadChanges(db, scope, { period, figures, digest }, locale)).lines;
}

const safePeriod = (id: string): Period | null => {
  try {
    return parsePeriod(id);
  } catch {
    return null;
  }
};

/**
 * The "what changed" of a report of `current.period` with `current.figures`, against this scope's earlier reports:
 * the previous one, and every period among its last 24 whose figures no longer hold.
 */
export async function loadChanges(db: Db, scope: ChangeScope, current: { period: Period; figures: HeadlineFigures; digest: PeriodDigest | null }, locale: Locale = 'en'): Promise<Changes> {
  const filter: Filter<ReportRun> = { job: scope.job, status: 'succeeded', figures: { $ne: null }, branch: scope.branch };
  if (scope.notebook) filter['parameters.notebook'] = scope.notebook;
  const earlier = await db.collection<ReportRun>(runsCollection).find(filter).sort({ started_at: -1 }).limit(24).toArray();
  const previous = earlier[0] ?? null;
  const latestOfPeriod = new Map<string, ReportRun>();
  for (const r of earlier) if (r.period && !latestOfPeriod.has(r.period)) latestOfPeriod.set(r.period, r);
  const restatements: Restatement[] = [];
  for (const [id, run] of latestOfPeriod) {
    const period = id === current.period.id ? current.period : safePeriod(id);
    if (!period || !run.figures) continue;
    const now = id === current.period.id ? current.figures : await figuresOfPeriod(db, period, scope.branch);
    const digest = run.digest ? (id === current.period.id ? current.digest : await periodDigest(db, period, scope.branch)) : null;
    const r = restatementOf({ period: { id, label: period.label }, figures: run.figures, digest: run.digest }, now, digest);
    if (r) restatements.push(r);
  }
  const prev = previous?.period && previous.figures ? { period: { id: previous.period, label: safePeriod(previous.period)?.label ?? previous.period }, figures: previous.figures } : null;
  return { lines: whatChangedLines({ period: { id: current.period.id, label: current.period.label }, figures: current.figures }, prev, restatements, locale), restatements, previous };
}
