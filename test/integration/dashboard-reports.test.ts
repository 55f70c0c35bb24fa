/**
 * The Reports page (issue 29) in headless Chromium, against the real engine: the schedule's jobs with their next runs
 * and last runs, the recent runs (a succeeded, a failed with its error, a timed-out, a skipped and a running run),
 * the filters, an output link that downloads its file, caching that sees a run finish, and report files served only
 * from the reports folder (traversal, encoded traversal, absolute paths and symlinks out answer 404).
 * Screenshots at 1400 px go to /tmp/shots-reports/.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { startDashboard, type Dashboard } from '../../src/dashboard/server';
import { launchBrowser } from '../../src/reports/browser';
import { runsCollection, type ReportRun, type RunOutput, type RunStatus } from '../../src/reports/runs/record';
import { createTestEnv, waitUntil, type TestEnv } from './helpers';

const shots = '/tmp/shots-reports';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-page-'));
const reportsDir = path.join(tmp, 'reports');
const scheduleFile = path.join(tmp, 'schedule.json');
const secret = 'TOP-SECRET-OUTSIDE-THE-REPORTS-FOLDER';

const schedule = {
  jobs: [
    { name: 'executive-monthly', report: 'executive', period: 'latest', formats: ['html', 'pdf', 'xlsx'], cron: '0 7 1 * *' },
    { name: 'west-monthly', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-WEST', period: 'latest' }, formats: ['html', 'pdf'], cron: '30 7 1 * *' },
    { name: 'east-monthly', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-EAST', period: 'latest' }, formats: ['html', 'pdf'], cron: '30 7 1 * *' },
  ],
};

/** Writes an output file under the reports folder and returns its record. */
function output(rel: string, format: string, body: Buffer | string): RunOutput {
  const file = path.join(reportsDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  const bytes = fs.readFileSync(file);
  return { format, path: rel, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function run(id: string, job: string, status: RunStatus, startedIso: string, over: Partial<ReportRun> = {}): ReportRun {
  const started = new Date(startedIso);
  return {
    _id: id, job, kind: job.startsWith('executive') || job === 'report' ? 'executive' : 'notebook', schedule: scheduleFile, parameters: {}, period: startedIso.slice(0, 7), trigger: 'cron',
    attempt: 1, attempts: [], status, started_at: started, ended_at: status === 'running' ? null : new Date(started.getTime() + 83_000), heartbeat_at: started, host: 'test-host', pid: 4242,
    steps: {}, error: null, reason: null, data_as_of: '2017-12-30', warehouse_built_at: new Date('2024-05-31T23:00:00Z'), outputs: [], figures: null,
    ...over,
  };
}

/** 31 monthly runs of the executive report (two failed, one skipped), then one running now. */
function executiveHistory(): ReportRun[] {
  const out: ReportRun[] = [];
  for (let i = 0; i < 31; i++) {
    const month = new Date(Date.UTC(2021, 10 + i, 1, 7));
    const status: RunStatus = i === 12 || i === 25 ? 'failed' : i === 20 ? 'skipped' : 'succeeded';
    out.push(run(`exec-${i}`, 'executive-monthly', status, month.toISOString(), { error: status === 'failed' ? 'MongoDB is not reachable' : null, reason: status === 'skipped' ? 'warehouse built 3 days ago; the job allows 2' : null }));
  }
  out.push(run('exec-running', 'executive-monthly', 'running', '2024-06-01T07:00:00Z', { heartbeat_at: new Date('2024-06-01T07:01:30Z'), period: '2024-05' }));
  return out;
}

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the Reports page', () => {
  let env: TestEnv;
  let dash: Dashboard;
  let browser: Browser;
  let xlsx: RunOutput;
  let html: RunOutput;

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    fs.writeFileSync(scheduleFile, JSON.stringify(schedule));
    fs.mkdirSync(reportsDir, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'secret.txt'), secret);
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(reportsDir, 'leak.txt'));
    fs.symlinkSync(tmp, path.join(reportsDir, 'up'));
    fs.writeFileSync(path.join(reportsDir, '.schedule-state.json'), '{}');
    env = await createTestEnv('reports-page', { REPORTS_DIR: reportsDir, SCHEDULE_FILE: scheduleFile });
    html = output('2024-04/executive.html', 'html', '<!doctype html><title>Executive report</title><h1>Executive report, April 2024</h1>');
    xlsx = output('2024-04/executive.xlsx', 'xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, ...createHash('sha256').update('workbook').digest()]));
    const west = output('notebooks/06-branch-review/branch=BR-WEST_period=2024-04/06-branch-review.pdf', 'pdf', '%PDF-1.7\n% west\n');
    await env.mongo.db.collection<ReportRun>(runsCollection).insertMany([
      ...executiveHistory(),
      run('manual-1', 'report', 'succeeded', '2024-05-20T10:15:00Z', { trigger: 'manual', schedule: null, period: '2024-04', outputs: [html, xlsx] }),
      run('west-ok', 'west-monthly', 'succeeded', '2024-05-01T07:30:00Z', { parameters: { branch: 'BR-WEST', period: '2024-04' }, period: '2024-04', outputs: [west] }),
      run('west-failed', 'west-monthly', 'failed', '2024-06-01T07:30:00Z', {
        parameters: { branch: 'BR-WEST', period: '2024-05' }, attempt: 3,
        attempts: [1, 2, 3].map((n) => ({ attempt: n, started_at: new Date('2024-06-01T07:30:00Z'), ended_at: new Date('2024-06-01T07:31:00Z'), status: 'failed' as const, error: 'cell 7 raised ZeroDivisionError' })),
        error: 'cell 7 raised ZeroDivisionError: division by zero\n  at cell 7, line 3',
      }),
      run('east-timeout', 'east-monthly', 'timed_out', '2024-06-01T07:31:00Z', { parameters: { branch: 'BR-EAST', period: '2024-05' }, error: 'timed out after 600 s: the kernel and Chromium were stopped' }),
    ]);
    dash = await startDashboard({ cfg: env.cfg, log: env.log, port: 0 });
    browser = await launchBrowser(env.cfg.chromePath);
  });
  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await env?.cleanup();
  });

  async function open(pathAndQuery: string, shot?: string): Promise<{ page: Page; errors: string[]; status: number }> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('status of 4') && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => !r.url().startsWith(dash.url) && !r.url().startsWith('data:') && errors.push(`external request: ${r.url()}`));
    const res = await page.goto(`${dash.url}${pathAndQuery}`, { waitUntil: 'networkidle0' });
    if (shot) await page.screenshot({ path: path.join(shots, `${shot}.png`), fullPage: true });
    return { page, errors, status: res?.status() ?? 0 };
  }

  /** A GET with the target exactly as written: fetch and browsers resolve `..` and `%2e%2e` before sending. */
  function rawGet(target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const u = new URL(dash.url);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: target, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const rowsOf = (page: Page) => page.$$eval('table[data-table="runs"] tbody tr', (trs) => trs.map((tr) => `${tr.getAttribute('data-run')}:${tr.getAttribute('data-status')}`));

  it('lists every job with its schedule, next run, last run and a strip of its last 30 runs', async () => {
    const { page, errors, status } = await open('/reports', 'reports');
    expect(status).toBe(200);
    const jobs = await page.$$eval('table[data-table="jobs"] tbody tr', (trs) =>
      trs.map((tr) => ({
        job: tr.getAttribute('data-job'),
        timing: tr.querySelector('[data-timing]')?.textContent,
        next: tr.querySelector('[data-next-run]')?.textContent,
        last: tr.querySelector('.status')?.getAttribute('data-status'),
        strip: tr.querySelectorAll('ol.strip li').length,
        label: tr.querySelector('ol.strip')?.getAttribute('aria-label'),
      })),
    );
    expect(jobs.map((j) => [j.job, j.timing, j.last, j.strip])).toEqual([
      ['executive-monthly', '0 7 1 * * · UTC', 'running', 30],
      ['west-monthly', '30 7 1 * * · UTC', 'failed', 2],
      ['east-monthly', '30 7 1 * * · UTC', 'timed_out', 1],
    ]);
    expect(jobs[0]!.next).toMatch(/^\d{4}-\d{2}-01T07:00:00\+00:00$/);
    expect(new Date(jobs[0]!.next!).getTime()).toBeGreaterThan(Date.now());
    expect(jobs[0]!.label).toBe('Last 30 runs, oldest first: 1 running, 26 succeeded, 2 failed, 1 skipped');
    expect(await page.$eval('a[href="/reports"].active', (a) => a.textContent)).toBe('Reports');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists the recent runs newest first, a running one as running, with each failure\'s error or reason', async () => {
    const { page, errors } = await open('/reports');
    const rows = await rowsOf(page);
    expect(rows.slice(0, 6)).toEqual(['east-timeout:timed_out', 'west-failed:failed', 'exec-running:running', 'manual-1:succeeded', 'west-ok:succeeded', 'exec-30:succeeded']);
    const cell = (id: string, sel: string) => page.$eval(`tr[data-run="${id}"] ${sel}`, (e) => (e as HTMLElement).innerText.trim());
    expect(await cell('west-failed', '[data-problem] summary')).toBe('cell 7 raised ZeroDivisionError: division by zero');
    expect(await cell('west-failed', 'td.num')).toMatch(/^3\s+1 failed · 2 failed$/);
    expect(await cell('east-timeout', '[data-problem]')).toBe('timed out after 600 s: the kernel and Chromium were stopped');
    expect(await cell('exec-20', '[data-problem]')).toBe('warehouse built 3 days ago; the job allows 2');
    expect(await cell('exec-running', '.status')).toBe('▶ running');
    expect(await cell('exec-running', 'td:nth-of-type(7)')).toMatch(/running\s+heartbeat 2024-06-01 07:01/);
    expect(await cell('manual-1', 'td.outputs')).toMatch(/^HTML \d+ KB\s+XLSX \d+ KB$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters the runs by job and by status from the form, and refuses unknown values with a 400 naming them', async () => {
    const { page, errors } = await open('/reports');
    await page.select('select[name="job"]', 'west-monthly');
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.filters button[type="submit"]')]);
    expect(new URL(page.url()).search).toBe('?job=west-monthly&status=');
    expect(await rowsOf(page)).toEqual(['west-failed:failed', 'west-ok:succeeded']);
    await page.select('select[name="job"]', '');
    await page.select('select[name="status"]', 'failed');
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('form.filters button[type="submit"]')]);
    expect(await rowsOf(page)).toEqual(['west-failed:failed', 'exec-25:failed', 'exec-12:failed']);
    await page.screenshot({ path: path.join(shots, 'reports-failed.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    const job = await fetch(`${dash.url}/reports?job=north-monthly`);
    expect([job.status, await job.text()]).toEqual([400, expect.stringContaining('job &quot;north-monthly&quot; is not a job')]);
    const st = await fetch(`${dash.url}/reports?status=exploded`);
    expect([st.status, await st.text()]).toEqual([400, expect.stringContaining('status &quot;exploded&quot; is not a run status')]);
    expect((await fetch(`${dash.url}/reports?job[$ne]=x`)).status).toBe(400);
  });

  it('an output link downloads its file, byte for byte', async () => {
    const { page } = await open('/reports?job=report');
    const downloads = fs.mkdtempSync(path.join(tmp, 'downloads-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('tr[data-run="manual-1"] a[data-output="xlsx"]');
    const file = path.join(downloads, 'executive.xlsx');
    await waitUntil(() => fs.existsSync(file), 10_000, 'the workbook downloaded');
    expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(xlsx.sha256);
    await page.close();

    const shown = await fetch(`${dash.url}/reports/files/2024-04/executive.html`);
    expect([shown.status, shown.headers.get('content-disposition'), shown.headers.get('content-security-policy')]).toEqual([200, 'inline; filename="executive.html"; filename*=UTF-8\'\'executive.html', expect.stringContaining('sandbox')]);
    expect(await shown.text()).toContain('Executive report, April 2024');
    const pdf = await fetch(`${dash.url}/reports/files/notebooks/06-branch-review/branch%3DBR-WEST_period%3D2024-04/06-branch-review.pdf`);
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(html.size).toBeGreaterThan(0);
  });

  it.each([
    ['a parent segment', '/reports/files/../../secret.txt'],
    ['parent segments after a folder', '/reports/files/2024-04/../../secret.txt'],
    ['an encoded parent segment', '/reports/files/%2e%2e/secret.txt'],
    ['a mixed-case encoded parent segment', '/reports/files/%2E%2e/%2e./secret.txt'],
    ['an encoded slash', '/reports/files/..%2Fsecret.txt'],
    ['an encoded slash and parent', '/reports/files/%2e%2e%2fsecret.txt'],
    ['a backslash', '/reports/files/..\\secret.txt'],
    ['an encoded backslash', '/reports/files/..%5Csecret.txt'],
    ['an absolute path', '/reports/files//etc/passwd'],
    ['an encoded absolute path', `/reports/files/%2F${encodeURIComponent(path.join(tmp, 'secret.txt').slice(1))}`],
    ['a symlink to a file outside', '/reports/files/leak.txt'],
    ['a symlinked folder outside', '/reports/files/up/secret.txt'],
    ['the scheduler\'s hidden state', '/reports/files/.schedule-state.json'],
    ['a path into the folder that dots its way out first', '/x/../reports/files/../secret.txt'],
    ['a parent segment and a query', '/reports/files/%2e%2e/secret.txt?download=1'],
  ])('a request with %s gets 404, never a file from elsewhere', async (_what, target) => {
    const res = await rawGet(target);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(secret);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('traversal attempts from the browser get 404 too', async () => {
    const { page, status } = await open('/reports/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'reports-404');
    expect(status).toBe(404);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Not found');
    await page.close();
  });

  it('answers 304 while the runs are unchanged, and a new page once the running run finishes', async () => {
    const first = await fetch(`${dash.url}/reports`);
    const etag = first.headers.get('etag')!;
    expect([first.headers.get('cache-control'), first.headers.get('content-security-policy')]).toEqual(['no-cache', expect.stringContaining("script-src 'self'")]);
    expect((await fetch(`${dash.url}/reports`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await env.mongo.db.collection<ReportRun>(runsCollection).updateOne({ _id: 'exec-running' }, { $set: { status: 'succeeded', ended_at: new Date('2024-06-01T07:02:10Z') } });
    const after = await fetch(`${dash.url}/reports`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toMatch(/data-run="exec-running" data-status="succeeded"/);

    const file = await fetch(`${dash.url}/reports/files/2024-04/executive.xlsx`);
    expect([file.headers.get('cache-control'), file.headers.get('content-disposition')]).toEqual(['no-cache', expect.stringMatching(/^attachment; filename="executive.xlsx"/)]);
    expect((await fetch(`${dash.url}/reports/files/2024-04/executive.xlsx`, { headers: { 'if-none-match': file.headers.get('etag')! } })).status).toBe(304);
  });

  it('keyboard focus is drawn on the page\'s links and fields', async () => {
    const { page } = await open('/reports');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline).toBe('solid 3px');
    await page.close();
  });
});

// Its own database and topics: a second dashboard on the same topics would join the first one's consumer group and
// wait for the group to rebalance.
describe('the Reports page without a schedule file', () => {
  let env: TestEnv;
  let dash: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    env = await createTestEnv('reports-bare', { REPORTS_DIR: reportsDir });
    await env.mongo.db.collection<ReportRun>(runsCollection).insertMany([
      run('manual-1', 'report', 'succeeded', '2024-05-20T10:15:00Z', { trigger: 'manual', schedule: null }),
      run('render-1', 'render', 'failed', '2024-05-21T10:15:00Z', { trigger: 'manual', schedule: null, error: 'cell 2 raised NameError' }),
    ]);
    dash = await startDashboard({ cfg: env.cfg, log: env.log, port: 0, schedule: null });
    browser = await launchBrowser(env.cfg.chromePath);
  });
  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await env?.cleanup();
  });

  it('says so in the jobs section, naming SCHEDULE_FILE, and still lists every run', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    await page.goto(`${dash.url}/reports`, { waitUntil: 'networkidle0' });
    await page.screenshot({ path: path.join(shots, 'reports-no-schedule.png'), fullPage: true });
    expect(await page.$eval('[data-no-schedule]', (p) => p.textContent)).toContain('SCHEDULE_FILE');
    expect(await page.$$eval('table[data-table="runs"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(['render-1', 'manual-1']);
    await page.close();
  });
});
