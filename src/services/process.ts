/** Detached background processes tracked by pid files: start, check, stop. Only touches pids we wrote. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '../io/pid';

export { isAlive };

export interface Managed {
  /** Short name for messages: "kafka", "postgres". */
  name: string;
  pidFile: string;
  logFile: string;
  /** A string the process's command line contains, so a recycled pid is never mistaken for ours. */
  marker: string;
  /** The signal that stops it cleanly: SIGTERM unless set (PostgreSQL: SIGINT, a fast shutdown that ends sessions). */
  stopSignal?: NodeJS.Signals;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A log over this size is moved to <log>.1 when the service starts again. */
const MAX_LOG_BYTES = 20 * 1024 * 1024;

/** The command line of a pid (Linux /proc); undefined where /proc is unavailable. */
function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** The pid recorded in the pid file, and whether that process still runs and is ours. Changes nothing. */
function recordedPid(m: Managed): { pid: number; ours: boolean } | undefined {
  if (!fs.existsSync(m.pidFile)) return undefined;
  const pid = Number(fs.readFileSync(m.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, ours: false };
  const cmd = isAlive(pid) ? cmdline(pid) : undefined;
  return { pid, ours: cmd === undefined ? isAlive(pid) : cmd.includes(m.marker) };
}

/** The pid from the pid file if that process still runs and is ours; removes a stale pid file. */
export function runningPid(m: Managed): number | undefined {
  const rec = recordedPid(m);
  if (rec?.ours) return rec.pid;
  if (rec) fs.rmSync(m.pidFile, { force: true });
  return undefined;
}

export type ManagedState = { state: 'running'; pid: number } | { state: 'dead'; pid: number } | { state: 'stopped' };

/** Tells a process that died (its pid file is still there: `up` did not stop it) from one never started or stopped. Read-only. */
export function managedState(m: Managed): ManagedState {
  const rec = recordedPid(m);
  if (!rec) return { state: 'stopped' };
  return rec.ours ? { state: 'running', pid: rec.pid } : { state: 'dead', pid: rec.pid };
}

/**
 * Starts `cmd args` in its own process group, stdout+stderr appended to the log file, and returns its pid.
 * The child is unref'd: it outlives this CLI.
 */
export function startDetached(m: Managed, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): number {
  fs.mkdirSync(path.dirname(m.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(m.pidFile), { recursive: true });
  if (fs.existsSync(m.logFile) && fs.statSync(m.logFile).size > MAX_LOG_BYTES) fs.renameSync(m.logFile, `${m.logFile}.1`);
  const fd = fs.openSync(m.logFile, 'a');
  fs.writeSync(fd, `\n==== ${new Date().toISOString()} starting ${m.name}: ${cmd} ${args.join(' ')}\n`);
  try {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd], uid: opts.uid, gid: opts.gid });
    child.once('error', () => undefined); // reported below through the missing pid
    if (child.pid === undefined) throw new Error(`could not start ${m.name}: ${cmd} not runnable`);
    child.unref();
    fs.writeFileSync(m.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Returns how it ended, or 'not-running' when there was nothing of ours. */
export async function stopManaged(m: Managed, graceMs = 30000): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = runningPid(m);
  if (pid === undefined) return 'not-running';
  process.kill(pid, m.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    await sleep(200);
  }
  let how: 'stopped' | 'killed' = 'stopped';
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    how = 'killed';
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  fs.rmSync(m.pidFile, { force: true });
  return how;
}
