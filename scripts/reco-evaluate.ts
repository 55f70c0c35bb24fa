/** CLI: offline evaluation of the recommender against popularity and random baselines; writes models/eval.json. */
import { choiceOption, intOption, parseCli, runMain, UsageError } from '../src/cli/args';
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
      level: { type: 'string', arg: 'order|customer', description: 'Basket level for training', default: 'order' },
      'half-life': { type: 'string', arg: 'DAYS', description: 'Time decay for training (default: none)' },
      'co-slots': { type: 'string', arg: 'N', description: 'Recommendations that may come from co-purchases', default: '2' },
    },
    examples: ['npm run reco:evaluate', 'npm run reco:evaluate -- --cut 2016-07-01 --level customer'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const cut = String(v.cut);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cut)) throw new UsageError(`--cut: "${cut}" is not a day (expected YYYY-MM-DD)`);
  const ctx = createContext('reco:evaluate');
  const mongo = await openMongo(ctx);
  try {
    const lines = await readTrainingLines(mongo.db);
    if (!lines.length) throw new UsageError(`the lake in ${ctx.cfg.mongo.db} has no sales lines: run \`npm run pipeline\` first`);
    const e = evaluateModel(lines, await readCatalogue(mongo.db), cut, {
      level: choiceOption(v.level, 'level', ['order', 'customer'] as const),
      halfLifeDays: intOption(v['half-life'], 'half-life', 1) ?? null,
      coSlots: intOption(v['co-slots'], 'co-slots', 0),
    });
    if (!e.cases) throw new UsageError(`no test orders with two or more items on or after ${cut}: choose an earlier --cut`);
    const file = writeEvaluation(ctx.cfg.paths.models, e);
    console.log(formatEvaluation(e));
    console.log(`\nWritten to ${file}`);
    return 0;
  } finally {
    await mongo.close();
  }
});
