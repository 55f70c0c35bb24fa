/** CLI: run a parameterised notebook headless and render it as a report (HTML, PDF and the executed notebook). */
import path from 'node:path';
import { choiceOption, intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { recordedRun } from '../src/cli/recorded';
import { notebookOutcome } from '../src/cli/schedule';
import { cellProgress, parseNotebookFormats, renderConfiguredNotebook } from '../src/cli/notebook-report';

runMain(async () => {
  const cli = parseCli({
    name: 'render',
    summary:
      'Run a notebook headless with the tslab kernel against the configured services, with the values given for the parameters declared in its cell tagged "parameters", and write it as a report in reports/notebooks/<notebook>/<parameters>/ (listed in reports/index.html).',
    usage: 'npm run render -- NOTEBOOK [-p name=value …] [options]',
    positionals: true,
    options: {
      param: { type: 'string', short: 'p', multiple: true, arg: 'NAME=VALUE', description: 'A parameter value, typed like its default (number, boolean, string, JSON for arrays and objects) and checked against what the notebook says it accepts (branch IDs, periods within the data…) before any cell runs: exit 2 when refused; period=latest is the latest complete month with sales. Repeat for several' },
      to: { type: 'string', arg: 'LIST', description: 'Comma-separated: html, pdf, ipynb', default: 'html,pdf,ipynb' },
      code: { type: 'string', arg: 'hide|show', description: 'Show the code cells in the HTML and PDF', default: 'hide' },
      timeout: { type: 'string', arg: 'SEC', description: 'A cell running longer than this fails the run', default: '600' },
      static: { type: 'boolean', description: 'Write the HTML without script, its charts as drawn here (for mail clients and archives). By default they are drawn again in the page: tooltips, a legend that highlights' },
    },
    examples: [
      'npm run render -- notebooks/06-branch-review.ipynb -p branch=BR-WEST -p period=2017-12 --to html,pdf',
      'npm run render -- notebooks/05-executive-report.ipynb -p period=latest',
      'npm run render -- notebooks/03-warehouse-analysis.ipynb -p year=2016 --code show',
      'npm run render -- notebooks/05-executive-report.ipynb -p period=2017-12 --to html --static',
    ],
  });
  if (!cli) return 0;
  if (cli.positionals.length !== 1) throw new UsageError(`expected one notebook, got ${cli.positionals.length ? cli.positionals.join(' ') : 'none'} (npm run render -- NOTEBOOK [-p name=value …])`);
  const file = cli.positionals[0]!;
  const formats = parseNotebookFormats(cli.values.to);
  const code = choiceOption(cli.values.code, 'code', ['hide', 'show'] as const)!;
  const timeoutSec = intOption(cli.values.timeout, 'timeout', 1)!;
  const ctx = createContext('render');
  console.log(`Rendering ${file}${cli.lists.param!.length ? ` with ${cli.lists.param!.join(' ')}` : ''}: ${formats.join(', ')}`);
  // A person's renders of one notebook are one job in the run history: `render:06-branch-review`.
  const job = `render:${path.basename(file).replace(/\.ipynb$/i, '')}`;
  const mongo = await openMongo(ctx);
  const r = await recordedRun(
    ctx,
    mongo.db,
    { job, kind: 'notebook', branch: cli.lists.param!.find((p) => p.startsWith('branch='))?.slice('branch='.length) ?? null, parameters: { notebook: file, ...Object.fromEntries(cli.lists.param!.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) } },
    (signal) => renderConfiguredNotebook(ctx, { file, pairs: cli.lists.param!, formats, code, timeoutSec, static: Boolean(cli.values.static), signal, onEvent: cellProgress(), env: { ERP_REPORT_JOB: job } }),
    async (res) => notebookOutcome(mongo.db, res, job),
  ).finally(() => mongo.close());
  console.log(`  kernel ${r.seconds.kernel?.toFixed(1)} s · cells ${r.seconds.execute?.toFixed(1)} s · html ${r.seconds.html?.toFixed(2)} s${r.seconds.pdf !== undefined ? ` · pdf ${r.seconds.pdf.toFixed(2)} s` : ''}`);
  for (const [f, path] of Object.entries(r.files)) console.log(`  ${f.padEnd(5)} ${path}`);
  return 0;
});
