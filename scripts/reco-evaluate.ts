/** CLI: offline evaluation of the recommender against popularity and random baselines; writes models/eval.json. */
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { parseDay, trainingOptions, trainOptionsFrom } from '../src/cli/train-options';
import { createContext, openMongo } from '../src/cli/context';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { evaluateModel, writeEvaluation } from '../src/pipeline/reco/evaluate';
import { formatEvaluation } from '../src/pipeline/reco/format';

runMain(async () => {
  const cli = parseCli({
    name: 'reco:evaluate',
    summary: 'Train before a cut day, test on the later orders (leave-one-out), and compare with popularity and random baselines at k = 5. Writes models/eval.json.',
    options: {
      cut: { type: 'string', arg: 'YYYY-MM-DD', description: 'First day of the test period', default: '2017-01-01' },
      ...trainingOptions,
    },
    examples: ['npm run reco:evaluate', 'npm run reco:evaluate -- --cut 2016-07-01 --level customer'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const cut = parseDay(v.cut, 'cut');
  const options = trainOptionsFrom(v);
  const ctx = createContext('reco:evaluate');
  const mongo = await openMongo(ctx);
  try {
    const lines = await readTrainingLines(mongo.db);
    if (!lines.length) throw new UsageError(`the lake in ${ctx.cfg.mongo.db} has no sales lines: run \`npm run pipeline\` first`);
    const e = evaluateModel(lines, await readCatalogue(mongo.db), cut, options);
    if (!e.cases) throw new UsageError(`no test orders with two or more items on or after ${cut}: choose an earlier --cut`);
    const file = writeEvaluation(ctx.cfg.paths.models, e);
    console.log(formatEvaluation(e));
    console.log(`\nWritten to ${file}`);
    return 0;
  } finally {
    await mongo.close();
  }
});
