/**
 * JupyterLab 4 (the project's Jupyter environment) serving the notebooks: its command line (pure), and a server
 * started on loopback with a token, ready once `/api/status` answers. `npm run notebook`, `npm run demo -- --lab`
 * and the browser test start it the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { findPython, JupyterError } from './jupyter';

export interface LabOptions {
  /** The folder JupyterLab opens (the file browser's root). */
  root: string;
  port: number;
  token: string;
  /** Open a browser window on the lab (JupyterLab's own `--no-browser` when false). */
  browser: boolean;
  /** Running as root (Jupyter refuses it without `--allow-root`). */
  asRoot?: boolean;
}

/** A token as Jupyter makes its own: 24 random bytes, hex. */
export const newToken = () => randomBytes(24).toString('hex');

/**
 * The arguments after the Python: loopback only, this port or nothing (the URL printed must be the one served), the
 * token given, and tslab as the kernel of a new notebook.
 */
export function labArgs(o: LabOptions): string[] {
  const args = [
    '-m',
    'jupyterlab',
    `--ServerApp.root_dir=${o.root}`,
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${o.port}`,
    '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${o.token}`,
    '--MappingKernelManager.default_kernel_name=tslab',
  ];
  if (!o.browser) args.push('--no-browser');
  if (o.asRoot) args.push('--allow-root');
  return args;
}

export const labUrl = (port: number, token: string, notebook?: string) =>
  `http://127.0.0.1:${port}/lab${notebook ? `/tree/${notebook.split('/').map(encodeURIComponent).join('/')}` : ''}?token=${token}`;

export interface LabServer {
  url: (notebook?: string) => string;
  child: ChildProcess;
  /** Resolves with the exit code when JupyterLab stops. */
  exited: Promise<number>;
  close: () => Promise<number>;
}

export interface StartLabOptions extends Omit<LabOptions, 'token' | 'asRoot'> {
  token?: string;
  python?: string;
  /** Extra environment (JUPYTER_PATH, own runtime and data dirs in tests). */
  env?: Record<string, string>;
  /** JupyterLab's log goes here (default: this process's stderr). */
  log?: (chunk: string) => void;
  readyTimeoutMs?: number;
}

async function waitReady(base: string, token: string, exited: Promise<number>, timeoutMs: number): Promise<void> {
  let gone: number | null = null;
  void exited.then((c) => (gone = c));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== null) throw new JupyterError(`JupyterLab exited with code ${gone} before serving ${base} (is the port taken? see its log above)`);
    const res = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } }).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new JupyterError(`JupyterLab did not answer on ${base} within ${Math.round(timeoutMs / 1000)} s`);
}

/** Starts JupyterLab and resolves once it answers; the caller closes it (SIGTERM, then its exit). */
export async function startJupyterLab(o: StartLabOptions): Promise<LabServer> {
  const python = o.python ?? findPython();
  const token = o.token ?? newToken();
  const args = labArgs({ ...o, token, asRoot: process.getuid?.() === 0 });
  const child = spawn(python, args, { cwd: o.root, env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = o.log ?? ((s: string) => void process.stderr.write(s));
  child.stdout.on('data', (b: Buffer) => log(b.toString()));
  child.stderr.on('data', (b: Buffer) => log(b.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const base = `http://127.0.0.1:${o.port}`;
  try {
    await waitReady(base, token, exited, o.readyTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGTERM');
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw missing ? new JupyterError(`${python} not found: run \`bash scripts/setup.sh\` (it makes the Jupyter environment)`) : err;
  }
  return {
    url: (notebook) => labUrl(o.port, token, notebook),
    child,
    exited,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** True when `python` has JupyterLab (the project's environment does; Debian's Python has only Notebook 6). */
export async function hasJupyterLab(python: string): Promise<boolean> {
  const child = spawn(python, ['-c', 'import jupyterlab'], { stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

export const notebooksDir = (root: string) => path.join(root, 'notebooks');
