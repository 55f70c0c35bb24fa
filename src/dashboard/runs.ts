/**
 * What the Reports page reads of the run history (`report_runs`, written by the scheduler and the report commands):
 * read-only, small queries built from validated values, newest first. The page never writes a run.
 */
import type { Db, Filter } from 'mongodb';
import { runsCollection, type ReportRun, type RunStatus } from '../reports/runs/record';

export interface RunsFilter {
  job: string | null;
  status: RunStatus | null;
}

/** How many runs the table shows, and how many make a job's strip. */
export const RUNS_SHOWN = 100;
export const STRIP_RUNS = 30;

/** Pure: the query for a filter, from validated plain values only (params.ts), never from the request. */
export function runsQuery(f: RunsFilter): Filter<ReportRun> {
  const q: Filter<ReportRun> = {};
  if (f.job !== null) q.job = f.job;
  if (f.status !== null) q.status = f.status;
  return q;
}

const runs = (db: Db) => db.collection<ReportRun>(runsCollection);

/** The most recent runs matching `f`, newest first (ties by id, so the order is stable). */
export async function readRuns(db: Db, f: RunsFilter, limit = RUNS_SHOWN): Promise<ReportRun[]> {
  return runs(db).find(runsQuery(f)).sort({ started_at: -1, _id: -1 }).limit(limit).toArray();
}

/** Each job's last `n` runs, newest first; a job that never ran has none. One small query per job. */
export async function readRecentByJob(db: Db, jobs: readonly string[], n = STRIP_RUNS): Promise<Map<string, ReportRun[]>> {
  const lists = await Promise.all(jobs.map((job) => readRuns(db, { job, status: null }, n)));
  return new Map(jobs.map((job, i) => [job, lists[i]!]));
}

/** Every job or command that has a run (`report`, `render` and `pipeline` besides the schedule's jobs). */
export async function readRunJobs(db: Db): Promise<string[]> {
  return (await runs(db).distinct('job')).map(String).sort();
}
