/** CLI: train the item-item recommendation model from the lake into models/item_sim.json. */
import { choiceOption, intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { trainModel } from '../src/pipeline/reco/train';
import { modelFile, saveModel } from '../src/pipeline/reco/model';
import { formatModel } from '../src/pipeline/reco/format';
import { createProgress } from '../src/cli/progress';

runMain(async () => {
  const cli = parseCli({
    name: 'train',
    summary: 'Train the item-item recommendation model (co-occurrence + cosine, sparse) from the MongoDB lake and write models/item_sim.json.',
    options: {
      level: { type: 'string', arg: 'order|customer', description: 'What a basket is: one order, or everything one customer bought', default: 'order' },
      k: { type: 'string', arg: 'N', description: 'Neighbours kept per item', default: '20' },
      'half-life': { type: 'string', arg: 'DAYS', description: 'Time decay: a basket DAYS older than the newest counts half (default: no decay)' },
      'min-support': { type: 'string', arg: 'N', description: 'Baskets a pair must share to count', default: '1' },
      'co-slots': { type: 'string', arg: 'N', description: 'How many of the 5 recommendations may come from co-purchases', default: '2' },
      before: { type: 'string', arg: 'YYYY-MM-DD', description: 'Train only on orders before this day' },
    },
    examples: ['npm run train', 'npm run train -- --level customer --half-life 365'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const before = v.before as string | undefined;
  if (before !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(before)) throw new UsageError(`--before: "${before}" is not a day (expected YYYY-MM-DD)`);
  const ctx = createContext('train');
  const mongo = await openMongo(ctx);
  try {
    const bar = createProgress('read lake lines', undefined);
    const t0 = Date.now();
    const lines = await readTrainingLines(mongo.db, (n) => bar.update(n));
    bar.stop();
    const catalogue = await readCatalogue(mongo.db);
    const readSeconds = (Date.now() - t0) / 1000;
    if (!lines.length) throw new UsageError(`the lake in ${ctx.cfg.mongo.db} has no sales lines: run \`npm run pipeline\` first`);
    const t1 = Date.now();
    const model = trainModel(lines, catalogue, {
      level: choiceOption(v.level, 'level', ['order', 'customer'] as const),
      k: intOption(v.k, 'k', 1),
      halfLifeDays: intOption(v['half-life'], 'half-life', 1) ?? null,
      minSupport: intOption(v['min-support'], 'min-support', 1),
      coSlots: intOption(v['co-slots'], 'co-slots', 0),
      before,
    });
    const trainMs = Date.now() - t1;
    const file = modelFile(ctx.cfg.paths.models);
    saveModel(file, model);
    console.log(`Read ${lines.length.toLocaleString('en-US')} lines in ${readSeconds.toFixed(1)} s; trained in ${trainMs} ms`);
    console.log(formatModel(model));
    console.log(`Model written to ${file}`);
    return 0;
  } finally {
    await mongo.close();
  }
});
