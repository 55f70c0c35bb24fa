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
import { dueJobs, isNotebookJob, jobLocale, readScheduleFile, type JobSpec, type Schedule } from '../reports/schedule';
import type { Locale } from '../i18n';
import type { Browser } from 'puppeteer';
import { launchBrowser } from '../reports/browser';
import { listBranches, type BranchRef } from '../reports/branch-scope';
import { createSmtpMailer, type MailSettings, type Mailer } from '../reports/delivery/email';
import { notebookName } from '../notebooks/render';
import { UsageError } from './args';
import type { PipelineContext } from './context';
import { executiveDraft, notebookDraft, publishRun, type ContentDraft } from './publish';
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
async function changesOf(db: Db, scope: ChangeScope, period: Period, figures: HeadlineFigures, locale: Locale = 'en'): Promise<NonNullable<RenderOutcome['record']>> {
  const digest = await periodDigest(db, period, scope.branch);
  return { digest, what_changed: (await loadChanges(db, scope, { period, figures, digest }, locale)).lines };
}

/** What the runs of one job share: one Chromium and one SMTP connection for a whole burst; the readers' content. */
export interface RenderShare {
  browser?: Browser;
  /** Receives what the run's readers get (key figures, findings, what changed, charts) once it is rendered. */
  draft?: (d: ContentDraft) => void;
}

/** Renders one job, for one branch of its burst or for all, with the configured services and folders. */
export async function renderJob(ctx: PipelineContext, db: Db, job: JobSpec, branch: BranchRef | null, signal?: AbortSignal, share: RenderShare = {}): Promise<RenderOutcome> {
  const steps: Record<string, number> = {};
  const onStep = (step: string, s: number) => void (steps[step] = s);
  if (isNotebookJob(job)) {
    const parameters = branch ? { ...job.parameters, branch: branch.id } : job.parameters;
    // The kernel learns its job, so a notebook's "what changed" (show.changes) reads the same history as its record.
    const r = await renderConfiguredNotebook(ctx, { file: job.notebook, pairs: asPairs(parameters), formats: job.formats, code: job.code, timeoutSec: job.timeout, onStep, signal, env: { ERP_REPORT_JOB: job.name } });
    const out = await notebookOutcome(db, r, job.name, jobLocale(job));
    const period = out.period ? safePeriod(out.period) : null;
    if (period && out.figures) share.draft?.(notebookDraft(job.name, notebookName(job.notebook), period, branch, out.figures, out.record?.what_changed ?? [], jobLocale(job)));
    return { ...out, steps };
  }
  const choice = await resolveScheduledPeriod(parseScheduledPeriod(job.period), db);
  if (!choice.period) throw new Error(`nothing to render: ${choice.reason}`);
  const period = choice.period;
  let record: RenderOutcome['record'];
  const whatChanged = async (data: ReportData) => (record = await changesOf(db, { job: job.name, branch: branch?.id ?? null }, period, figuresOfKpis(data.kpis), jobLocale(job))).what_changed ?? [];
  const r = await renderConfiguredReport(ctx, db, period, job.formats, { onStep, signal, whatChanged, branch: branch?.id ?? null, browser: share.browser, locale: jobLocale(job) });
  if (r.data.empty) ctx.log.warn(`${noSalesNote(period)} The report was written and says so.`, { job: job.name });
  if (share.draft) share.draft(executiveDraft(job.name, r.data, r.charts, r.images, jobLocale(job)));
  return { files: r.files as Record<string, string>, period: period.id, figures: figuresOfKpis(r.data.kpis), steps, record };
}

/** What a notebook run's record keeps: its files, its period, that period's figures (of its branch, if any), what changed. */
export async function notebookOutcome(db: Db, r: { files: Partial<Record<string, string>>; values: Record<string, unknown>; seconds: Record<string, number> }, job: string, locale: Locale = 'en'): Promise<RenderOutcome> {
  const period = typeof r.values.period === 'string' ? safePeriod(r.values.period) : null;
  const branch = typeof r.values.branch === 'string' ? r.values.branch : null;
  const figures = period ? await figuresOfPeriod(db, period, branch) : null;
  const record = period && figures ? await changesOf(db, { job, branch }, period, figures, locale) : undefined;
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
export async function planJob(db: Db, job: JobSpec, trigger: RunTrigger, file: string | null, branch: BranchRef | null = null): Promise<RunPlan> {
  const period = await periodOf(db, job).catch(() => null);
  const notebookBranch = isNotebookJob(job) && typeof job.parameters.branch === 'string' ? job.parameters.branch : null;
  return {
    job: job.name,
    branch: branch?.id ?? notebookBranch,
    kind: isNotebookJob(job) ? 'notebook' : 'executive',
    schedule: file,
    // The locale is recorded when the job names one: the run's texts (report, mail, what changed) are in it.
    parameters: { ...(isNotebookJob(job) ? { notebook: job.notebook, ...job.parameters } : { period: job.period, formats: job.formats }), ...(branch ? { branch: branch.id } : {}), ...(job.locale ? { locale: job.locale } : {}) },
    trigger,
    period: period ? { id: period.id, to: period.to } : null,
    freshness: job.freshness,
    timeoutSec: job.timeout,
    retries: job.retries,
    retryDelaySec: job.retryDelay,
    // A refused parameter or branch is the schedule's mistake: the next attempt would be refused alike.
    retriable: (err) => !(err instanceof UsageError),
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
  /** Deliver again what was delivered before (`--resend`). */
  resend?: boolean;
  now?: Date;
  only?: 'data';
  signal?: AbortSignal;
  log?: Logger;
  /** Opens the SMTP connection a job's runs share (default: createSmtpMailer); the burst benchmark times its sends. */
  openMailer?: (s: MailSettings) => Mailer;
  /** Told after each run of a job is recorded and published, with how long each took (the burst benchmark). */
  onItem?: (item: JobItemTiming) => void;
}

/** One run of a job, as `onItem` is told of it: the recorded run, then the seconds of its render and its publishing. */
export interface JobItemTiming {
  run: ReportRun;
  /** The recorded run, from its plan to its closed record (the render, and the mail's chart images). */
  runSeconds: number;
  /** Its deliveries and alerts (composing, sending, recording). */
  publishSeconds: number;
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
  const runs: ReportRun[] = [];
  for (const { job, trigger } of due) {
    if (o.signal?.aborted) break;
    ctx.log.info(`job ${job.name}: starting`, { trigger, zone: job.tz, ...(job.burst ? { burst: job.burst } : {}) });
    runs.push(...(await runJobItems(ctx, db, job, trigger, o)));
  }
  return runs;
}

/**
 * One due job: one run, or with `"burst": "branch"` one run per branch (each recorded, delivered and alerted on its
 * own; one branch failing does not stop the others), sharing one Chromium and one SMTP connection.
 */
export async function runJobItems(ctx: PipelineContext, db: Db, job: JobSpec, trigger: RunTrigger, o: ScheduleRunOptions): Promise<ReportRun[]> {
  const store = mongoRunStore(db);
  const branches: (BranchRef | null)[] = job.burst ? await listBranches(db) : [null];
  const needsBrowser = !isNotebookJob(job) && job.formats.includes('pdf');
  const browser = needsBrowser ? await launchBrowser(ctx.cfg.chromePath) : undefined;
  const mailer = job.deliver.some((c) => 'email' in c) ? (o.openMailer ?? createSmtpMailer)(ctx.cfg.mail) : undefined;
  const runs: ReportRun[] = [];
  try {
    for (const branch of branches) {
      if (o.signal?.aborted) break;
      let draft: ContentDraft | null = null;
      const render: RenderFn = (signal) => renderJob(ctx, db, job, branch, signal, { browser, draft: (d) => void (draft = d) });
      const started = performance.now();
      const run = await runRecorded(await planJob(db, job, trigger, o.file, branch), render, { store, reportsDir: ctx.cfg.paths.reports, log: ctx.log, signal: o.signal });
      const recorded = performance.now();
      await publishRun({ ctx, db, job, resend: o.resend, mailer }, run, draft);
      o.onItem?.({ run, runSeconds: (recorded - started) / 1000, publishSeconds: (performance.now() - recorded) / 1000 });
      const why = (run.reason ?? run.error ?? '').split('\n')[0];
      const failedDeliveries = (run.deliveries ?? []).filter((d) => d.status === 'failed').length;
      ctx.log[run.status === 'succeeded' && !failedDeliveries ? 'info' : 'error'](`job ${job.name}${branch ? ` (${branch.id})` : ''}: ${run.status}`, { attempts: run.attempt, ...(why ? { error: why } : {}), ...(run.deliveries?.length ? { deliveries: run.deliveries.map((d) => `${d.channel} ${d.status}`).join(', ') } : {}) });
      runs.push(run);
    }
  } finally {
    await browser?.close();
    mailer?.close();
  }
  return runs;
}

/** `--once`'s exit code: 1 when any run ended failed, timed out, skipped (stale data) or interrupted. */
export const exitCodeOf = (runs: readonly ReportRun[]) => (runs.some((r) => r.status !== 'succeeded') ? 1 : 0);

/** One line per run, as `--once` and the builds print them. */
export const runLine = (r: ReportRun) =>
  `${r.status === 'succeeded' ? '✓' : '✖'} ${r.job}${r.branch ? ` ${r.branch}` : ''} ${r.status} (${r.attempt} ${r.attempt === 1 ? 'attempt' : 'attempts'}): ${r.status === 'succeeded' ? r.outputs.map((o) => o.path).join(' ') : (r.reason ?? r.error ?? '').split('\n')[0]}${r.deliveries?.length ? ` · ${r.deliveries.map((d) => `${d.channel} ${d.status === 'sent' ? `sent to ${d.target}` : d.status}`).join(', ')}` : ''}`;

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
