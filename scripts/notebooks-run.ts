/** CLI: execute the notebooks headless, in order, failing on any cell error. Executed copies go to test-artifacts/notebooks/. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { checkNotebookDefaults } from '../src/cli/notebook-report';
import { loadConfig } from '../src/config';
import { ensureKernel, ensureSelfLink, executeNotebook, listNotebooks } from '../src/tooling/jupyter';

runMain(async () => {
  const cli = parseCli({
    name: 'notebooks:run',
    summary: "Run every notebook (or the ones named) top to bottom with the tslab kernel, against the configured services. Each notebook's default parameters are first checked as `render` checks them (exit 2 for one the data does not accept).",
    usage: 'npm run notebooks:run -- [NAME …]',
    positionals: true,
    options: {},
    examples: ['npm run notebooks:run', 'npm run notebooks:run -- 01-explore-superstore'],
  });
  if (!cli) return 0;
  const cfg = loadConfig();
  const root = cfg.paths.root;
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  ensureSelfLink(root);
  await ensureKernel(root);
  const all = listNotebooks(path.join(root, 'notebooks'));
  const wanted = cli.positionals.length ? all.filter((f) => cli.positionals.some((n) => path.basename(f).startsWith(n))) : all;
  if (!wanted.length) throw new UsageError(`no notebook matches ${cli.positionals.join(', ')} (have: ${all.map((f) => path.basename(f)).join(', ')})`);
  for (const file of wanted) {
    // The checks of `render`, on the defaults, just before each notebook: 02 fills the warehouse the later ones check against.
    await checkNotebookDefaults(cfg, file);
    const r = await executeNotebook(file, path.join(root, 'test-artifacts', 'notebooks'));
    console.log(`✓ ${path.basename(file)} in ${r.seconds.toFixed(1)} s → ${path.relative(root, r.output)}`);
  }
  return 0;
});
