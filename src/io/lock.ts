/**
 * One writer at a time: a lock file created exclusively, holding the owner's pid. A second run waits for it (saying
 * whom it waits for) or, past its patience, stops with a message naming the owner. A lock whose pid is gone (a
 * killed run) is taken over with a warning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log';
import { isAlive } from './pid';
import { sleep, throwIfAborted } from './abort';

export class LockBusyError extends Error {
  override name = 'LockBusyError';
}

interface LockInfo {
  pid: number;
  host: string;
  what: string;
  since: string;
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export interface LockOptions {
  /** How long to wait for another writer; default 10 minutes. */
  waitMs?: number;
  log?: Logger;
  alive?: (pid: number) => boolean;
  pollMs?: number;
  /** Stops waiting for another writer (a cancelled or timed-out render): rejects with RenderAbortedError. */
  signal?: AbortSignal;
}

/** Runs `work` while holding `file` (created beside the outputs it guards), then releases it. */
export async function withLock<T>(file: string, what: string, work: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const alive = opts.alive ?? isAlive;
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), what, since: new Date().toISOString() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let told = false;
  for (;;) {
    throwIfAborted(opts.signal);
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readLock(file);
    // A lock from another machine (a shared disk) cannot be checked: it is only waited for, never taken over.
    if (!owner || (owner.host === me.host && !alive(owner.pid))) {
      opts.log?.warn(`taking over the lock for ${what}: its owner${owner ? ` (pid ${owner.pid}, since ${owner.since})` : ''} is gone`, { lock: file });
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new LockBusyError(`${what} is being written by another run (pid ${owner.pid} on ${owner.host}, since ${owner.since}); try again when it has finished, or stop it (lock: ${file})`);
    }
    if (!told) {
      opts.log?.info(`waiting for another run writing ${what} (pid ${owner.pid}, since ${owner.since})`);
      told = true;
    }
    await sleep(opts.pollMs ?? 200, opts.signal);
  }
  try {
    return await work();
  } finally {
    if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  }
}
