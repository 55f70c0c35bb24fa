/** CLI: train the item-item recommendation model from the lake into models/item_sim.json. */
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { parseDay, trainingOptions, trainOptionsFrom } from '../src/cli/train-options';
import { createContext, openMongo } from '../src/cli/context';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { trainModel } from '../src/pipeline/reco/train';
import { modelFile, saveModel } from '../src/pipeline/reco/model';
import { formatModel } from '../src/pipeline/reco/format';
import { createProgress } from '../src/cli/progress';

runMain(async () => {
  const cli = parseCli({
    name: 'train',
    summary: 'Train the item-item recommendation model (co-occurrence + asymmetric cosine, sparse) from the MongoDB lake and write models/item_sim.json.',
    options: {
      ...trainingOptions,
      before: { type: 'string', arg: 'YYYY-MM-DD', description: 'Train only on orders before this day' },
    },
    examples: ['npm run train', 'npm run train -- --level customer --half-life 365'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const before = v.before === undefined ? undefined : parseDay(v.before, 'before');
  const options = trainOptionsFrom(v);
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
    const model = trainModel(lines, catalogue, { ...options, before });
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
