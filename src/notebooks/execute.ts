/**
 * Headless execution with the tslab kernel through a small nbclient helper (run-cells.py), which reports each cell
 * as a JSON line: the caller sees progress per cell, a failing or timed-out cell stops the run, and the executed
 * notebook is written either way (for debugging).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../config';
import { ensureSelfLink, findPython, writeLocalKernelSpec } from '../tooling/jupyter';
import { firstLine, parseNotebook, serializeNotebook, type Notebook } from './ipynb';

export type CellEvent =
  | { event: 'kernel'; seconds: number }
  | { event: 'start'; index: number }
  | { event: 'done'; index: number; seconds: number }
  | { event: 'error'; index: number; ename: string; evalue: string; seconds: number }
  | { event: 'fatal'; message: string }
  | { event: 'written'; path: string; failed: boolean };

export interface CellFailure {
  /** 1-based, counting every cell of the executed notebook (markdown too), as a reader counts them. */
  cell: number;
  firstLine: string;
  error: string;
}

export interface ExecuteOptions {
  /** The notebook's folder: relative paths in its cells resolve from there. */
  cwd: string;
  timeoutSec: number;
  env?: Record<string, string>;
  python?: string;
  /** Sign the executed notebook as trusted for this user (Jupyter Notebook then shows its HTML and SVG outputs). */
  trust?: boolean;
  onEvent?: (e: CellEvent, nb: Notebook) => void;
  root?: string;
}

export interface ExecuteResult {
  notebook: Notebook;
  /** The executed notebook as the runner wrote (and signed) it, to be saved byte for byte. */
  text: string;
  failure: CellFailure | null;
  seconds: { kernel: number; cells: number; total: number };
}

export class ExecutionError extends Error {
  override name = 'ExecutionError';
  constructor(
    message: string,
    readonly failure: CellFailure,
  ) {
    super(message);
  }
}

export const describeFailure = (f: CellFailure) => `cell ${f.cell} (${f.firstLine || 'empty'}) failed: ${f.error}`;

const runner = (root: string) => path.join(root, 'src', 'notebooks', 'run-cells.py');

export async function executeCells(nb: Notebook, o: ExecuteOptions): Promise<ExecuteResult> {
  const root = o.root ?? projectRoot;
  ensureSelfLink(root);
  const jupyterPath = writeLocalKernelSpec(root);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-render-'));
  const input = path.join(scratch, 'input.ipynb');
  const output = path.join(scratch, 'executed.ipynb');
  fs.writeFileSync(input, serializeNotebook(nb));
  const t0 = Date.now();
  let kernel = 0;
  let failure: CellFailure | null = null;
  let fatal: string | null = null;
  try {
    const args = [runner(root), input, output, '--kernel', 'tslab', '--timeout', String(o.timeoutSec), '--cwd', o.cwd, ...(o.trust ? ['--trust'] : [])];
    const env = { ...process.env, ...o.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter), PYDEVD_DISABLE_FILE_VALIDATION: '1' };
    const child = spawn(o.python ?? findPython(), args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.on('data', (b: Buffer) => stderr.push(b.toString()));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let e: CellEvent;
      try {
        e = JSON.parse(line) as CellEvent;
      } catch {
        return; // not ours (a library printing to stdout)
      }
      if (e.event === 'kernel') kernel = e.seconds;
      if (e.event === 'error') failure = { cell: e.index + 1, firstLine: firstLine(nb.cells[e.index]!), error: `${e.ename}${e.evalue ? `: ${e.evalue}` : ''}` };
      if (e.event === 'fatal') fatal = e.message;
      o.onEvent?.(e, nb);
    });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c ?? 1));
    });
    if (!fs.existsSync(output)) {
      const detail = stderr.join('').split('\n').filter((l) => l.trim()).slice(-8).join('\n');
      throw new Error(`the notebook runner exited with code ${code} without writing the executed notebook${fatal ? `: ${fatal}` : ''}${detail ? `\n${detail}` : ''}`);
    }
    if (fatal && !failure) failure = { cell: 0, firstLine: '', error: `the kernel could not run the notebook: ${fatal}` };
    const text = fs.readFileSync(output, 'utf8');
    const notebook = parseNotebook(text, output);
    const total = (Date.now() - t0) / 1000;
    return { notebook, text, failure, seconds: { kernel, cells: Math.max(0, total - kernel), total } };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
