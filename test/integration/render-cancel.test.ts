/**
 * Cancelling renders for real (the tslab kernel, Chromium), as a job's timeout or the scheduler's SIGTERM does: a
 * notebook sleeping past its timeout, and an executive report cancelled in its PDF step. The render rejects promptly
 * with the typed error, publishes nothing, keeps the previous report byte for byte, and leaves no kernel or Chromium.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { projectRoot } from '../../src/config';
import { renderConfiguredNotebook } from '../../src/cli/notebook-report';
import { renderConfiguredReport } from '../../src/cli/report';
import { onAbort, RenderAbortedError, RenderTimeoutError, withTimeout } from '../../src/io/abort';
import type { CellEvent } from '../../src/notebooks/execute';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { defaultSuperstorePath } from '../../src/pipeline/source/superstore';
import { buildWarehouse } from '../../src/pipeline/warehouse/build';
import { launchBrowser } from '../../src/reports/browser';
import { generateReport } from '../../src/reports/report';
import { parsePeriod } from '../../src/reports/period';
import { createTestEnv, type TestEnv } from './helpers';

const fixture = path.join(projectRoot, 'test', 'fixtures', 'notebooks', 'monthly-revenue.ipynb');

/** Every file of a folder (hidden ones too: temporary files, the lock) with its sha256. */
function snapshot(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const files = fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile());
  return Object.fromEntries(files.sort().map((n) => [n, createHash('sha256').update(fs.readFileSync(path.join(dir, n))).digest('hex')]));
}

/** Live processes (`ps`): their pid, parent, process group and command line. Zombies are dead already. */
function processes(): { pid: number; ppid: number; pgid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && !m[4]!.startsWith('Z'))
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[5]! }));
}

const ourChildren = (match: RegExp) => processes().filter((p) => p.ppid === process.pid && match.test(p.args));

describe('cancelling a render', () => {
  let env: TestEnv;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'render-cancel-'));
  const reports = path.join(scratch, 'reports');
  const dirs = { REPORTS_DIR: reports, MODELS_DIR: path.join(scratch, 'models'), DATA_DIR: path.join(scratch, 'data') };
  // The slow copy of the fixture must live under the project, where the kernel resolves `import 'erp-insights'`.
  const slowDir = fs.mkdtempSync(path.join(projectRoot, 'test-artifacts', 'render-cancel-'));
  let kernelEnv: Record<string, string>;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(projectRoot, 'tsconfig.build.json')]);
    env = await createTestEnv('cancel', dirs);
    kernelEnv = { ...env.env, ...dirs };
    const data = (await loadErpData()).data;
    await writeLake(env.mongo.db, { products: data.products, customers: data.customers, sales: [] });
    const sales = salesWithItems(data);
    for (let i = 0; i < sales.length; i += 1000) await writeLake(env.mongo.db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
    await buildWarehouse(env.mongo.db, { full: true });
  }, 300_000);
  afterAll(async () => {
    await env?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(slowDir, { recursive: true, force: true });
  });

  /** The fixture with the same name and the same parameters given, whose last cell sleeps 120 s by default. */
  function slowFixture(): string {
    const nb = JSON.parse(fs.readFileSync(fixture, 'utf8')) as { cells: { source: string[] | string }[] };
    const params = nb.cells.find((c) => [c.source].flat().join('').includes('const sleepSeconds: number = 0;'))!;
    params.source = [params.source].flat().join('').replace('const sleepSeconds: number = 0;', 'const sleepSeconds: number = 120;');
    const file = path.join(slowDir, 'monthly-revenue.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    return file;
  }

  it('a notebook sleeping 120 s past its timeout stops within seconds with RenderTimeoutError, kills its kernel, and keeps the previous report byte for byte', async () => {
    const good = await renderConfiguredNotebook(env, { file: fixture, pairs: ['period=2017-11'], formats: ['html', 'pdf', 'ipynb'], code: 'hide', timeoutSec: 600, env: kernelEnv });
    const before = snapshot(good.dir);
    expect(Object.keys(before)).toEqual(['manifest.json', 'monthly-revenue.html', 'monthly-revenue.ipynb', 'monthly-revenue.pdf']);

    // The timeout counts from the sleeping cell's start, so that a slow kernel start on a busy machine cannot end the
    // run before the cell that hangs; the render is cancelled as a job's timeout cancels it, through its signal.
    const job = new AbortController();
    let deadline: ReturnType<typeof withTimeout> | undefined;
    let kernelPid: number | null = null;
    let abortedAt = 0;
    const events: CellEvent[] = [];
    const onEvent = (e: CellEvent, nb: { cells: { source: string[] | string }[] }) => {
      events.push(e);
      if (e.event === 'spawned') kernelPid = e.pid;
      if (e.event === 'start' && [nb.cells[e.index]!.source].flat().join('').includes('sleepSeconds * 1000')) {
        deadline = withTimeout(3);
        onAbort(deadline.signal, () => {
          abortedAt = Date.now();
          job.abort(deadline!.signal.reason);
        });
      }
    };
    const err = await renderConfiguredNotebook(env, { file: slowFixture(), pairs: ['period=2017-11'], formats: ['html', 'pdf', 'ipynb'], code: 'hide', timeoutSec: 600, env: kernelEnv, onEvent, signal: job.signal }).catch((e: unknown) => e);
    deadline?.clear();

    expect(err).toBeInstanceOf(RenderTimeoutError);
    expect(err).toMatchObject({ kind: 'timeout', seconds: 3, message: 'the render ran longer than its timeout of 3 s and was stopped' });
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    expect(events.map((e) => e.event)).toContain('interrupted');
    expect(events.filter((e) => e.event === 'done')).toHaveLength(events.filter((e) => e.event === 'start').length - 1);
    expect(kernelPid).toEqual(expect.any(Number));
    expect(processes().filter((p) => p.pgid === kernelPid)).toEqual([]);
    expect(ourChildren(/run-cells\.py/)).toEqual([]);
    expect(snapshot(good.dir)).toEqual(before);
  }, 240_000);

  it('a timeout while the kernel starts leaves no kernel process and writes nothing', async () => {
    // Half a second after the kernel process is spawned: tslab takes seconds to be ready, so it is still starting.
    const job = new AbortController();
    let deadline: ReturnType<typeof withTimeout> | undefined;
    let kernelPid: number | null = null;
    const kernelReady: boolean[] = [];
    const onEvent = (e: CellEvent) => {
      if (e.event === 'kernel') kernelReady.push(true);
      if (e.event !== 'spawned') return;
      kernelPid = e.pid;
      deadline = withTimeout(0.5);
      onAbort(deadline.signal, () => job.abort(deadline!.signal.reason));
    };
    const t0 = Date.now();
    const err = await renderConfiguredNotebook(env, { file: fixture, pairs: ['period=2017-10'], formats: ['html', 'pdf'], code: 'hide', timeoutSec: 600, env: kernelEnv, onEvent, signal: job.signal }).catch((e: unknown) => e);
    deadline?.clear();
    expect(err).toBeInstanceOf(RenderTimeoutError);
    expect(kernelReady).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(kernelPid).toEqual(expect.any(Number));
    expect(processes().filter((p) => p.pgid === kernelPid)).toEqual([]);
    expect(ourChildren(/run-cells\.py|chrom/i)).toEqual([]);
    expect(snapshot(path.join(reports, 'notebooks', 'monthly-revenue', 'period=2017-10'))).toEqual({});
  }, 120_000);

  it('an executive report cancelled in its PDF step leaves no partial executive.*, keeps the previous one, and leaves a browser passed in open without its pages', async () => {
    const period = parsePeriod('2017-11');
    const good = await renderConfiguredReport(env, env.mongo.db, period, ['html', 'pdf']);
    const before = snapshot(good.dir);
    expect(Object.keys(before)).toEqual(['executive.html', 'executive.pdf', 'manifest.json']);

    const browser: Browser = await launchBrowser(env.cfg.chromePath);
    try {
      const pagesBefore = (await browser.pages()).length;
      const ctrl = new AbortController();
      // The PDF step is the only one opening a page (the formats are HTML and PDF): cancel as it opens.
      browser.on('targetcreated', () => ctrl.abort('SIGTERM'));
      const o = { db: env.mongo.db, period, formats: ['html', 'pdf'] as const, reportsDir: reports, modelsDir: dirs.MODELS_DIR, dataDir: dirs.DATA_DIR, source: defaultSuperstorePath() };
      const steps: string[] = [];
      const err = await generateReport({ ...o, browser, signal: ctrl.signal, onStep: (s) => steps.push(s) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RenderAbortedError);
      expect(err).not.toBeInstanceOf(RenderTimeoutError);
      expect(err).toMatchObject({ kind: 'interrupted', reason: 'SIGTERM' });
      expect(steps).toEqual(['data', 'charts', 'html']);
      expect(browser.connected).toBe(true);
      expect((await browser.pages()).length).toBe(pagesBefore);
    } finally {
      await browser.close();
    }
    expect(snapshot(good.dir)).toEqual(before);
  }, 180_000);

  it("an executive report cancelled after its data is read closes its own Chromium and writes no executive.*", async () => {
    const ctrl = new AbortController();
    const t0 = Date.now();
    const err = await renderConfiguredReport(env, env.mongo.db, parsePeriod('2017-10'), ['html', 'pdf', 'xlsx'], { signal: ctrl.signal, onStep: (s) => s === 'data' && ctrl.abort(new RenderTimeoutError(5)) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderTimeoutError);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(ourChildren(/chrom/i)).toEqual([]);
    expect(Object.keys(snapshot(path.join(reports, '2017-10'))).filter((n) => n.includes('executive'))).toEqual([]);
  }, 120_000);
});
