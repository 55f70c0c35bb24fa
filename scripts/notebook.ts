/**
 * CLI: build the library, register the TypeScript kernel if needed, and open JupyterLab 4 (the project's Jupyter
 * environment) on notebooks/, on loopback with a token; Debian's Jupyter Notebook 6 when set-up could not make it.
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { ensureKernel, ensureSelfLink, findPython } from '../src/tooling/jupyter';
import { hasJupyterLab, notebooksDir, startJupyterLab } from '../src/tooling/jupyterlab';

runMain(async () => {
  const cli = parseCli({
    name: 'notebook',
    summary: 'Open the TypeScript notebooks in JupyterLab 4 (tslab kernel): builds the library, links it as `erp-insights`, registers the kernel if needed.',
    options: {
      port: { type: 'string', arg: 'N', description: 'Port for JupyterLab (loopback only)', default: '8888' },
      'no-browser': { type: 'boolean', description: 'Do not open a browser window' },
    },
    examples: ['npm run notebook', 'npm run notebook -- --no-browser --port 8899', 'npm run notebooks:run   # execute every notebook headless'],
  });
  if (!cli) return 0;
  const cfg = loadConfig();
  const root = cfg.paths.root;
  const port = intOption(cli.values.port, 'port', 1)!;
  console.log('Building the library (dist/) …');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  ensureSelfLink(root);
  const python = findPython();
  await ensureKernel(root, python);
  if (!(await hasJupyterLab(python))) return openClassicNotebook(python, root, port, cli.values['no-browser'] === true, cfg.jupyterVenv);
  const lab = await startJupyterLab({ root: notebooksDir(root), port, browser: cli.values['no-browser'] !== true, python });
  console.log(`\nJupyterLab 4 on notebooks/ (TypeScript kernel), on this machine only:\n  ${lab.url()}\nCtrl-C to stop.\n`);
  // Ctrl-C reaches JupyterLab too (same process group); it shuts its kernels down and exits, and so do we.
  process.on('SIGINT', () => void lab.close());
  process.on('SIGTERM', () => void lab.close());
  return lab.exited;
});

/** Debian's Jupyter Notebook 6, for a machine where set-up could not make the Jupyter environment (no venv module). */
async function openClassicNotebook(python: string, root: string, port: number, noBrowser: boolean, venv: string): Promise<number> {
  try {
    execFileSync(python, ['-c', 'import notebook'], { stdio: 'ignore' });
  } catch {
    throw new UsageError(`no Jupyter front end for ${python}: run \`bash scripts/setup.sh\` (it makes the JupyterLab environment in ${venv}; apt-get install python3-venv first if it says so).`);
  }
  console.warn(`JupyterLab is not set up (no ${venv}): opening Debian's Jupyter Notebook 6 instead, where charts show as images. Run \`bash scripts/setup.sh\` for JupyterLab.`);
  const args = ['-m', 'notebook', `--notebook-dir=${notebooksDir(root)}`, `--port=${port}`, '--ip=127.0.0.1'];
  if (noBrowser) args.push('--no-browser');
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(python, args, { stdio: 'inherit' });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}
