/** CLI: write Superstore-shaped synthetic data of any size (seeded, streamed). */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { intOption, parseCli, runMain } from '../src/cli/args';
import { createProgress } from '../src/cli/progress';
import { writeGeneratedCsv } from '../src/pipeline/source/generate-file';
import { defaultCatalogueSize } from '../src/pipeline/source/generate';

runMain(async () => {
  const cli = parseCli({
    name: 'generate',
    summary: 'Generate Superstore-shaped CSV for load tests: same columns, realistic shape, same seed → same file.',
    options: {
      lines: { type: 'string', short: 'n', arg: 'N', description: 'Order lines to write', default: '1000000' },
      seed: { type: 'string', arg: 'S', description: 'Random seed', default: '42' },
      products: { type: 'string', arg: 'N', description: 'Catalogue size (default: lines/20, at least 1,862)' },
      customers: { type: 'string', arg: 'N', description: 'Customers (default: lines/12.6, at least 793)' },
      years: { type: 'string', arg: 'N', description: 'Years of history, from 2014', default: '4' },
      out: { type: 'string', short: 'o', arg: 'PATH', description: 'Output file (default: data/generated/superstore-<lines>-s<seed>.csv)' },
    },
    examples: ['npm run generate -- --lines 1000000 --seed 7', 'npm run generate -- -n 50000 -o /tmp/small.csv'],
  });
  if (!cli) return 0;
  const cfg = loadConfig();
  const v = cli.values;
  const lines = intOption(v.lines, 'lines', 1)!;
  const seed = intOption(v.seed, 'seed', 0)!;
  const opts = {
    lines,
    seed,
    products: intOption(v.products, 'products', 17),
    customers: intOption(v.customers, 'customers', 1),
    years: intOption(v.years, 'years', 1),
  };
  const out = v.out ? path.resolve(String(v.out)) : path.join(cfg.paths.data, 'generated', `superstore-${lines}-s${seed}.csv`);
  const sizes = defaultCatalogueSize(lines);
  const progress = createProgress('generate', lines);
  const started = Date.now();
  const written = await writeGeneratedCsv(out, opts, (n) => progress.update(n));
  progress.stop();
  const secs = (Date.now() - started) / 1000;
  console.log(
    `Wrote ${written.toLocaleString('en-US')} lines (${(opts.products ?? sizes.products).toLocaleString('en-US')} products, ` +
      `${(opts.customers ?? sizes.customers).toLocaleString('en-US')} customers, seed ${seed}) to ${out} in ${secs.toFixed(1)} s`,
  );
  return 0;
});
