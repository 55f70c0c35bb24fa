/** CLI: build the library, register the TypeScript kernel if needed, and open Jupyter on notebooks/. */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { ensureKernel, ensureSelfLink, findPython } from '../src/tooling/jupyter';

runMain(async () => {
  const cli = parseCli({
    name: 'notebook',
    summary: 'Open the TypeScript notebooks in Jupyter (tslab kernel): builds the library, links it as `erp-insights`, registers the kernel if needed.',
    options: {
      port: { type: 'string', arg: 'N', description: 'Port for Jupyter', default: '8888' },
      'no-browser': { type: 'boolean', description: 'Do not open a browser window' },
    },
    examples: ['npm run notebook', 'npm run notebook -- --no-browser --port 8899', 'npm run notebooks:run   # execute every notebook headless'],
  });
  if (!cli) return 0;
  const root = loadConfig().paths.root;
  console.log('Building the library (dist/) …');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  ensureSelfLink(root);
  const python = findPython();
  await ensureKernel(root, python);
  const app = ['jupyterlab', 'notebook'].find((m) => {
    try {
      execFileSync(python, ['-c', `import ${m}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!app) {
    throw new UsageError(
      `no Jupyter front end for ${python}: install one (\`apt-get install jupyter-notebook\`, or \`pip install jupyterlab\`). ` +
        'The kernel is registered, and `npm run notebooks:run` executes the notebooks headless without it.',
    );
  }
  const args = ['-m', app === 'jupyterlab' ? 'jupyterlab' : 'notebook', `--notebook-dir=${path.join(root, 'notebooks')}`, `--port=${cli.values.port}`, '--ip=127.0.0.1'];
  if (cli.values['no-browser']) args.push('--no-browser');
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(python, args, { stdio: 'inherit' });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
});
