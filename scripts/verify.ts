/** CLI: reconcile the source with the lake. Exits 1 with a readable diff when anything is unaccounted for. */
import { choiceOption, parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { sourceOptions } from '../src/cli/source-options';
import { loadErpData } from '../src/pipeline/load';
import { dateFormats } from '../src/pipeline/source/dates';
import { formatReconciliation, verifyLake } from '../src/pipeline/verify';

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
  const source = await loadErpData({ input: v.input as string | undefined, dateFormat: choiceOption(v['date-format'], 'date-format', dateFormats) });
  const mongo = await openMongo(ctx);
  try {
    const { result: r, deadLetters } = await verifyLake({ kafka: ctx.kafka, db: mongo.db, dlqTopic: ctx.topics.dlq }, source.data);
    console.log(`Source: ${source.input} (${source.rowsRead.toLocaleString('en-US')} rows, ${source.rejectedLines} rejected before Kafka)`);
    console.log(`Lake:   ${ctx.cfg.mongo.db} · dead letters in ${ctx.topics.dlq}: ${deadLetters}`);
    console.log(formatReconciliation(r));
    return r.ok ? 0 : 1;
  } finally {
    await mongo.close();
  }
});
