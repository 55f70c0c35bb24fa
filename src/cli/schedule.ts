/**
 * Runs a schedule file's jobs (report:schedule --schedule): each due job in turn, a failure logged and recorded
 * without stopping the others. The last run and last success of each job are kept in `<reports>/.schedule-state.json`
 * (whole-file writes), which is what "due" is measured from (src/reports/schedule.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import type { Logger } from '../log';
import { noSalesNote } from '../reports/format';
import { dueJobs, isNotebookJob, parseSchedule, ScheduleError, type JobSpec, type Schedule, type ScheduleState } from '../reports/schedule';
import type { PipelineContext } from './context';
import { openMongo } from './context';
import { asPairs, renderConfiguredNotebook } from './notebook-report';
import { parseScheduledPeriod, renderConfiguredReport, resolveScheduledPeriod } from './report';

export function readScheduleFile(file: string): Schedule {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScheduleError(`cannot read the schedule ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSchedule(text, file);
}

export const stateFile = (reportsDir: string) => path.join(reportsDir, '.schedule-state.json');

export function readState(file: string): ScheduleState {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ScheduleState;
  } catch {
    return {};
  }
}

export interface JobOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
}

/** Runs `jobs` one after the other with `run`; every outcome is recorded in the state file as soon as it is known. */
export async function runJobs(jobs: readonly JobSpec[], run: (job: JobSpec) => Promise<string>, o: { state: string; log: Logger; now?: () => Date }): Promise<JobOutcome[]> {
  const now = o.now ?? (() => new Date());
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) {
    const started = now();
    o.log.info(`job ${job.name}: starting`, { kind: isNotebookJob(job) ? 'notebook' : 'report' });
    let outcome: JobOutcome;
    try {
      const detail = await run(job);
      outcome = { name: job.name, ok: true, seconds: (now().getTime() - started.getTime()) / 1000, detail };
      o.log.info(`job ${job.name}: done`, { seconds: outcome.seconds.toFixed(1), files: detail });
    } catch (err) {
      outcome = { name: job.name, ok: false, seconds: (now().getTime() - started.getTime()) / 1000, detail: (err as Error).message };
      o.log.error(`job ${job.name}: failed; the other jobs go on`, { error: (err as Error).message.split('\n')[0] });
    }
    outcomes.push(outcome);
    // Re-read: another scheduler (or an earlier job of this one) may have recorded its own jobs meanwhile.
    const state = readState(o.state);
    const prev = state[job.name] ?? {};
    state[job.name] = outcome.ok ? { last_run: started.toISOString(), last_success: started.toISOString() } : { ...prev, last_run: started.toISOString(), last_error: outcome.detail.split('\n')[0] };
    writeFileAtomic(o.state, `${JSON.stringify(state, null, 2)}\n`);
  }
  return outcomes;
}

/** Renders one job with the configured services and folders; returns the files written, for the log. */
export async function renderJob(ctx: PipelineContext, job: JobSpec): Promise<string> {
  if (isNotebookJob(job)) {
    const r = await renderConfiguredNotebook(ctx, { file: job.notebook, pairs: asPairs(job.parameters), formats: job.formats, code: job.code, timeoutSec: job.timeout });
    return Object.values(r.files).join(' ');
  }
  const mongo = await openMongo(ctx);
  try {
    const choice = await resolveScheduledPeriod(parseScheduledPeriod(job.period), mongo.db);
    if (!choice.period) throw new Error(`nothing to render: ${choice.reason}`);
    const r = await renderConfiguredReport(ctx, mongo.db, choice.period, job.formats);
    if (r.data.empty) ctx.log.warn(`${noSalesNote(choice.period)} The report was written and says so.`, { job: job.name });
    return Object.values(r.files).join(' ');
  } finally {
    await mongo.close();
  }
}

/** The due jobs of a schedule, run now. */
export async function runDueJobs(ctx: PipelineContext, schedule: Schedule, now = new Date()): Promise<JobOutcome[]> {
  const state = stateFile(ctx.cfg.paths.reports);
  const due = dueJobs(schedule, readState(state), now);
  ctx.log.info(`${due.length} of ${schedule.jobs.length} jobs due`, { due: due.map((j) => j.name).join(',') || 'none' });
  return runJobs(due, (job) => renderJob(ctx, job), { state, log: ctx.log });
}
