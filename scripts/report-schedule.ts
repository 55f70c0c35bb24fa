/** CLI: keep rendering the latest complete month's report on a cron schedule (or once, for system cron). */
import { parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, stopSignal } from '../src/cli/context';
import { parseFormats, renderConfiguredReport } from '../src/cli/report';
import { latestCompleteMonth } from '../src/reports/period';
import { lastOrderDay } from '../src/reports/data';
import { nextRun, parseCron } from '../src/reports/cron';

runMain(async () => {
  const cli = parseCli({
    name: 'report:schedule',
    summary: 'Render the report for the latest complete month on a schedule (cron, UTC). Keeps running until Ctrl-C; --once renders now and exits (for system cron).',
    options: {
      cron: { type: 'string', arg: 'EXPR', description: 'Five-field cron expression in UTC', default: '0 7 1 * *' },
      once: { type: 'boolean', description: 'Render once now and exit' },
      format: { type: 'string', arg: 'LIST', description: 'Comma-separated: html, pdf, xlsx', default: 'html,pdf,xlsx' },
    },
    examples: ['npm run report:schedule -- --cron "0 7 1 * *"', 'npm run report:schedule -- --once'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const cron = parseCron(String(v.cron));
  const formats = parseFormats(v.format);
  const ctx = createContext('report:schedule');
  const stop = stopSignal(ctx.log);
  const renderLatest = async () => {
    const mongo = await openMongo(ctx);
    try {
      const period = latestCompleteMonth(await lastOrderDay(mongo.db));
      if (!period) {
        ctx.log.warn('the warehouse is empty; nothing to render', { db: ctx.cfg.mongo.db });
        return;
      }
      const r = await renderConfiguredReport(ctx, mongo.db, period, formats);
      ctx.log.info('report rendered', { period: period.id, files: Object.values(r.files).join(' ') });
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
