/**
 * Scheduled reports an operations team can rely on, end to end on the real engine and kernel: every run recorded in
 * report_runs with its status and attempts; a failing and a hanging job retried and reported while the others go on;
 * a data-triggered job run by `npm run warehouse` once per new data; a run killed with SIGKILL found interrupted by
 * the next start; one scheduler per database.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { loadErpData } from '../../src/pipeline/source/load';
import { makeLiveSale, salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { runsCollection, type ReportRun } from '../../src/reports/runs/record';
import { leaseCollection } from '../../src/reports/runs/lease';
import { createTestEnv, waitUntil, type TestEnv } from './helpers';
import { runCli, spawnCli } from '../support/cli';
import { writeSuperstoreLake } from './superstore-lake';

const fixture = path.join(projectRoot, 'test', 'fixtures', 'notebooks', 'monthly-revenue.ipynb');

describe('scheduled report runs', () => {
  let env: TestEnv;
  let childEnv: Record<string, string>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sched-'));
  const reports = path.join(scratch, 'reports');
  const runs = () => env.mongo.db.collection<ReportRun>(runsCollection);
  const writeSchedule = (name: string, body: unknown) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, JSON.stringify(body));
    return file;
  };
  /** A CLI of scripts/ in its own process group, so that a kill reaches its kernel too. */
  const start = (script: string, args: string[]): ChildProcess =>
    spawnCli(script, childEnv, args, { stdio: 'ignore', detached: true });

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(projectRoot, 'tsconfig.build.json')]);
    env = await createTestEnv('sched');
    await writeSuperstoreLake(env.mongo.db);
    childEnv = { ...env.env, REPORTS_DIR: reports, MODELS_DIR: path.join(scratch, 'models'), DATA_DIR: path.join(scratch, 'data') };
  }, 300_000);
  afterAll(async () => {
    await env?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('three jobs run with --once: one succeeds, a failing one and a hanging one are retried and recorded, the exit code says so', async () => {
    const retry = { retries: 1, retryDelay: 0.05 };
    const file = writeSchedule('three.json', {
      tz: 'Europe/Madrid',
      jobs: [
        { name: 'october', notebook: fixture, parameters: { period: '2017-10' }, formats: ['html'], cron: '0 7 1 * *', ...retry },
        { name: 'broken', notebook: fixture, parameters: { fail: true }, formats: ['html'], cron: '0 7 1 * *', ...retry },
        { name: 'hanging', notebook: fixture, parameters: { sleepSeconds: 120 }, formats: ['html', 'pdf'], cron: '0 7 1 * *', timeout: 25, ...retry },
      ],
    });
    const r = await runCli('report-schedule.ts', childEnv, ['--schedule', file, '--once']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✓ october succeeded \(1 attempt\)/);
    expect(r.stdout).toMatch(/✖ broken failed \(2 attempts\): .*cell 7/);
    expect(r.stdout).toMatch(/✖ hanging timed_out \(2 attempts\)/);
    const byJob = Object.fromEntries((await runs().find({}).toArray()).map((d) => [d.job, d]));
    expect(Object.keys(byJob).sort()).toEqual(['broken', 'hanging', 'october']);
    expect(byJob.october).toMatchObject({ status: 'succeeded', attempt: 1, trigger: 'cron', period: '2017-10', data_as_of: '2017-12-30' });
    expect(byJob.october!.outputs).toEqual([expect.objectContaining({ format: 'html', path: 'notebooks/monthly-revenue/period=2017-10/monthly-revenue.html', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(byJob.october!.figures!.revenue).toBeGreaterThan(10_000);
    expect(byJob.broken!.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
    expect(byJob.hanging!.attempts.map((a) => a.status)).toEqual(['timed_out', 'timed_out']);
    // No partial file under a final name, and no kernel left behind.
    const hangingDir = path.join(reports, 'notebooks', 'monthly-revenue', 'sleepSeconds=120');
    const left = fs.existsSync(hangingDir) ? fs.readdirSync(hangingDir) : [];
    expect(left.filter((f) => /\.(html|pdf|ipynb)$/.test(f) && !f.includes('.failed.'))).toEqual([]);
    const history = await runCli('report-schedule.ts', childEnv, ['--history']);
    expect(history.stdout).toMatch(/hanging\s+cron\s+–\s+timed_out\s+2/);
  }, 400_000);

  it('a data-triggered job runs after the warehouse is built with new data, and not again without new data', async () => {
    const file = writeSchedule('data.json', { jobs: [{ name: 'on-data', report: 'executive', period: '2017-12', formats: ['html'], trigger: 'data', retries: 0 }] });
    const first = await runCli('warehouse.ts', childEnv, ['--schedule', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/✓ on-data succeeded/);
    const again = await runCli('warehouse.ts', childEnv, ['--schedule', file]);
    expect(again.stdout).toContain('data-triggered reports: none due');
    // A late December sale arrives: the next build has new data.
    const template = salesWithItems((await loadErpData()).data).find((s) => s.order_date.startsWith('2017-12'))!;
    await writeLake(env.mongo.db, { products: [], customers: [], sales: [makeLiveSale(template, new Date('2017-12-29T10:00:00Z'), 1, 'late')] });
    const third = await runCli('warehouse.ts', childEnv, ['--schedule', file]);
    expect(third.stdout).toMatch(/✓ on-data succeeded/);
    const recorded = await runs().find({ job: 'on-data' }).sort({ started_at: 1 }).toArray();
    expect(recorded.map((d) => [d.trigger, d.status])).toEqual([['data', 'succeeded'], ['data', 'succeeded']]);
  }, 300_000);

  it('a run killed with SIGKILL is marked interrupted by the next start, never running for ever', async () => {
    const file = writeSchedule('killed.json', { jobs: [{ name: 'sleeper', notebook: fixture, parameters: { sleepSeconds: 120 }, formats: ['html'], cron: '0 7 1 * *', timeout: 300, retries: 0 }] });
    const child = start('report-schedule.ts', ['--schedule', file, '--once']);
    await waitUntil(async () => (await runs().countDocuments({ job: 'sleeper', status: 'running' })) === 1, 60_000, 'the sleeper run recorded as running');
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // The lease of the killed scheduler is still there: the next one may start only once it expires.
    await env.mongo.db.collection(leaseCollection).deleteMany({});
    const history = await runCli('report-schedule.ts', childEnv, ['--history', '--job', 'sleeper']);
    expect(history.stdout).toMatch(/sleeper\s+cron\s+–\s+interrupted/);
    expect(await runs().findOne({ job: 'sleeper' })).toMatchObject({ status: 'interrupted', error: expect.stringContaining('ended without closing it') });
  }, 180_000);

  it('a second scheduler on the same database refuses to start and names the first; SIGTERM stops the first cleanly', async () => {
    const file = writeSchedule('lease.json', { jobs: [{ name: 'yearly', report: 'executive', period: '2017', formats: ['html'], cron: '0 7 1 1 *' }] });
    const first = start('report-schedule.ts', ['--schedule', file]);
    await waitUntil(async () => (await env.mongo.db.collection(leaseCollection).countDocuments()) === 1, 60_000, 'the first scheduler holding the lease');
    const second = await runCli('report-schedule.ts', childEnv, ['--schedule', file, '--once']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain(os.hostname());
    process.kill(first.pid!, 'SIGTERM');
    const code = await new Promise((r) => first.once('exit', r));
    expect(code).toBe(0);
    expect(await env.mongo.db.collection(leaseCollection).countDocuments()).toBe(0);
  }, 180_000);
});
