import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../src/log';
import type { ReportRun } from '../../../src/reports/runs/record';
import { runRecorded, type RenderFn, type RunPlan, type RunStore } from '../../../src/reports/runs/runner';
import type { RunStart } from '../../../src/reports/runs/store';

/** A store in memory: every saved state of the run, in order. */
function fakeStore(builtAt = new Date('2018-01-04T00:00:00Z')) {
  const saved: ReportRun[] = [];
  const store: RunStore = {
    start: async (s: RunStart) => {
      const run = { _id: 'r1', job: s.job, kind: s.kind, schedule: null, parameters: {}, period: s.period ?? null, trigger: s.trigger, attempt: 1, attempts: [{ attempt: 1, started_at: s.now!, ended_at: null, status: 'running', error: null }], status: 'running', started_at: s.now!, ended_at: null, heartbeat_at: s.now!, host: 'h', pid: 1, steps: {}, error: null, reason: null, data_as_of: s.facts.asOf, warehouse_built_at: s.facts.builtAt, outputs: [], figures: null } as ReportRun;
      saved.push(structuredClone(run));
      return run;
    },
    save: async (run) => void saved.push(structuredClone(run)),
    keepAlive: () => () => undefined,
    facts: async () => ({ builtAt, dataChangedAt: builtAt, asOf: '2017-12-30' }),
  };
  return { store, saved };
}

const plan = (over: Partial<RunPlan> = {}): RunPlan => ({ job: 'j', kind: 'executive', schedule: null, parameters: {}, trigger: 'cron', period: { id: '2017-12', to: '2017-12-31' }, freshness: null, timeoutSec: 5, retries: 2, retryDelaySec: 30, ...over });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
const file = path.join(dir, '2017-12', 'executive.html');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, 'hello');
const ok: RenderFn = async () => ({ files: { html: file }, period: '2017-12', figures: { revenue: 1, profit: 2, margin: 0.5, orders: 3 }, steps: { html: 0.1 } });
const waits: number[] = [];
const sleep = async (ms: number) => void waits.push(ms);
const options = (store: RunStore, signal?: AbortSignal) => ({ store, reportsDir: dir, log: silentLogger, sleep, signal, now: () => new Date('2018-01-05T07:00:00Z') });

describe('a recorded report run', () => {
  beforeEach(() => (waits.length = 0));

  it('is written as running before the render, then closed succeeded with hashed outputs and figures', async () => {
    const { store, saved } = fakeStore();
    const run = await runRecorded(plan(), ok, options(store));
    expect(saved[0]!.status).toBe('running');
    expect(run).toMatchObject({ status: 'succeeded', attempt: 1, figures: { revenue: 1 }, outputs: [{ format: 'html', path: '2017-12/executive.html', size: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' }] });
  });

  it('a failing render is retried with backoff, each attempt recorded, and ends failed', async () => {
    const { store } = fakeStore();
    let calls = 0;
    const run = await runRecorded(plan(), async () => { calls++; throw new Error('cell 3 failed: boom'); }, options(store));
    expect(calls).toBe(3);
    expect(waits).toEqual([30_000, 120_000]);
    expect(run.status).toBe('failed');
    expect(run.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'failed'], [2, 'failed'], [3, 'failed']]);
    expect(run.error).toBe('cell 3 failed: boom');
  });

  it('a render that outlives its timeout is stopped and ends timed_out; a later success ends the retries', async () => {
    const { store } = fakeStore();
    let calls = 0;
    const hangs: RenderFn = (signal) => (++calls === 1 ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) : ok(signal));
    const run = await runRecorded(plan({ timeoutSec: 0.05 }), hangs, options(store));
    expect(run.attempts.map((a) => a.status)).toEqual(['timed_out', 'succeeded']);
    expect(run.status).toBe('succeeded');
    const never: RenderFn = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const timedOut = await runRecorded(plan({ timeoutSec: 0.05, retries: 0 }), never, options(fakeStore().store));
    expect(timedOut).toMatchObject({ status: 'timed_out', error: 'the render ran longer than its timeout of 0.05 s and was stopped' });
  });

  it('stale data is skipped with its reason, without rendering', async () => {
    const { store } = fakeStore(new Date('2018-01-01T00:00:00Z'));
    let rendered = false;
    const run = await runRecorded(plan({ freshness: { maxAgeSeconds: 2 * 86_400, text: 'P2D' } }), async (s) => ((rendered = true), ok(s)), options(store));
    expect(rendered).toBe(false);
    expect(run).toMatchObject({ status: 'skipped', reason: 'warehouse built 4 days ago; the job allows 2 days (freshness P2D)' });
  });

  it('a stop (SIGTERM) cancels the attempt in flight and records the run interrupted, without retrying', async () => {
    const ac = new AbortController();
    let calls = 0;
    const render: RenderFn = (signal) => {
      calls++;
      setTimeout(() => ac.abort(new Error('SIGTERM')), 10);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const run = await runRecorded(plan(), render, options(fakeStore().store, ac.signal));
    expect(calls).toBe(1);
    expect(run.status).toBe('interrupted');
  });
});

describe('an error no retry can mend', () => {
  it('fails the run at its first attempt', async () => {
    let calls = 0;
    const run = await runRecorded(plan({ retriable: (e) => !(e instanceof RangeError) }), async () => { calls++; throw new RangeError('branch BR-NORTH is not in the warehouse'); }, options(fakeStore().store));
    expect([calls, run.status, run.attempt]).toEqual([1, 'failed', 1]);
  });
});
