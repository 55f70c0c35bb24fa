/**
 * Schedule files (pure): jobs that render a notebook report or the executive report on a cron expression (UTC), and
 * which of them are due. A job is due when its cron matched a minute after its last successful run, up to now; a job
 * that never succeeded is due. So `--once` from system cron catches up on runs missed while the machine was off,
 * runs each at most once however many minutes it missed, and retries a failed job at the next call.
 */
import { z } from 'zod';
import { CronError, nextRun, parseCron, type Cron } from './cron';
import { parsePeriod } from './period';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const cronText = z.string({ required_error: 'is required (a cron expression, e.g. "0 7 1 * *")' }).superRefine((v, ctx) => {
  try {
    parseCron(v);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof CronError ? err.message : String(err) });
  }
});

const name = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'expected letters, digits, ".", "_" or "-" (it names the job in logs and in the state file)');

const notebookJob = z
  .object({
    name,
    notebook: z.string().min(1).regex(/\.ipynb$/i, 'expected a path to an .ipynb file'),
    parameters: z.record(z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.unknown())])).default({}),
    formats: z.array(z.enum(['html', 'pdf', 'ipynb'], { message: 'expected html, pdf or ipynb' })).nonempty().default(['html', 'pdf', 'ipynb']),
    code: z.enum(['hide', 'show'], { message: 'expected hide or show' }).default('hide'),
    timeout: z.number().int().positive().default(600),
    cron: cronText,
  })
  .strict();

const reportJob = z
  .object({
    name,
    report: z.literal('executive', { errorMap: () => ({ message: 'expected "executive" (the only fixed report)' }) }),
    period: z
      .string()
      .default('latest')
      .superRefine((v, ctx) => {
        if (v === 'latest' || v === 'last-month') return;
        try {
          parsePeriod(v);
        } catch (err) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${(err as Error).message}; or latest, or last-month` });
        }
      }),
    formats: z.array(z.enum(['html', 'pdf', 'xlsx'], { message: 'expected html, pdf or xlsx' })).nonempty().default(['html', 'pdf', 'xlsx']),
    cron: cronText,
  })
  .strict();

const scheduleSchema = z.object({ jobs: z.array(z.record(z.unknown()), { message: 'expected an array of job objects' }).min(1, 'needs at least one job') }).strict();

export type NotebookJobSpec = z.infer<typeof notebookJob>;
export type ReportJobSpec = z.infer<typeof reportJob>;
export type JobSpec = NotebookJobSpec | ReportJobSpec;
export interface Schedule {
  jobs: JobSpec[];
}

export const isNotebookJob = (j: JobSpec): j is NotebookJobSpec => 'notebook' in j;

const where = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

/** Parses and validates a schedule file's text; errors name the file, the job and the field. */
export function parseSchedule(text: string, file: string): Schedule {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScheduleError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const top = scheduleSchema.safeParse(raw);
  if (!top.success) throw new ScheduleError(`${file} is not a valid schedule:\n${top.error.issues.map((i) => `  ${where(i.path) || '(top level)'}: ${i.message}`).join('\n')}`);
  const jobs: JobSpec[] = [];
  top.data.jobs.forEach((j, n) => {
    const label = `jobs[${n}]${typeof j.name === 'string' ? ` (job "${j.name}")` : ''}`;
    // The kind of job is chosen by its key, so the errors are those of the job it meant to be.
    const schema = 'notebook' in j ? notebookJob : 'report' in j ? reportJob : null;
    if (!schema) return void problems.push(`  ${label}: needs "notebook" (a path to a notebook) or "report": "executive"`);
    const r = schema.safeParse(j);
    if (r.success) jobs.push(r.data);
    else for (const i of r.error.issues) problems.push(`  ${label}.${where(i.path) || '(job)'}: ${i.message}`);
  });
  if (problems.length) throw new ScheduleError(`${file} is not a valid schedule:\n${problems.join('\n')}`);
  const seen = new Set<string>();
  for (const j of jobs) {
    if (seen.has(j.name)) throw new ScheduleError(`${file}: two jobs are named "${j.name}" (a job's name keys its last run)`);
    seen.add(j.name);
  }
  return { jobs };
}

/** When each job last ran and last succeeded (ISO times), kept beside the reports. */
export type ScheduleState = Record<string, { last_run?: string; last_success?: string; last_error?: string }>;

export function isDue(cron: Cron, lastSuccess: string | undefined, now: Date): boolean {
  if (!lastSuccess) return true;
  return nextRun(cron, new Date(lastSuccess)).getTime() <= now.getTime();
}

export function dueJobs(s: Schedule, state: ScheduleState, now: Date): JobSpec[] {
  return s.jobs.filter((j) => isDue(parseCron(j.cron), state[j.name]?.last_success, now));
}

/** The first time after `now` at which any job is due again (the long-running scheduler sleeps until then). */
export function nextWake(s: Schedule, now: Date): Date {
  return new Date(Math.min(...s.jobs.map((j) => nextRun(parseCron(j.cron), now).getTime())));
}
