/** CLI: keep rendering a report on a cron schedule (or once, for system cron): the latest month with sales, or last month. */
import { parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, stopSignal } from '../src/cli/context';
import { parseFormats, parseScheduledPeriod, renderConfiguredReport, resolveScheduledPeriod } from '../src/cli/report';
import { noSalesNote } from '../src/reports/format';
import { nextRun, parseCron } from '../src/reports/cron';

runMain(async () => {
  const cli = parseCli({
    name: 'report:schedule',
    summary: 'Render the executive report on a schedule (cron, UTC): by default the latest complete month that has sales. Keeps running until Ctrl-C; --once renders now and exits (for system cron).',
    options: {
      period: { type: 'string', arg: 'WHICH', description: 'latest (the latest complete month with sales), last-month (the calendar month before each run, empty or not), or a fixed YYYY-MM, YYYY-Qn or YYYY', default: 'latest' },
      cron: { type: 'string', arg: 'EXPR', description: 'Five-field cron expression in UTC', default: '0 7 1 * *' },
      once: { type: 'boolean', description: 'Render once now and exit' },
      format: { type: 'string', arg: 'LIST', description: 'Comma-separated: html, pdf, xlsx', default: 'html,pdf,xlsx' },
    },
    examples: ['npm run report:schedule -- --cron "0 7 1 * *"', 'npm run report:schedule -- --once', 'npm run report:schedule -- --period last-month --cron "0 6 1 * *"'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const cron = parseCron(String(v.cron));
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
