/** CLI: serve the live dashboards (historical, real-time, recommendations) and the Reports page. */
import path from 'node:path';
import { intOption, parseCli, runMain } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { stopSignal } from '../src/cli/context';
import { startDashboard } from '../src/dashboard/server';
import { boundHeapGrowth } from '../src/cli/memory';
import { navPages } from '../src/dashboard/layout';
import { t } from '../src/i18n';

runMain(async () => {
  const cli = parseCli({
    name: 'dashboard',
    summary: 'Serve the dashboards: historical (filters, exports), real-time (refreshes every 5 s), recommendations (every 10 s), and the Reports page (report jobs and runs).',
    options: {
      host: { type: 'string', arg: 'HOST', description: 'Interface to listen on (default: DASHBOARD_HOST or 127.0.0.1)' },
      port: { type: 'string', arg: 'N', description: 'Port (default: DASHBOARD_PORT or 3000)' },
      schedule: { type: 'string', arg: 'FILE', description: 'The schedule file whose jobs the Reports page lists (default: SCHEDULE_FILE; none when unset)' },
      'cache-mb': { type: 'string', arg: 'MB', description: 'Memory for rendered historical views and exports, whole MB (default: DASHBOARD_CACHE_MB or 64); /stats.json shows its evictions' },
    },
    examples: ['npm run dashboard', 'npm run dashboard -- --port 8080', 'npm run dashboard -- --cache-mb 256', 'npm run dashboard -- --schedule reports/schedule.json'],
  });
  if (!cli) return 0;
  // A server lives long and keeps little (its views and charts, about 40 MB): held near that, its resident memory stays
  // flat under load (150-180 MB), where V8's default let it swing by 100 MB; it costs about 15 % of the requests/s.
  boundHeapGrowth(25);
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel, 'dashboard');
  const schedule = cli.values.schedule as string | undefined;
  const stop = stopSignal(log);
  const d = await startDashboard({ cfg, log, host: cli.values.host as string | undefined, port: intOption(cli.values.port, 'port', 1), cacheMb: intOption(cli.values['cache-mb'], 'cache-mb', 1), schedule: schedule === undefined ? undefined : path.resolve(schedule) });
  console.log(`Dashboards on ${d.url}`);
  for (const p of navPages) console.log(`  ${t('en', p.title).padEnd(16)} ${d.url}${p.path}`);
  console.log('  (add ?lang=es for Spanish; without it, the browser\'s language decides)');
  console.log('Ctrl-C to stop');
  await new Promise<void>((r) => stop.signal.addEventListener('abort', () => r()));
  await d.close();
  return 0;
});
