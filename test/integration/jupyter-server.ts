/**
 * Jupyter Notebook (Debian's, version 6) serving one folder on a free loopback port, with this checkout's tslab kernel
 * spec and, unless told otherwise, a Jupyter data directory of its own: its notary knows no signature, so every
 * notebook opens untrusted, as a colleague's copy would.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { freePort } from '../../src/io/free-port';
import { writeLocalKernelSpec } from '../../src/tooling/jupyter';
import { waitUntil } from './helpers';

export interface JupyterServer {
  url(notebook: string): string;
  close(): Promise<void>;
}

export async function startJupyterNotebook(dir: string, opts: { trustedByThisUser?: boolean } = {}): Promise<JupyterServer> {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'jupyter-'));
  const port = await freePort();
  const token = Math.random().toString(36).slice(2);
  const env = {
    ...process.env,
    JUPYTER_PATH: writeLocalKernelSpec(projectRoot),
    JUPYTER_CONFIG_DIR: own,
    JUPYTER_RUNTIME_DIR: own,
    ...(opts.trustedByThisUser ? {} : { JUPYTER_DATA_DIR: own }),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const args = ['-m', 'notebook', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1', `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`];
  if (process.getuid?.() === 0) args.push('--allow-root');
  // Debian's Python: Notebook 6 is Debian's `jupyter-notebook`; the project's environment has JupyterLab instead.
  const child = spawn('/usr/bin/python3', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(async () => (await fetch(`${base}/api/status?token=${token}`).catch(() => null))?.ok === true, 30_000, `Jupyter Notebook on ${base}`);
  } catch (err) {
    child.kill();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return {
    url: (notebook) => `${base}/notebooks/${encodeURIComponent(notebook)}?token=${token}`,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(own, { recursive: true, force: true });
    },
  };
}
