/**
 * Runs a schedule file's jobs (report:schedule --schedule, and the data-triggered ones after a pipeline or warehouse
 * build): which are due (their cron matched since their last successful run, or the warehouse has new data), each
 * as a recorded run (src/reports/runs/runner.ts) in `report_runs`; a failure of one never stops the others.
 */
import type { Db } from 'mongodb';
import type { Logger } from '../log';
import { noSalesNote } from '../reports/format';
import { parsePeriod, type Period } from '../reports/period';
import { newDataDue } from '../reports/runs/freshness';
import { figuresOfKpis, figuresOfPeriod } from '../reports/runs/figures';
import type { HeadlineFigures, ReportRun, RunTrigger } from '../reports/runs/record';
import { loadChanges, periodDigest, type ChangeScope } from '../reports/runs/changes-store';
import type { ReportData } from '../reports/data';
import { runRecorded, type RenderFn, type RenderOutcome, type RunPlan, type RunStore } from '../reports/runs/runner';
import { acquireLease, LeaseHeldError, type Lease } from '../reports/runs/lease';
import { ensureRunIndexes, keepAlive, lastRun, markInterrupted, saveRun, startRun, warehouseFacts } from '../reports/runs/store';
import { dueJobs, isNotebookJob, readScheduleFile, type JobSpec, type Schedule } from '../reports/schedule';
import type { PipelineContext } from './context';
import { asPairs, renderConfiguredNotebook } from './notebook-report';
import { chooseDefaultPeriod, parseScheduledPeriod, renderConfiguredReport, resolveScheduledPeriod } from './report';

/** The MongoDB run store of `db`. */
export function mongoRunStore(db: Db): RunStore {
  return { start: (s) => startRun(db, s), save: (run) => saveRun(db, run), keepAlive: (id) => keepAlive(db, id), facts: () => warehouseFacts(db) };
}

/** The period a job will render, when it can be known before rendering (for the freshness gate). */
async function periodOf(db: Db, job: JobSpec): Promise<Period | null> {
  if (!isNotebookJob(job)) return (await resolveScheduledPeriod(parseScheduledPeriod(job.period), db)).period;
  const p = job.parameters.period;
  if (typeof p !== 'string') return null;
  if (p === 'latest') return (await chooseDefaultPeriod(db)).period;
  try {
    return parsePeriod(p);
  } catch {
    return null;
  }
}

/** The "what changed" of a report and what its record keeps of it (the period's digest, the lines). */
async function changesOf(db: Db, scope: ChangeScope, period: Period, figures: HeadlineFigures): Promise<NonNullable<RenderOutcome['record']>> {
  const digest = await periodDigest(db, period, scope.branch);
  return { digest, what_changed: (await loadChanges(db, scope, { period, figures, digest })).lines };
}

/** Renders one job (for one branch of a burst) with the configured services and folders; what its record keeps. */
export async function renderJob(ctx: PipelineContext, db: Db, job: JobSpec, signal?: AbortSignal): Promise<RenderOutcome> {
  const steps: Record<string, number> = {};
  const onStep = (step: string, s: number) => void (steps[step] = s);
  if (isNotebookJob(job)) {
    // The kernel learns its job, so a notebook's "what changed" (show.changes) reads the same history as its record.
    const r = await renderConfiguredNotebook(ctx, { file: job.notebook, pairs: asPairs(job.parameters), formats: job.formats, code: job.code, timeoutSec: job.timeout, onStep, signal, env: { ERP_REPORT_JOB: job.name } });
    return { ...(await notebookOutcome(db, r, job.name)), steps };
  }
  const choice = await resolveScheduledPeriod(parseScheduledPeriod(job.period), db);
  if (!choice.period) throw new Error(`nothing to render: ${choice.reason}`);
  const period = choice.period;
  let record: RenderOutcome['record'];
  const whatChanged = async (data: ReportData) => (record = await changesOf(db, { job: job.name, branch: null }, period, figuresOfKpis(data.kpis))).what_changed ?? [];
  const r = await renderConfiguredReport(ctx, db, period, job.formats, { onStep, signal, whatChanged });
  if (r.data.empty) ctx.log.warn(`${noSalesNote(period)} The report was written and says so.`, { job: job.name });
  return { files: r.files as Record<string, string>, period: period.id, figures: figuresOfKpis(r.data.kpis), steps, record };
}

/** What a notebook run's record keeps: its files, its period, that period's figures (of its branch, if any), what changed. */
export async function notebookOutcome(db: Db, r: { files: Partial<Record<string, string>>; values: Record<string, unknown>; seconds: Record<string, number> }, job: string): Promise<RenderOutcome> {
  const period = typeof r.values.period === 'string' ? safePeriod(r.values.period) : null;
  const branch = typeof r.values.branch === 'string' ? r.values.branch : null;
  const figures = period ? await figuresOfPeriod(db, period, branch) : null;
  const record = period && figures ? await changesOf(db, { job, branch }, period, figures) : undefined;
  return { files: r.files as Record<string, string>, period: period?.id ?? null, figures, steps: r.seconds, record };
}

function safePeriod(text: string): Period | null {
  try {
    return parsePeriod(text);
  } catch {
    return null;
  }
}

/** How a job runs: its trigger, period, freshness rule, timeout and retries. */
export async function planJob(db: Db, job: JobSpec, trigger: RunTrigger, file: string | null): Promise<RunPlan> {
  const period = await periodOf(db, job).catch(() => null);
  return {
    job: job.name,
    kind: isNotebookJob(job) ? 'notebook' : 'executive',
    schedule: file,
    parameters: isNotebookJob(job) ? { notebook: job.notebook, ...job.parameters } : { period: job.period, formats: job.formats },
    trigger,
    period: period ? { id: period.id, to: period.to } : null,
    freshness: job.freshness,
    timeoutSec: job.timeout,
    retries: job.retries,
    retryDelaySec: job.retryDelay,
  };
}

export interface DueJob {
  job: JobSpec;
  trigger: RunTrigger;
}

/**
 * The jobs due now: a cron job whose cron matched (in its zone) since its last successful run, or that never
 * succeeded; a data-triggered job when the warehouse was built with something its last successful run did not see.
 * `only: 'data'` asks for the data-triggered ones alone (after a build).
 */
export async function findDueJobs(db: Db, schedule: Schedule, now: Date, only?: 'data'): Promise<DueJob[]> {
  const facts = await warehouseFacts(db);
  const due: DueJob[] = [];
  for (const job of schedule.jobs) {
    const last = await lastRun(db, job.name);
    const state = { [job.name]: { last_success: last?.started_at.toISOString() } };
    if (only !== 'data' && job.trigger.includes('cron') && dueJobs({ ...schedule, jobs: [job] }, state, now).length) due.push({ job, trigger: 'cron' });
    else if (job.trigger.includes('data') && newDataDue(last, facts)) due.push({ job, trigger: 'data' });
  }
  return due;
}

export interface ScheduleRunOptions {
  file: string | null;
  now?: Date;
  only?: 'data';
  signal?: AbortSignal;
  log?: Logger;
}

/**
 * The due jobs of a schedule, run now one after the other, each recorded; runs left `running` by a process that died
 * are marked `interrupted` first.
 */
export async function runDueJobs(ctx: PipelineContext, db: Db, schedule: Schedule, o: ScheduleRunOptions): Promise<ReportRun[]> {
  await ensureRunIndexes(db);
  const interrupted = await markInterrupted(db);
  if (interrupted) ctx.log.warn(`${interrupted} run(s) left running by a process that died are now marked interrupted`);
  const due = await findDueJobs(db, schedule, o.now ?? new Date(), o.only);
  ctx.log.info(`${due.length} of ${schedule.jobs.length} jobs due`, { due: due.map((d) => `${d.job.name} (${d.trigger})`).join(', ') || 'none' });
  const store = mongoRunStore(db);
  const runs: ReportRun[] = [];
  for (const { job, trigger } of due) {
    if (o.signal?.aborted) break;
    ctx.log.info(`job ${job.name}: starting`, { trigger, zone: job.tz });
    const render: RenderFn = (signal) => renderJob(ctx, db, job, signal);
    const run = await runRecorded(await planJob(db, job, trigger, o.file), render, { store, reportsDir: ctx.cfg.paths.reports, log: ctx.log, signal: o.signal });
    const why = (run.reason ?? run.error ?? '').split('\n')[0];
    ctx.log[run.status === 'succeeded' ? 'info' : 'error'](`job ${job.name}: ${run.status}`, { attempts: run.attempt, ...(why ? { error: why } : {}) });
    runs.push(run);
  }
  return runs;
}

/** `--once`'s exit code: 1 when any run ended failed, timed out, skipped (stale data) or interrupted. */
export const exitCodeOf = (runs: readonly ReportRun[]) => (runs.some((r) => r.status !== 'succeeded') ? 1 : 0);

/** One line per run, as `--once` and the builds print them. */
export const runLine = (r: ReportRun) =>
  `${r.status === 'succeeded' ? '✓' : '✖'} ${r.job} ${r.status} (${r.attempt} ${r.attempt === 1 ? 'attempt' : 'attempts'}): ${r.status === 'succeeded' ? r.outputs.map((o) => o.path).join(' ') : (r.reason ?? r.error ?? '').split('\n')[0]}`;

/**
 * After a build (`npm run pipeline`, `npm run warehouse`): the schedule's data-triggered jobs that the new data made
 * due. Nothing without a schedule file; left to the scheduler that holds the lease when one is running. A failed
 * job is recorded and printed; it does not fail the build.
 */
export async function runDataJobsAfterBuild(ctx: PipelineContext, db: Db, file: string | null, print: (line: string) => void = console.log): Promise<ReportRun[]> {
  if (!file) {
    ctx.log.debug('no schedule file (SCHEDULE_FILE or --schedule): no data-triggered reports to run');
    return [];
  }
  const schedule = readScheduleFile(file);
  if (!schedule.jobs.some((j) => j.trigger.includes('data'))) return [];
  let lease: Lease;
  try {
    lease = await acquireLease(db, `data-triggered reports of ${file}`);
  } catch (err) {
    if (!(err instanceof LeaseHeldError)) throw err;
    print(`  data-triggered reports: left to the scheduler running on ${err.holder.host} (pid ${err.holder.pid})`);
    return [];
  }
  try {
    const runs = await runDueJobs(ctx, db, schedule, { file, only: 'data' });
    if (!runs.length) print('  data-triggered reports: none due');
    for (const r of runs) print(`  ${runLine(r)}`);
    return runs;
  } finally {
    await lease.release();
  }
}
