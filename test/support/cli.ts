/**
 * The one way tests run the CLIs of scripts/: as `npm run <name>` does (tsx), but in one node process (a signal then
 * reaches the command itself, not a wrapper), with environment variables on top of the test's.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config';

export interface SpawnOptions {
  /** LOG_LEVEL of the command unless `env` sets one (default warn). */
  logLevel?: string;
  stdio?: StdioOptions;
  /** Its own process group, so a kill of the group reaches what it starts. */
  detached?: boolean;
}

/** Starts `scripts/<script>` and returns at once. */
export function spawnCli(script: string, env: Record<string, string>, args: string[] = [], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join('scripts', script), ...args], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: opts.logLevel ?? 'warn', ...env },
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: opts.detached,
  });
}

export interface CliRun {
  /** The exit code; 1 when a signal ended it. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came, interleaved. */
  output: string;
  seconds: number;
}

export interface RunOptions extends Pick<SpawnOptions, 'logLevel'> {
  /** SIGKILL after this long: a kill at a random moment, or a bound on a command that might hang. */
  killAfterMs?: number;
}

/** Runs `scripts/<script>` to its end. */
export function runCli(script: string, env: Record<string, string>, args: string[] = [], opts: RunOptions = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawnCli(script, env, args, { logLevel: opts.logLevel });
    const out = { stdout: '', stderr: '', output: '' };
    child.stdout!.on('data', (b: Buffer) => {
      out.stdout += b.toString();
      out.output += b.toString();
    });
    child.stderr!.on('data', (b: Buffer) => {
      out.stderr += b.toString();
      out.output += b.toString();
    });
    const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const end = () => resolve({ code: code ?? 1, signal, ...out, seconds: (Date.now() - started) / 1000 });
      // The rest of its output, once its pipes close; a process it started and left running (a browser after a
      // SIGKILL) may hold them open, so not longer than a moment.
      const grace = setTimeout(end, 2000);
      child.once('close', () => {
        clearTimeout(grace);
        end();
      });
    });
  });
}
