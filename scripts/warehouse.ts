/** CLI: build the warehouse marts from the lake (incremental by default). */
import { parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { buildWarehouse } from '../src/pipeline/warehouse/build';
import { formatBuild, formatStep } from '../src/pipeline/warehouse/format';
import { runDataJobsAfterBuild } from '../src/cli/schedule';

runMain(async () => {
  const cli = parseCli({
    name: 'warehouse',
    summary:
      'Build the warehouse marts (daily_sales_summary, store_analysis, top_products, customer_analysis, category_analysis, sales_statistics) ' +
      'from the MongoDB lake. Incremental by default: only days touched since the last build are recomputed.',
    options: {
      full: { type: 'boolean', description: 'Recompute every partition, not only the touched ones' },
      schedule: { type: 'string', arg: 'FILE', description: "Then run this schedule's data-triggered report jobs that the new data made due (default SCHEDULE_FILE)" },
      'no-reports': { type: 'boolean', description: 'Do not run the data-triggered report jobs' },
    },
    examples: ['npm run warehouse', 'npm run warehouse -- --full', 'npm run warehouse -- --schedule docs/examples/schedule.json'],
  });
  if (!cli) return 0;
  const ctx = createContext('warehouse');
  const mongo = await openMongo(ctx);
  try {
    console.log(`Warehouse in ${ctx.cfg.mongo.db}${cli.values.full ? ' (full rebuild)' : ''}`);
    const r = await buildWarehouse(mongo.db, { full: Boolean(cli.values.full), log: ctx.log, onStep: (s) => console.log(`  ${formatStep(s)}`) });
    console.log(formatBuild(r));
    if (!cli.values['no-reports']) await runDataJobsAfterBuild(ctx, mongo.db, cli.values.schedule ? String(cli.values.schedule) : ctx.cfg.paths.schedule);
    return 0;
  } finally {
    await mongo.close();
  }
});
