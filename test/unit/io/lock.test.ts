import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RenderAbortedError, RenderTimeoutError } from '../../../src/io/abort';
import { LockBusyError, withLock } from '../../../src/io/lock';

describe('one writer at a time', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const lock = () => path.join(dir, '.lock');

  it('runs the work while holding the lock, then releases it', async () => {
    const seen = await withLock(lock(), 'report 2017-12', async () => JSON.parse(fs.readFileSync(lock(), 'utf8')).pid as number);
    expect(seen).toBe(process.pid);
    expect(fs.existsSync(lock())).toBe(false);
  });

  it('two runs never overlap: the second waits for the first', async () => {
    const events: string[] = [];
    const run = (name: string) => withLock(lock(), 'report', async () => {
      events.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name} end`);
    }, { pollMs: 5, alive: () => true });
    await Promise.all([run('a'), run('b')]);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('a lock left by a killed run is taken over, with a warning', async () => {
    fs.writeFileSync(lock(), JSON.stringify({ pid: 999999, host: os.hostname(), what: 'report', since: '2026-11-29T00:00:00Z' }));
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m), info: () => undefined } as never;
    await expect(withLock(lock(), 'report 2017-12', async () => 'done', { log, alive: () => false })).resolves.toBe('done');
    expect(warnings).toEqual([expect.stringContaining('its owner (pid 999999, since 2026-11-29T00:00:00Z) is gone')]);
  });

  it('a live owner past the patience stops the second run with a message naming it', async () => {
    fs.writeFileSync(lock(), JSON.stringify({ pid: 4242, host: os.hostname(), what: 'report', since: 'then' }));
    await expect(withLock(lock(), 'report 2017-12', async () => 'never', { waitMs: 20, pollMs: 5, alive: () => true })).rejects.toThrow(LockBusyError);
    await expect(withLock(lock(), 'report 2017-12', async () => 'never', { waitMs: 0, alive: () => true })).rejects.toThrow(/being written by another run \(pid 4242/);
  });

  it('a cancelled run stops waiting for the lock at once, with the reason it was cancelled', async () => {
    fs.writeFileSync(lock(), JSON.stringify({ pid: 4242, host: os.hostname(), what: 'report', since: 'then' }));
    const ctrl = new AbortController();
    const t0 = Date.now();
    const waiting = withLock(lock(), 'report 2017-12', async () => 'never', { pollMs: 60_000, alive: () => true, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(new RenderTimeoutError(3)), 20);
    await expect(waiting).rejects.toThrow(RenderTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(JSON.parse(fs.readFileSync(lock(), 'utf8')).pid).toBe(4242);
  });

  it('a run cancelled while holding the lock releases it', async () => {
    const ctrl = new AbortController();
    const work = withLock(lock(), 'report 2017-12', async () => {
      ctrl.abort('SIGTERM');
      throw new RenderAbortedError('stopped', 'SIGTERM');
    }, { signal: ctrl.signal });
    await expect(work).rejects.toThrow(RenderAbortedError);
    expect(fs.existsSync(lock())).toBe(false);
  });
});
