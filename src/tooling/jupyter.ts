/**
 * Jupyter with the TypeScript (tslab) kernel: the kernel registration, the link that lets notebooks import this
 * project as `erp-insights`, and headless execution.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../config';

const run = promisify(execFile);

export class JupyterError extends Error {
  override name = 'JupyterError';
}

/**
 * JUPYTER_PYTHON, else the project's Jupyter environment (JupyterLab 4, nbconvert 7; see loadConfig), else Debian's
 * Python (Jupyter Notebook 6, nbconvert 6: the fallback on a machine where set-up could not make a venv).
 */
export function findPython(configured: string | undefined = loadConfig().jupyterPython): string {
  if (configured) return configured;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export function ensureSelfLink(root: string): string {
  const link = path.join(root, 'node_modules', 'erp-insights');
  let current: string | null = null;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = null;
  }
  if (current !== '..') {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync('..', link, 'dir');
  }
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new JupyterError('dist/index.js is missing: run `npm run build` first');
  return link;
}

/** True when a tslab kernel is registered and starts this project's tslab (not another checkout's, or a deleted one). */
export async function kernelInstalled(python = findPython(), root?: string): Promise<boolean> {
  try {
    const { stdout } = await run(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
    const spec = (JSON.parse(stdout) as { kernelspecs: Record<string, { spec?: { argv?: string[] } }> }).kernelspecs?.tslab;
    if (!spec) return false;
    const binary = spec.spec?.argv?.[0];
    return root === undefined || (binary !== undefined && path.resolve(binary) === path.join(root, 'node_modules', '.bin', 'tslab'));
  } catch (err) {
    throw new JupyterError(`Jupyter is not available through ${python} (${(err as Error).message.split('\n')[0]}): run \`bash scripts/setup.sh\` (it makes the Jupyter environment)`);
  }
}

export async function installKernel(root: string, python = findPython()): Promise<void> {
  const tslab = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  const binary = path.join(root, 'node_modules', '.bin', 'tslab');
  await run(process.execPath, [tslab, 'install', `--python=${python}`, `--binary=${binary}`]);
}

export async function ensureKernel(root: string, python = findPython()): Promise<void> {
  if (!(await kernelInstalled(python, root))) await installKernel(root, python);
}

export function listNotebooks(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
}

/**
 * Runs a notebook top to bottom with nbconvert; any cell error fails it. The executed copy (with outputs) goes to
 * `outDir`, the committed notebook is left as it is.
 */
export async function executeNotebook(file: string, outDir: string, opts: { env?: Record<string, string>; timeoutSec?: number; python?: string } = {}): Promise<{ output: string; seconds: number }> {
  fs.mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  try {
    await run(
      opts.python ?? findPython(),
      ['-m', 'nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.timeout=${opts.timeoutSec ?? 900}`, '--ExecutePreprocessor.kernel_name=tslab', '--output-dir', outDir, file],
      { cwd: path.dirname(file), env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const detail = (e.stderr ?? e.message).split('\n').filter((l) => l.trim()).slice(-25).join('\n');
    throw new JupyterError(`notebook ${path.basename(file)} failed:\n${detail}`);
  }
  return { output: path.join(outDir, path.basename(file)), seconds: (Date.now() - t0) / 1000 };
}

/**
 * A kernel spec for this checkout's tslab in `<root>/.cache/jupyter/kernels/tslab`, and the directory to put first
 * on JUPYTER_PATH. `render` runs its kernel from there rather than re-registering the user's `tslab` kernel, so it
 * never points another checkout's Jupyter at this one (or the reverse).
 */
export function writeLocalKernelSpec(root: string): string {
  const dir = path.join(root, '.cache', 'jupyter');
  const spec = { argv: [path.join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' };
  const file = path.join(dir, 'kernels', 'tslab', 'kernel.json');
  const text = `${JSON.stringify(spec)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}
