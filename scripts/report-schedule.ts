/**
 * CLI: report jobs on a schedule, each run recorded in `report_runs`. With --schedule FILE (or SCHEDULE_FILE), that
 * file's jobs; without, one executive-report job from --cron/--period/--format. Stays up (one scheduler per database,
 * by a lease) or, with --once, runs what is due and exits (for system cron). --history prints the recorded runs.
 */
import { parseCli, parseNow, runMain, UsageError } from '../src/cli/args';
import { createContext, openMongo, stopSignal, type PipelineContext } from '../src/cli/context';
import { parseFormats, parseScheduledPeriod } from '../src/cli/report';
import { exitCodeOf, runDueJobs, runLine } from '../src/cli/schedule';
import { formatHistory } from '../src/reports/runs/history';
import { acquireLease } from '../src/reports/runs/lease';
import { runStatuses, type RunStatus } from '../src/reports/runs/record';
import { listRuns, markInterrupted } from '../src/reports/runs/store';
import { boundHeapGrowth } from '../src/cli/memory';
import { describeZone, formatNextRuns, nextWake, parseSchedule, readScheduleFile, type Schedule } from '../src/reports/schedule';

runMain(async () => {
  const cli = parseCli({
    name: 'report:schedule',
    summary:
      'Run report jobs on a schedule, each run recorded (status, attempts, outputs) in report_runs. With --schedule FILE (or SCHEDULE_FILE), that file\'s jobs: cron in each job\'s zone, or on new data, with freshness, timeout and retries; without, the executive report on --cron. Stays up, one scheduler per database; --once runs what is due and exits (exit 1 when a run failed, timed out or was skipped for stale data).',
    options: {
      schedule: { type: 'string', arg: 'FILE', description: 'A schedule file of jobs (docs/notebook-reports.md#schedules); default SCHEDULE_FILE' },
      once: { type: 'boolean', description: 'Run the due jobs now and exit' },
      resend: { type: 'boolean', description: 'Deliver again what was already delivered (the same content to the same readers)' },
      next: { type: 'string', arg: 'N', description: "Print each job's next N run times (ISO 8601 with the offset) and its zone, and exit" },
      now: { type: 'string', arg: 'ISO', description: 'The clock for --next and --once (dry runs, tests)' },
      history: { type: 'boolean', description: 'Print the recorded runs, newest first, and exit' },
      job: { type: 'string', arg: 'NAME', description: 'With --history: only this job' },
      status: { type: 'string', arg: 'S', description: `With --history: only runs that ended so (${runStatuses.join(', ')})` },
      limit: { type: 'string', arg: 'N', description: 'With --history: at most N runs', default: '30' },
      period: { type: 'string', arg: 'WHICH', description: 'Without a schedule file: latest (the latest complete month with sales), last-month, or YYYY-MM, YYYY-Qn, YYYY', default: 'latest' },
      cron: { type: 'string', arg: 'EXPR', description: "Without a schedule file: five-field cron, in the machine's zone (TZ)", default: '0 7 1 * *' },
      format: { type: 'string', arg: 'LIST', description: 'Without a schedule file: comma-separated html, pdf, xlsx', default: 'html,pdf,xlsx' },
    },
    examples: [
      'npm run report:schedule -- --schedule docs/examples/schedule.json --next 3',
      'npm run report:schedule -- --schedule docs/examples/schedule.json --once',
      'npm run report:schedule -- --schedule docs/examples/schedule.json',
      'npm run report:schedule -- --history --job executive-monthly',
      'npm run report:schedule -- --cron "0 7 1 * *" --period last-month',
    ],
  });
  if (!cli) return 0;
  const v = cli.values;
  const ctx = createContext('report:schedule');
  if (v.history) return printHistory(ctx, v);
  const file = v.schedule ? String(v.schedule) : ctx.cfg.paths.schedule;
  const schedule = file ? readScheduleFile(file) : singleJob(v);
  const now = v.now ? parseNow(String(v.now)) : undefined;
  if (v.next) {
    console.log(formatNextRuns(schedule, now ?? new Date(), positive(v.next, '--next')));
    return 0;
  }
  ctx.log.info(`${schedule.jobs.length} job(s) from ${file ?? '--cron'}; ${[...new Set(schedule.jobs.map(describeZone))].join(', ')}`);
  // A burst keeps little from one branch to the next, beside a Chromium of about 400 MB: keep the heap near its live
  // data (src/cli/memory.ts), as the pipeline does for the same runs after a build (issue 30: under 600 MB in all).
  boundHeapGrowth();
  const mongo = await openMongo(ctx);
  const stop = stopSignal(ctx.log);
  try {
    const lease = await acquireLease(mongo.db, `report:schedule${v.once ? ' --once' : ''}${file ? ` --schedule ${file}` : ''}`);
    try {
      if (v.once) {
        const runs = await runDueJobs(ctx, mongo.db, schedule, { file, now, signal: stop.signal, resend: Boolean(v.resend) });
        for (const r of runs) console.log(runLine(r));
        const bad = runs.filter((r) => r.status !== 'succeeded');
        if (bad.length) console.log(`${bad.length} of ${runs.length} runs did not succeed: ${bad.map((r) => `${r.job} (${r.status})`).join(', ')}`);
        return exitCodeOf(runs);
      }
      await keepScheduling(ctx, mongo.db, schedule, file, stop.signal);
      return 0;
    } finally {
      await lease.release();
    }
  } finally {
    await mongo.close();
  }
});

/** Until stopped: the due jobs, then sleep until the next cron time (at most a minute: new data is looked for then). */
async function keepScheduling(ctx: PipelineContext, db: Parameters<typeof runDueJobs>[1], schedule: Schedule, file: string | null, signal: AbortSignal) {
  console.log(`Scheduling ${schedule.jobs.length} job(s); Ctrl-C or SIGTERM stops after cancelling the run in flight`);
  while (!signal.aborted) {
    await runDueJobs(ctx, db, schedule, { file, signal });
    const wake = Math.min(nextWake(schedule, new Date())?.getTime() ?? Infinity, Date.now() + 60_000);
    // Sleep in slices so a stop is prompt and a machine that slept re-checks the clock (missed jobs run once).
    while (!signal.aborted && Date.now() < wake) await new Promise((r) => setTimeout(r, Math.min(5_000, wake - Date.now())));
  }
}

function positive(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a whole number of 1 or more, not "${String(value)}"`);
  return n;
}

/** The executive report on --cron, as a one-job schedule in the machine's zone. */
function singleJob(v: Record<string, string | boolean | undefined>): Schedule {
  parseScheduledPeriod(String(v.period));
  const job = { name: 'executive', report: 'executive', period: String(v.period), formats: parseFormats(v.format), cron: String(v.cron) };
  return parseSchedule(JSON.stringify({ jobs: [job] }), '--cron');
}

async function printHistory(ctx: PipelineContext, v: Record<string, string | boolean | undefined>): Promise<number> {
  const status = v.status ? String(v.status) : undefined;
  if (status && !(runStatuses as readonly string[]).includes(status)) throw new UsageError(`--status: "${status}" is not one of ${runStatuses.join(', ')}`);
  const mongo = await openMongo(ctx);
  try {
    await markInterrupted(mongo.db);
    const runs = await listRuns(mongo.db, { job: v.job ? String(v.job) : undefined, status: status as RunStatus | undefined, limit: positive(v.limit, '--limit') });
    console.log(formatHistory(runs, process.stdout.columns || 160));
    return 0;
  } finally {
    await mongo.close();
  }
}
