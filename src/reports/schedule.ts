/**
 * Schedule files (pure): jobs that render a notebook report or the executive report on a cron expression read in an
 * IANA zone (the job's, the file's default, or the machine's), on new data, or both; and which are due by the clock.
 * A job is due when its cron matched, in its zone, after its last successful run up to now; a job that never succeeded
 * is due. So `--once` from system cron catches up on runs missed while the machine was off, runs each at most once
 * however many it missed, and retries a failed job at the next call.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { CronError, formatInZone, isTimeZone, machineZone, nextRun, nextRuns, parseCron, type CronSpec } from './cron';
import { DurationError, parseDuration } from './duration';
import { parsePeriod } from './period';
import { defaultLocale, locales, parseLocale, type Locale } from '../i18n';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const cronText = z.string({ invalid_type_error: 'expected a cron expression, e.g. "0 7 1 * *"' }).superRefine((v, ctx) => {
  try {
    parseCron(v);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof CronError ? err.message : String(err) });
  }
});

const zone = z.string({ invalid_type_error: 'expected an IANA time zone name, e.g. "Europe/Madrid"' }).refine(isTimeZone, (v) => ({ message: `"${v}" is not an IANA time zone name (e.g. "Europe/Madrid", "America/New_York", "UTC")` }));

const name = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'expected letters, digits, ".", "_" or "-" (it names the job in logs and in the state file)');

export type TriggerKind = 'cron' | 'data';

/** `"cron"` (the default), `"data"` or both as a list; always an array afterwards, cron first. */
const trigger = z.unknown().transform((v, ctx): TriggerKind[] => {
  const list = v === undefined ? ['cron'] : Array.isArray(v) ? (v as unknown[]) : [v];
  if (!list.length || list.some((t) => t !== 'cron' && t !== 'data')) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected "cron", "data" or ["cron", "data"]' });
    return z.NEVER;
  }
  return (['cron', 'data'] as const).filter((k) => list.includes(k));
});

const freshness = z
  .object({
    maxAge: z.string({ required_error: 'is required (an ISO 8601 duration, e.g. "P2D")', invalid_type_error: 'expected an ISO 8601 duration, e.g. "P2D"' }).transform((v, ctx) => {
      try {
        return parseDuration(v);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof DurationError ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  })
  .strict()
  .transform((f) => ({ maxAgeSeconds: f.maxAge.seconds, text: f.maxAge.text }))
  .nullable()
  .default(null);

/**
 * The readers' language (`en` or `es`): the report, its mail, its webhook text and its alerts. Absent, it stays
 * undefined and reads as `defaultLocale` (`jobLocale`).
 */
const locale = z
  .unknown()
  .transform((v, ctx): Locale | undefined => {
    if (v === undefined) return undefined;
    try {
      return parseLocale(v);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(v)} is not a supported locale (expected ${locales.map((l) => `"${l}"`).join(' or ')})` });
      return z.NEVER;
    }
  });

const email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address (name@example.com)');

/** Where a job's outputs go: an e-mail with attachments, or a JSON webhook (signed when WEBHOOK_SECRET is set). */
const channel = z.union(
  [
    z.object({ email: z.object({ to: z.array(email).default([]), attach: z.array(z.enum(['pdf', 'xlsx', 'html'], { message: 'expected pdf, xlsx or html' })).default(['pdf', 'xlsx']) }).strict() }).strict(),
    z.object({ webhook: z.object({ url: z.string().url('expected an http(s) URL') }).strict() }).strict(),
  ],
  { errorMap: () => ({ message: 'expected { "email": { "to": [...], "attach": [...] } } or { "webhook": { "url": "..." } }' }) },
);
export type DeliveryChannelSpec = z.infer<typeof channel>;

/** An alert rule: a key figure below or above a value, or its change against the previous run in per cent. */
const alertRule = z
  .object({
    kpi: z.enum(['revenue', 'profit', 'margin', 'orders'], { message: 'expected revenue, profit, margin or orders' }),
    below: z.number().optional(),
    above: z.number().optional(),
    changePct: z.object({ below: z.number().optional(), above: z.number().optional() }).strict().optional(),
  })
  .strict()
  .refine((r) => r.below !== undefined || r.above !== undefined || r.changePct !== undefined, 'needs "below", "above" or "changePct"');
export type AlertRuleSpec = z.infer<typeof alertRule>;

/** How a job's outputs reach their readers: channels, one report per branch, each branch's recipients, alert rules. */
const delivery = {
  deliver: z.array(channel).default([]),
  burst: z.literal('branch', { errorMap: () => ({ message: 'expected "branch" (one report per branch)' }) }).optional(),
  /** A branch ID's recipients; `*`: every branch's report. Added to each e-mail channel's `to`. */
  recipients: z.record(z.array(email)).default({}),
  alerts: z.array(alertRule).default([]),
};

/** The fields every kind of job has: when it runs, in which zone, how fresh its data must be, how it is retried. */
const common = {
  ...delivery,
  name,
  cron: cronText.optional(),
  trigger,
  tz: zone.optional(),
  locale,
  freshness,
  timeout: z.number().int('expected a whole number of seconds').positive('expected seconds, more than 0').default(600),
  retries: z.number().int('expected a whole number of retries').nonnegative('expected 0 or more retries').default(2),
  retryDelay: z.number().nonnegative('expected seconds, 0 or more').finite().default(30),
  /** The HTML without script (`--static`): for a job whose HTML is mailed or archived rather than opened in a browser. */
  static: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
};

/** `cron` goes with the cron trigger: required by it, and refused without it rather than silently ignored. */
const cronMatchesTrigger = (j: { cron?: string; trigger: TriggerKind[] }, ctx: z.RefinementCtx) => {
  // zod still refines an object whose trigger failed its transform; that error is already reported.
  if (!Array.isArray(j.trigger)) return;
  if (j.trigger.includes('cron') && j.cron === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: 'is required when the trigger includes cron (a cron expression, e.g. "0 7 1 * *")' });
  if (!j.trigger.includes('cron') && j.cron !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: 'is not used by a job with "trigger": "data"; remove it, or use "trigger": ["cron", "data"]' });
};

const notebookJob = z
  .object({
    ...common,
    notebook: z.string().min(1).regex(/\.ipynb$/i, 'expected a path to an .ipynb file'),
    parameters: z.record(z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.unknown())])).default({}),
    formats: z.array(z.enum(['html', 'pdf', 'ipynb'], { message: 'expected html, pdf or ipynb' })).nonempty().default(['html', 'pdf', 'ipynb']),
    code: z.enum(['hide', 'show'], { message: 'expected hide or show' }).default('hide'),
  })
  .strict()
  .superRefine(cronMatchesTrigger);

const reportJob = z
  .object({
    ...common,
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
  })
  .strict()
  .superRefine(cronMatchesTrigger);

const scheduleSchema = z
  .object({
    tz: zone.optional(),
    jobs: z.array(z.record(z.unknown()), { message: 'expected an array of job objects' }).min(1, 'needs at least one job'),
  })
  .strict();

/** Where a job's zone came from: its own `tz`, the file's `tz`, or neither (the machine's zone). */
export type TzSource = 'job' | 'file' | 'machine';

/** Fields every parsed job has, whatever it renders. */
interface Resolved {
  /** The cron expression as written; null for a job triggered only by new data. */
  cron: string | null;
  /** The IANA zone its cron reads the clock in. */
  tz: string;
  tzSource: TzSource;
}

type Parsed<S extends z.ZodTypeAny> = Omit<z.output<S>, 'cron' | 'tz'> & Resolved;
/**
 * A notebook job as parsed: `trigger` is an array (`['cron']` by default), `freshness` is `{ maxAgeSeconds, text }` or
 * null, `timeout` seconds (600), `retries` (2) and `retryDelay` seconds (30; attempt n waits retryDelay × 4^(n−1)).
 */
export type NotebookJobSpec = Parsed<typeof notebookJob>;
/** An executive report job as parsed, with the same scheduling fields as a notebook job. */
export type ReportJobSpec = Parsed<typeof reportJob>;
export type JobSpec = NotebookJobSpec | ReportJobSpec;
export interface Schedule {
  jobs: JobSpec[];
}

export const isNotebookJob = (j: JobSpec): j is NotebookJobSpec => 'notebook' in j;

/** The language a job's readers get: its `locale`, else English. */
export const jobLocale = (j: Pick<JobSpec, 'locale'>): Locale => j.locale ?? defaultLocale;

/** For logs: "zone Europe/Madrid (from the job)", "zone Europe/Madrid (the file's default)", "machine zone UTC". */
export function describeZone(j: Pick<JobSpec, 'tz' | 'tzSource'>): string {
  return j.tzSource === 'machine' ? `machine zone ${j.tz}` : `zone ${j.tz} (${j.tzSource === 'job' ? 'from the job' : "the file's default"})`;
}

const where = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

function parseJobs(raws: Record<string, unknown>[], zones: { file?: string; machine: string }, problems: string[]): JobSpec[] {
  const jobs: JobSpec[] = [];
  raws.forEach((j, n) => {
    const label = `jobs[${n}]${typeof j.name === 'string' ? ` (job "${j.name}")` : ''}`;
    // The kind of job is chosen by its key, so the errors are those of the job it meant to be.
    const schema = 'notebook' in j ? notebookJob : 'report' in j ? reportJob : null;
    if (!schema) return void problems.push(`  ${label}: needs "notebook" (a path to a notebook) or "report": "executive"`);
    const r = schema.safeParse(j);
    if (!r.success) return void r.error.issues.forEach((i) => problems.push(`  ${label}.${where(i.path) || '(job)'}: ${i.message}`));
    const { tz, cron, ...rest } = r.data;
    const [zone, tzSource]: [string, TzSource] = tz ? [tz, 'job'] : zones.file ? [zones.file, 'file'] : [zones.machine, 'machine'];
    jobs.push({ ...rest, cron: cron ?? null, tz: zone, tzSource });
  });
  return jobs;
}

/**
 * Parses and validates a schedule file's text; errors name the file, the job and the field. Each job gets its zone
 * resolved: its own `tz`, else the file's, else `machineZone` (the machine's, unless a test passes another).
 */
export function parseSchedule(text: string, file: string, o: { machineZone?: string } = {}): Schedule {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScheduleError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const top = scheduleSchema.safeParse(raw);
  if (!top.success) throw new ScheduleError(`${file} is not a valid schedule:\n${top.error.issues.map((i) => `  ${where(i.path) || '(top level)'}: ${i.message}`).join('\n')}`);
  const problems: string[] = [];
  const jobs = parseJobs(top.data.jobs, { file: top.data.tz, machine: o.machineZone ?? machineZone() }, problems);
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

/** Whether `spec`'s cron matched, in its zone, after `lastSuccess` and up to `now`; always when it never succeeded. */
export function isDue(spec: CronSpec, lastSuccess: string | undefined, now: Date): boolean {
  if (!lastSuccess) return true;
  return nextRun(spec, new Date(lastSuccess)).getTime() <= now.getTime();
}

const clockSpec = (j: JobSpec): CronSpec | null => (j.trigger.includes('cron') && j.cron !== null ? { cron: j.cron, tz: j.tz } : null);

/** The jobs due by the clock. A job triggered only by data is never among them: new data decides (src/reports/runs). */
export function dueJobs(s: Schedule, state: ScheduleState, now: Date): JobSpec[] {
  return s.jobs.filter((j) => {
    const spec = clockSpec(j);
    return spec !== null && isDue(spec, state[j.name]?.last_success, now);
  });
}

/** The first time after `now` at which a clock-triggered job is due again; null when no job runs on the clock. */
export function nextWake(s: Schedule, now: Date): Date | null {
  const times = s.jobs.flatMap((j) => {
    const spec = clockSpec(j);
    return spec ? [nextRun(spec, now).getTime()] : [];
  });
  return times.length ? new Date(Math.min(...times)) : null;
}

/** What `report:schedule --next N` prints: each job's next `n` runs after `now` in its zone, and its data trigger. */
export function formatNextRuns(s: Schedule, now: Date, n: number): string {
  const lines = [`Next ${n} run${n === 1 ? '' : 's'} of each job after ${now.toISOString()}`];
  for (const j of s.jobs) {
    const spec = clockSpec(j);
    const onData = j.trigger.includes('data');
    const when = [spec ? `cron "${spec.cron}"` : null, onData ? 'on new data' : null].filter(Boolean).join(' and ');
    const fresh = j.freshness ? `, data at most ${j.freshness.text} old` : '';
    lines.push('', `${j.name}: ${when}${fresh}; ${describeZone(j)}`);
    if (spec) for (const d of nextRuns(spec, now, n)) lines.push(`  ${formatInZone(d, j.tz)}`);
    if (onData) lines.push(`  ${spec ? 'and ' : ''}on new data (after a warehouse build its last run did not see)`);
  }
  return lines.join('\n');
}

/** Reads and validates a schedule file; errors name the file (and, when invalid, the job and the field). */
export function readScheduleFile(file: string): Schedule {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScheduleError(`cannot read the schedule ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSchedule(text, file);
}
