/** CLI: offline evaluation of the recommender against popularity and random baselines; writes models/eval.json. */
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { parseDay, trainingOptions, trainOptionsFrom } from '../src/cli/train-options';
import { createContext, openMongo } from '../src/cli/context';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { evaluateModel, sweepParameters, writeEvaluation } from '../src/pipeline/reco/evaluate';
import { formatEvaluation, formatSweep } from '../src/pipeline/reco/format';

/** The day `years` before a YYYY-MM-DD day. */
const yearsBefore = (day: string, years: number) => `${Number(day.slice(0, 4)) - years}${day.slice(4)}`;

runMain(async () => {
  const cli = parseCli({
    name: 'reco:evaluate',
    summary:
      'Train before a cut day, test on the later orders (leave-one-out), and compare with popularity and random baselines at k = 5. Writes models/eval.json. ' +
      'With --sweep, compares parameter settings instead: on the two years before the cut (validation, where settings are chosen) and on the test period.',
    options: {
      cut: { type: 'string', arg: 'YYYY-MM-DD', description: 'First day of the test period', default: '2017-01-01' },
      until: { type: 'string', arg: 'YYYY-MM-DD', description: 'End of the test period, exclusive (default: the end of the data)' },
      sweep: { type: 'boolean', description: 'Compare basket levels, α and co-purchase slots; prints a table, writes nothing' },
      ...trainingOptions,
    },
    examples: ['npm run reco:evaluate', 'npm run reco:evaluate -- --cut 2016-01-01 --until 2017-01-01 --level order --alpha 0.5', 'npm run reco:evaluate -- --sweep'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const cut = parseDay(v.cut, 'cut');
  const until = v.until === undefined ? null : parseDay(v.until, 'until');
  if (until !== null && until <= cut) throw new UsageError(`--until ${until} must come after --cut ${cut}`);
  const options = trainOptionsFrom(v);
  const ctx = createContext('reco:evaluate');
  const mongo = await openMongo(ctx);
  try {
    const lines = await readTrainingLines(mongo.db);
    if (!lines.length) throw new UsageError(`the lake in ${ctx.cfg.mongo.db} has no sales lines: run \`npm run pipeline\` first`);
    const catalogue = await readCatalogue(mongo.db);
    if (v.sweep) {
      const periods = [
        { cut: yearsBefore(cut, 2), until: yearsBefore(cut, 1) },
        { cut: yearsBefore(cut, 1), until: cut },
        { cut, until },
      ];
      const rows = sweepParameters(lines, catalogue, periods, { levels: ['order', 'customer'], alphas: [0.5, 0.625, 0.75, 0.875, 1], coSlots: [1, 2, 3] }, options);
      console.log(formatSweep(rows, cut));
      return 0;
    }
    const e = evaluateModel(lines, catalogue, cut, options, until);
    if (!e.cases) throw new UsageError(`no test orders with two or more items on or after ${cut}${until ? ` and before ${until}` : ''}: choose an earlier --cut`);
    const file = writeEvaluation(ctx.cfg.paths.models, e);
    console.log(formatEvaluation(e));
    console.log(`\nWritten to ${file}`);
    return 0;
  } finally {
    await mongo.close();
  }
});
