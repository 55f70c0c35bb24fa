/**
 * Headless execution with the tslab kernel through a small nbclient helper (run-cells.py), which reports each cell
 * as a JSON line: the caller sees progress per cell, a failing or timed-out cell stops the run, and the executed
 * notebook is written either way (for debugging). A cancel (`signal`) kills the runner and the kernel's process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../config';
import { onAbort, throwIfAborted } from '../io/abort';
import { ensureSelfLink, findPython, writeLocalKernelSpec } from '../tooling/jupyter';
import { firstLine, parseNotebook, serializeNotebook, type Notebook } from './ipynb';

export type CellEvent =
  /** The kernel process started (not yet ready), leading a process group of its own. */
  | { event: 'spawned'; pid: number | null }
  | { event: 'kernel'; seconds: number }
  | { event: 'start'; index: number }
  | { event: 'done'; index: number; seconds: number }
  | { event: 'error'; index: number; ename: string; evalue: string; seconds: number }
  | { event: 'fatal'; message: string }
  | { event: 'written'; path: string; failed: boolean }
  /** The runner stopped on SIGTERM (a cancel): the kernel is shut down and nothing is written. */
  | { event: 'interrupted' };

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
  /**
   * Cancels the run: the runner is asked to shut the kernel down (SIGTERM), and after `killAfterMs` the runner and
   * the kernel's process group are killed. Rejects with RenderAbortedError once the runner has exited.
   */
  signal?: AbortSignal;
  /** How long a cancelled runner has to shut its kernel down before both are killed; default 3 s. */
  killAfterMs?: number;
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

/** Signals a process (or, with `group`, its process group); one already gone is not an error. */
function signalProcess(pid: number | null | undefined, sig: NodeJS.Signals, group = false): void {
  if (!pid) return;
  try {
    process.kill(group ? -pid : pid, sig);
  } catch (err) {
    // ESRCH: gone already. EPERM: the pid now belongs to someone else's process, which is not ours to stop.
    if (!['ESRCH', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

/**
 * Stops a cancelled runner: SIGTERM lets it shut its kernel down and exit without writing; past `graceMs` the runner
 * and the kernel's process group are killed. When the runner has exited, the kernel's group is killed whatever the
 * runner managed: the kernel holds the runner's stdout, and a kernel left running would be an orphan.
 */
function stopOnAbort(child: ChildProcess, kernelPid: () => number | null, signal: AbortSignal | undefined, graceMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  child.once('exit', () => {
    if (signal?.aborted) signalProcess(kernelPid(), 'SIGKILL', true);
  });
  const forget = onAbort(signal, () => {
    signalProcess(child.pid, 'SIGTERM');
    timer = setTimeout(() => {
      signalProcess(kernelPid(), 'SIGKILL', true);
      signalProcess(child.pid, 'SIGKILL');
    }, graceMs);
  });
  return () => {
    forget();
    clearTimeout(timer);
  };
}

export async function executeCells(nb: Notebook, o: ExecuteOptions): Promise<ExecuteResult> {
  throwIfAborted(o.signal);
  const root = o.root ?? projectRoot;
  ensureSelfLink(root);
  const jupyterPath = writeLocalKernelSpec(root);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-render-'));
  const input = path.join(scratch, 'input.ipynb');
  const output = path.join(scratch, 'executed.ipynb');
  fs.writeFileSync(input, serializeNotebook(nb));
  const t0 = Date.now();
  let kernel = 0;
  let kernelPid: number | null = null;
  let failure: CellFailure | null = null;
  let fatal: string | null = null;
  try {
    const args = [runner(root), input, output, '--kernel', 'tslab', '--timeout', String(o.timeoutSec), '--cwd', o.cwd, ...(o.trust ? ['--trust'] : [])];
    const env = { ...process.env, ...o.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter), PYDEVD_DISABLE_FILE_VALIDATION: '1' };
    const child = spawn(o.python ?? findPython(), args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stopWatching = stopOnAbort(child, () => kernelPid, o.signal, o.killAfterMs ?? 3000);
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
      if (e.event === 'spawned') kernelPid = e.pid;
      if (e.event === 'kernel') kernel = e.seconds;
      if (e.event === 'error') failure = { cell: e.index + 1, firstLine: firstLine(nb.cells[e.index]!), error: `${e.ename}${e.evalue ? `: ${e.evalue}` : ''}` };
      if (e.event === 'fatal') fatal = e.message;
      o.onEvent?.(e, nb);
    });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c ?? 1));
    }).finally(stopWatching);
    // Whatever the runner wrote before it stopped is not a result: the caller publishes nothing of a cancelled run.
    throwIfAborted(o.signal);
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
