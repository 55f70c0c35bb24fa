/** CLI: reconcile the source with the lake. Exits 1 with a readable diff when anything is unaccounted for. */
import { choiceOption, parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { sourceOptions } from '../src/cli/source-options';
import { createProgress } from '../src/cli/progress';
import { scanSource } from '../src/pipeline/source/stream-load';
import { dateFormats } from '../src/pipeline/source/dates';
import { formatReconciliation, summarizeSource, verifyLake } from '../src/pipeline/lake/verify';

runMain(async () => {
  const cli = parseCli({
    name: 'verify',
    summary: 'Compare the source with the MongoDB lake: counts per entity, revenue and profit to the cent, dead letters. produced = stored + dead-lettered.',
    options: { ...sourceOptions },
    examples: ['npm run verify', 'npm run verify -- --input data/generated/superstore-1000000-s42.csv'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const ctx = createContext('verify');
  // The source streams past in two passes and leaves a compact summary (keys, line counts, exact sums), not its lines.
  const readBar = createProgress('rows read', undefined);
  const scan = await scanSource({ input: v.input as string | undefined, dateFormat: choiceOption(v['date-format'], 'date-format', dateFormats), onProgress: (n) => readBar.update(n) });
  readBar.stop();
  const summary = await summarizeSource(scan);
  const mongo = await openMongo(ctx);
  try {
    const { result: r, deadLetters } = await verifyLake({ kafka: ctx.kafka, db: mongo.db, dlqTopic: ctx.topics.dlq }, summary);
    console.log(`Source: ${scan.input} (${scan.rowsRead.toLocaleString('en-US')} rows, ${scan.rejectedLines.size} rejected before Kafka)`);
    console.log(`Lake:   ${ctx.cfg.mongo.db} · dead letters in ${ctx.topics.dlq}: ${deadLetters}`);
    console.log(formatReconciliation(r));
    return r.ok ? 0 : 1;
  } finally {
    await mongo.close();
  }
});
