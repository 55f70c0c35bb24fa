/**
 * The run history in MongoDB (`report_runs`): a run is inserted when it starts, its heartbeat renewed while it lives,
 * and closed when it ends; a run whose process died is marked `interrupted` by the next start. Same code on the local
 * engine, MongoDB 7 and Atlas.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Db, Filter } from 'mongodb';
import { marts } from '../../pipeline/warehouse/build';
import type { DailyDoc } from '../../pipeline/warehouse/daily';
import type { WarehouseFacts } from './freshness';
import { runsCollection, type ReportRun, type RunStatus, type RunTrigger } from './record';

const runs = (db: Db) => db.collection<ReportRun>(runsCollection);

export async function ensureRunIndexes(db: Db): Promise<void> {
  await runs(db).createIndexes([{ key: { job: 1, started_at: -1 } }, { key: { status: 1 } }, { key: { started_at: -1 } }]);
}

export interface RunStart {
  job: string;
  kind: ReportRun['kind'];
  schedule?: string | null;
  parameters?: Record<string, unknown>;
  period?: string | null;
  trigger: RunTrigger;
  branch?: string | null;
  facts: WarehouseFacts;
  now?: Date;
}

/** `<job>-<start, to the second>-<random>`: sortable and readable in a log. */
const runId = (job: string, at: Date) => `${job}-${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

/** Inserts a `running` record of attempt 1; the caller closes it with `finishRun`. */
export async function startRun(db: Db, s: RunStart): Promise<ReportRun> {
  const now = s.now ?? new Date();
  const run: ReportRun = {
    _id: runId(s.job, now),
    job: s.job,
    kind: s.kind,
    schedule: s.schedule ?? null,
    parameters: s.parameters ?? {},
    period: s.period ?? null,
    trigger: s.trigger,
    branch: s.branch ?? null,
    attempt: 1,
    attempts: [{ attempt: 1, started_at: now, ended_at: null, status: 'running', error: null }],
    status: 'running',
    started_at: now,
    ended_at: null,
    heartbeat_at: now,
    host: os.hostname(),
    pid: process.pid,
    steps: {},
    error: null,
    reason: null,
    data_as_of: s.facts.asOf,
    warehouse_built_at: s.facts.builtAt,
    data_changed_at: s.facts.dataChangedAt,
    outputs: [],
    figures: null,
  };
  await runs(db).insertOne(run);
  return run;
}

/** Writes the run's current state (attempts, status, outputs …) as it is in memory. */
export async function saveRun(db: Db, run: ReportRun): Promise<void> {
  const { _id, ...rest } = run;
  await runs(db).updateOne({ _id }, { $set: { ...rest, heartbeat_at: new Date() } });
}

/** Renews the heartbeat every `everyMs` until stopped. A failed renewal is retried at the next tick. */
export function keepAlive(db: Db, id: string, everyMs = 10_000): () => void {
  const timer = setInterval(() => void runs(db).updateOne({ _id: id, status: 'running' }, { $set: { heartbeat_at: new Date() } }).catch(() => undefined), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** True when a process of this machine with that pid is alive (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks `running` runs whose process is gone as `interrupted`: on this machine when their pid is dead, anywhere when
 * their heartbeat is older than `staleMs`. Returns how many.
 */
export async function markInterrupted(db: Db, o: { staleMs?: number; now?: Date; alive?: (pid: number) => boolean } = {}): Promise<number> {
  const now = o.now ?? new Date();
  const alive = o.alive ?? processAlive;
  const host = os.hostname();
  const stale = new Date(now.getTime() - (o.staleMs ?? 60_000));
  let marked = 0;
  for (const r of await runs(db).find({ status: 'running' }).toArray()) {
    const dead = (r.host === host && r.pid !== process.pid && !alive(r.pid)) || r.heartbeat_at < stale;
    if (!dead) continue;
    const error = `the run's process (${r.host} pid ${r.pid}) ended without closing it: killed, or the machine stopped`;
    const attempts = r.attempts.map((a) => (a.status === 'running' ? { ...a, status: 'interrupted' as RunStatus, ended_at: now, error } : a));
    const res = await runs(db).updateOne({ _id: r._id, status: 'running' }, { $set: { status: 'interrupted', ended_at: now, error, attempts } });
    marked += res.modifiedCount;
  }
  return marked;
}

export interface RunQuery {
  job?: string;
  status?: RunStatus;
  limit?: number;
}

/** Runs, newest first. */
export function listRuns(db: Db, q: RunQuery = {}): Promise<ReportRun[]> {
  const filter: Filter<ReportRun> = {};
  if (q.job) filter.job = q.job;
  if (q.status) filter.status = q.status;
  return runs(db).find(filter).sort({ started_at: -1 }).limit(q.limit ?? 50).toArray();
}

/** The newest run of a job that ended in `status`, if any. */
export async function lastRun(db: Db, job: string, status: RunStatus = 'succeeded'): Promise<ReportRun | null> {
  return (await runs(db).find({ job, status }).sort({ started_at: -1 }).limit(1).toArray())[0] ?? null;
}

/** When the warehouse was last built, when a build last changed it, and its newest sale day. */
export async function warehouseFacts(db: Db): Promise<WarehouseFacts> {
  const [state, newest] = await Promise.all([
    db.collection<{ _id: string; built_at?: Date; data_changed_at?: Date }>(marts.state).findOne({ _id: 'warehouse' }),
    db.collection<DailyDoc>(marts.daily).find({}, { projection: { date: 1 } }).sort({ date: -1 }).limit(1).toArray(),
  ]);
  const builtAt = state?.built_at ? new Date(state.built_at) : null;
  // A warehouse built before the change stamp was kept: its build is its last known change.
  return { builtAt, dataChangedAt: state?.data_changed_at ? new Date(state.data_changed_at) : builtAt, asOf: newest[0]?.date ?? null };
}
