/**
 * CLI: keep rendering a report on a cron schedule (or once, for system cron): the latest month with sales, or last
 * month; or the jobs of a schedule file (notebook reports and executive reports, each with its own cron).
 */
import { intOption, parseCli, runMain, UsageError, type ParsedOptions } from '../src/cli/args';
import { createContext, openMongo, stopSignal } from '../src/cli/context';
import { parseFormats, parseScheduledPeriod, renderConfiguredReport, resolveScheduledPeriod } from '../src/cli/report';
import { noSalesNote } from '../src/reports/format';
import { nextRun, parseCron } from '../src/reports/cron';
import { formatNextRuns, nextWake, parseNow } from '../src/reports/schedule';
import { readScheduleFile, runDueJobs } from '../src/cli/schedule';

runMain(async () => {
  const cli = parseCli({
    name: 'report:schedule',
    summary:
      'Render the executive report on a schedule (cron, UTC): by default the latest complete month that has sales. Keeps running until Ctrl-C; --once renders now and exits (for system cron). With --schedule FILE, runs that file\'s jobs instead (notebook reports and executive reports, each with its cron); --once then runs the jobs that are due: whose cron matched since their last successful run, or that never succeeded.',
    options: {
      schedule: { type: 'string', arg: 'FILE', description: 'A schedule file of jobs (see docs/notebook-reports.md); --period, --cron and --format then do not apply' },
      period: { type: 'string', arg: 'WHICH', description: 'latest (the latest complete month with sales), last-month (the calendar month before each run, empty or not), or a fixed YYYY-MM, YYYY-Qn or YYYY', default: 'latest' },
      cron: { type: 'string', arg: 'EXPR', description: 'Five-field cron expression in UTC', default: '0 7 1 * *' },
      once: { type: 'boolean', description: 'Render once now and exit' },
      format: { type: 'string', arg: 'LIST', description: 'Comma-separated: html, pdf, xlsx', default: 'html,pdf,xlsx' },
      next: { type: 'string', arg: 'N', description: "With --schedule: print each job's next N run times in its zone (ISO 8601 with the offset) and exit" },
      now: { type: 'string', arg: 'ISO', description: 'The clock, for dry runs and tests: an ISO 8601 date-time with Z or an offset (e.g. 2027-03-28T09:00:00+02:00)' },
    },
    examples: [
      'npm run report:schedule -- --cron "0 7 1 * *"',
      'npm run report:schedule -- --once',
      'npm run report:schedule -- --period last-month --cron "0 6 1 * *"',
      'npm run report:schedule -- --schedule reports/schedule.json --once',
      'npm run report:schedule -- --schedule reports/schedule.json --next 3 --now 2027-03-27T12:00:00Z',
    ],
  });
  if (!cli) return 0;
  const v = cli.values;
  if (v.next !== undefined) return printNextRuns(v);
  if (v.schedule) return runScheduleFile(String(v.schedule), Boolean(v.once));
  const cron = { cron: parseCron(String(v.cron)), tz: 'UTC' };
  const formats = parseFormats(v.format);
  const which = parseScheduledPeriod(String(v.period));
  const ctx = createContext('report:schedule');
  const stop = stopSignal(ctx.log);
  const renderLatest = async () => {
    const mongo = await openMongo(ctx);
    try {
      const choice = await resolveScheduledPeriod(which, mongo.db);
      if (!choice.period) {
        ctx.log.warn(`nothing to render: ${choice.reason}`, { db: ctx.cfg.mongo.db });
        return;
      }
      ctx.log.info(choice.reason);
      const r = await renderConfiguredReport(ctx, mongo.db, choice.period, formats);
      if (r.data.empty) ctx.log.warn(`${noSalesNote(choice.period)} The report was written and says so.`, { period: choice.period.id });
      ctx.log.info('report rendered', { period: choice.period.id, files: Object.values(r.files).join(' ') });
    } finally {
      await mongo.close();
    }
  };
  if (v.once) {
    await renderLatest();
    return 0;
  }
  console.log(`Schedule "${v.cron}" (UTC); Ctrl-C to stop`);
  while (!stop.signal.aborted) {
    const at = nextRun(cron, new Date());
    console.log(`Next report at ${at.toISOString()}`);
    // Sleep in slices so Ctrl-C is prompt and a suspended laptop re-checks the clock.
    while (!stop.signal.aborted && Date.now() < at.getTime()) await new Promise((r) => setTimeout(r, Math.min(30_000, at.getTime() - Date.now())));
    if (stop.signal.aborted) break;
    await renderLatest().catch((err) => ctx.log.error('report failed; will try at the next run', { error: (err as Error).message }));
  }
  return 0;
});

/** The jobs of a schedule file: the due ones once (exit 1 when any failed), or on their crons until Ctrl-C. */
async function runScheduleFile(file: string, once: boolean): Promise<number> {
  const schedule = readScheduleFile(file);
  const ctx = createContext('report:schedule');
  if (once) {
    const outcomes = await runDueJobs(ctx, schedule);
    const failed = outcomes.filter((o) => !o.ok);
    for (const o of outcomes) console.log(`${o.ok ? '✓' : '✖'} ${o.name} (${o.seconds.toFixed(1)} s): ${o.ok ? o.detail : o.detail.split('\n')[0]}`);
    if (failed.length) console.log(`${failed.length} of ${outcomes.length} jobs failed: ${failed.map((o) => o.name).join(', ')}`);
    return failed.length ? 1 : 0;
  }
  const stop = stopSignal(ctx.log);
  console.log(`${schedule.jobs.length} jobs from ${file} (each cron in its job's zone); Ctrl-C to stop`);
  while (!stop.signal.aborted) {
    await runDueJobs(ctx, schedule);
    // A schedule of data-triggered jobs only has nothing to wake for on the clock; look again in an hour.
    const at = nextWake(schedule, new Date()) ?? new Date(Date.now() + 3_600_000);
    console.log(`Next job at ${at.toISOString()}`);
    while (!stop.signal.aborted && Date.now() < at.getTime()) await new Promise((r) => setTimeout(r, Math.min(30_000, at.getTime() - Date.now())));
  }
  return 0;
}

/** --next N [--now ISO]: the next runs of each job of the schedule file, in its zone; renders nothing. */
function printNextRuns(v: ParsedOptions): number {
  if (!v.schedule) throw new UsageError('--next needs --schedule FILE (the jobs whose next runs to print)');
  const n = intOption(v.next, 'next', 1)!;
  const now = v.now === undefined ? new Date() : parseNow(String(v.now));
  console.log(formatNextRuns(readScheduleFile(String(v.schedule)), now, n));
  return 0;
}
