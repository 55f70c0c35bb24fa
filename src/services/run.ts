/** Running external commands: short ones to completion, long ones (builds) without blocking. */
import { spawn, spawnSync } from 'node:child_process';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

const failure = (cmd: string, args: string[], code: number | null, out: string) =>
  new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${out.trim().split('\n').slice(-30).join('\n')}`);

/** Runs a short command to completion (version checks); throws with the tail of its output when it fails. */
export function run(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
  if (res.error) throw res.error;
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0) throw failure(cmd, args, res.status, out);
  return out;
}

/** Runs a long command without blocking (so the Maven fetch and the engine build overlap). */
export function runAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(failure(cmd, args, code, out))));
  });
}

