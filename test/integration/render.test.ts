/**
 * `npm run render` and `report:schedule --schedule` end to end, as a user runs them: a two-parameter notebook over
 * the Superstore in this test's own database, rendered by the CLI to HTML and PDF, each read back (pdftotext,
 * headless Chromium); a bad parameter, a failing cell, and a schedule whose first job fails.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { fromUnits, roundCents, sumMoney } from '../../src/pipeline/core/money';
import { buildWarehouse, marts } from '../../src/pipeline/warehouse/build';
import type { DailyDoc } from '../../src/pipeline/warehouse/daily';
import { launchBrowser } from '../../src/reports/browser';
import { parametersSlug } from '../../src/notebooks/inject';
import { formatValue } from '../../src/reports/format';
import { runsCollection, type ReportRun } from '../../src/reports/runs/record';
import { createTestEnv, type TestEnv } from './helpers';
import { runCli } from '../support/cli';
import { startJupyterNotebook } from './jupyter-server';
import { expectNoSeriousAxeViolation } from '../support/axe';

const fixture = path.join(projectRoot, 'test', 'fixtures', 'notebooks', 'monthly-revenue.ipynb');

const run = (script: string, args: string[], env: Record<string, string>) => runCli(script, env, args);

describe('notebook reports', () => {
  let env: TestEnv;
  let childEnv: Record<string, string>;
  let rendered: { code: number; stdout: string; stderr: string };
  let out: string;
  // Counts what reaches it: the rendered page must never, whatever its outputs point to.
  const probeHits: string[] = [];
  const probe = http.createServer((req, res) => {
    probeHits.push(req.url ?? '');
    res.end();
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
  const reports = path.join(scratch, 'reports');

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(projectRoot, 'tsconfig.build.json')]);
    env = await createTestEnv('render');
    const data = (await loadErpData()).data;
    await writeLake(env.mongo.db, { products: data.products, customers: data.customers, sales: [] });
    const sales = salesWithItems(data);
    for (let i = 0; i < sales.length; i += 1000) await writeLake(env.mongo.db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
    await buildWarehouse(env.mongo.db, { full: true });
    childEnv = { ...env.env, REPORTS_DIR: reports, MODELS_DIR: path.join(scratch, 'models'), DATA_DIR: path.join(scratch, 'data') };
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const probeUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
    rendered = await run('render.ts', [fixture, '-p', 'period=2017-11', '-p', `probe=${probeUrl}`, '--to', 'html,pdf,ipynb'], childEnv);
    out = path.join(reports, 'notebooks', 'monthly-revenue', parametersSlug({ period: '2017-11', probe: probeUrl }));
  }, 300_000);
  afterAll(async () => {
    probe.close();
    await env?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('renders to HTML and PDF with the month given, showing the warehouse revenue of that month', async () => {
    const r = rendered;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[4\/10\] import \{ loadConfig/);
    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: '2017-11-01', $lte: '2017-11-30' } }).toArray();
    const revenue = roundCents(fromUnits(days.reduce((s, d) => s + d.revenue_e4, 0)));
    expect(revenue).toBeGreaterThan(50_000);
    const text = execFileSync('pdftotext', ['-layout', path.join(out, 'monthly-revenue.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(`REVENUE ${revenue.toFixed(2)}`);
    expect(text).toContain(formatValue(revenue, 'money'));
    expect(text).toMatch(/Page 1 of \d+/);
    expect(execFileSync('pdfinfo', [path.join(out, 'monthly-revenue.pdf')], { encoding: 'utf8' })).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: { name: string }[]; about: { parameters: unknown } };
    expect(manifest.files.map((f) => f.name).sort()).toEqual(['monthly-revenue.html', 'monthly-revenue.ipynb', 'monthly-revenue.pdf']);
    expect(manifest.about.parameters).toEqual({ period: '2017-11', probe: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const executed = JSON.parse(fs.readFileSync(path.join(out, 'monthly-revenue.ipynb'), 'utf8')) as { cells: { source: string[]; metadata: { tags?: string[] } }[] };
    expect(executed.cells[2]!.metadata.tags).toEqual(['injected-parameters']);
    expect(executed.cells[2]!.source.join('')).toContain('const period: string = "2017-11";');
    expect(fs.readFileSync(path.join(reports, 'index.html'), 'utf8')).toContain(`notebooks/monthly-revenue/${encodeURIComponent(path.basename(out))}/monthly-revenue.pdf`);
  });

  it('the HTML is one file that makes no request in Chromium, even with an output pointing outside, and is accessible', async () => {
    const file = path.join(out, 'monthly-revenue.html');
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toMatch(/<img alt="outside" src="http:\/\/127\.0\.0\.1:\d+\/pixel\.png">/);
    expect(html).not.toContain('this is hidden');
    const browser = await launchBrowser(env.cfg.chromePath);
    try {
      const page = await browser.newPage();
      const loaded: string[] = [];
      page.on('requestfinished', (req) => void loaded.push(req.url()));
      await page.goto(`file://${file}`, { waitUntil: 'networkidle0' });
      expect(loaded).toEqual([`file://${file}`]);
      expect(probeHits).toEqual([]);
      // The chart is drawn again in the page (its runtime inlined and allowed by the CSP), over the SVG drawn in Node.
      await page.waitForSelector('figure.chart.interactive .vega-chart svg', { timeout: 20_000 });
      expect(await page.$$eval('figure.chart > svg', (els) => els.length)).toBe(1);
      await expectNoSeriousAxeViolation(page, 'the rendered notebook monthly-revenue (en)');
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the executed notebook opened in Jupyter Notebook shows its chart, key figures and prompt numbers, trusted or not', async () => {
    // A copy, as a colleague would open it: the chart must not depend on the notebook being trusted (Jupyter strips
    // SVG and styles from an untrusted notebook's HTML outputs), and the render signs it as trusted for its user.
    const dir = fs.mkdtempSync(path.join(scratch, 'jupyter-'));
    fs.copyFileSync(path.join(out, 'monthly-revenue.ipynb'), path.join(dir, 'monthly-revenue.ipynb'));
    const shots = path.join(projectRoot, 'test-artifacts', 'screenshots');
    fs.mkdirSync(shots, { recursive: true });
    const browser = await launchBrowser(env.cfg.chromePath);
    try {
      for (const trusted of [false, true]) {
        const server = await startJupyterNotebook(dir, { trustedByThisUser: trusted });
        try {
          const page = await browser.newPage();
          await page.setViewport({ width: 1100, height: 1900 });
          await page.goto(server.url('monthly-revenue.ipynb'), { waitUntil: 'networkidle2' });
          await page.waitForSelector('.output_area img', { timeout: 30_000 });
          const seen = await page.evaluate(() => {
            const label = document.querySelector('.output_area .kpi .kpi-label');
            return {
              trusted: (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted,
              chartWidths: Array.from(document.querySelectorAll<HTMLImageElement>('.output_area img')).map((i) => i.naturalWidth).filter((w) => w > 100),
              label: label ? { text: label.textContent, color: getComputedStyle(label).color } : null,
              prompts: Array.from(document.querySelectorAll('.input_prompt')).map((e) => e.textContent?.replace(/\s+/g, ' ').trim()),
            };
          });
          expect(seen.trusted).toBe(trusted);
          expect(seen.chartWidths).toHaveLength(1);
          expect(seen.chartWidths[0]).toBeGreaterThan(600);
          expect(seen.label?.text).toBe('Revenue');
          expect(seen.label?.color).not.toBe('rgb(255, 255, 255)');
          expect(seen.prompts).toContain('In [1]:');
          await page.screenshot({ path: path.join(shots, `jupyter-notebook-${trusted ? 'trusted' : 'untrusted'}.png`) });
          await page.close();
        } finally {
          await server.close();
        }
      }
    } finally {
      await browser.close();
    }
  }, 180_000);

  it("06-branch-review renders as the issue's branch manager would read it: one A4 page with the branch's month", async () => {
    const r = await run('render.ts', [path.join(projectRoot, 'notebooks', '06-branch-review.ipynb'), '-p', 'branch=BR-WEST', '-p', 'period=2017-12', '--to', 'html,pdf'], childEnv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const pdf = path.join(reports, 'notebooks', '06-branch-review', 'branch=BR-WEST_period=2017-12', '06-branch-review.pdf');
    // The review is page 1; the charts' data follow it, as an appendix.
    const text = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
    const cube = await env.mongo.db.collection(marts.cube).find({ month: '2017-12', branch_id: 'BR-WEST' }).toArray();
    const revenue = roundCents(fromUnits(cube.reduce((t, c) => t + Number(c.revenue_e4), 0)));
    expect(revenue).toBeGreaterThan(10_000);
    for (const s of ['West · Los Angeles · December 2017', formatValue(revenue, 'money'), 'Top 5 products by revenue', 'Revenue and profit by day', 'Revenue by sub-category', 'Page 1 of ']) expect(text).toContain(s);
  }, 120_000);

  it('06-branch-review with -p locale=es: the same review in Spanish, es-ES figures, on the pages before the appendix', async () => {
    const r = await run('render.ts', [path.join(projectRoot, 'notebooks', '06-branch-review.ipynb'), '-p', 'branch=BR-WEST', '-p', 'period=2017-12', '-p', 'locale=es', '--to', 'html,pdf'], childEnv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const dir = path.join(reports, 'notebooks', '06-branch-review', 'branch=BR-WEST_locale=es_period=2017-12');
    // Spanish runs longer than English: with a "what changed" line (an earlier run of the notebook exists), the top
    // products table goes over to page 2.
    const text = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '2', path.join(dir, '06-branch-review.pdf'), '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
    const cube = await env.mongo.db.collection(marts.cube).find({ month: '2017-12', branch_id: 'BR-WEST' }).toArray();
    const revenue = roundCents(fromUnits(cube.reduce((t, c) => t + Number(c.revenue_e4), 0)));
    for (const s of ['West · Los Angeles · Diciembre de 2017', 'VENTAS', formatValue(revenue, 'money', 'es').replace(/\u00a0/g, ' '), 'Los 5 productos más vendidos', 'Ventas y beneficio por día', 'Ventas por subcategoría', 'Subcategoría más vendida', 'Página 1 de']) expect(text).toContain(s);
    const browser = await launchBrowser(env.cfg.chromePath);
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(dir, '06-branch-review.html')}`, { waitUntil: 'networkidle0' });
      expect(await page.$eval('html', (e) => e.lang)).toBe('es');
      await page.waitForSelector('figure.chart.interactive .vega-chart svg', { timeout: 20_000 });
      expect(await page.$$eval('figure.chart .vega-chart text', (ts) => ts.map((t) => t.textContent))).toEqual(expect.arrayContaining(['media de 7 días', '03 dic']));
      await expectNoSeriousAxeViolation(page, 'the rendered notebook 06-branch-review (es)');
      await page.setViewport({ width: 1100, height: 900 });
      await page.screenshot({ path: path.join(projectRoot, 'test-artifacts', 'screenshots', 'notebook-06-es.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('05-executive-report with -p locale=es shows December 2017 as a Spanish reader writes it', async () => {
    const r = await run('render.ts', [path.join(projectRoot, 'notebooks', '05-executive-report.ipynb'), '-p', 'period=2017-12', '-p', 'formats=none', '-p', 'locale=es', '--to', 'pdf'], childEnv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const text = execFileSync('pdftotext', ['-layout', path.join(reports, 'notebooks', '05-executive-report', 'formats=none_locale=es_period=2017-12', '05-executive-report.pdf'), '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
    for (const s of ['83.829,32 US$', 'VENTAS', 'TICKET MEDIO', 'Comparado con el periodo anterior (del 1 nov 2017 al 30 nov 2017)']) expect(text).toContain(s);
  }, 120_000);

  it('a bad parameter exits 2 and lists the declared parameters', async () => {
    const unknown = await run('render.ts', [fixture, '-p', 'month=11'], childEnv);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the notebook has no parameter "month"');
    expect(unknown.stderr).toContain("period: string = '2017-12'");
    expect(unknown.stderr).toContain('fail: boolean = false');
    const wrongType = await run('render.ts', [fixture, '-p', 'fail=sometimes'], childEnv);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('-p fail=sometimes: expected true or false');
  }, 60_000);

  it('the progress line of the parameters cell shows the values given, not the defaults they replace', () => {
    expect(rendered.stdout).toContain("[2/10] parameters: period = '2017-11' · fail = false (default)");
    expect(rendered.stdout).toMatch(/\[3\/10\] injected-parameters: period = '2017-11' · probe = 'http:\/\/127\.0\.0\.1:\d+'/);
  });

  it('06-branch-review with a branch the data does not have exits 2 before any cell runs, listing the branch IDs once, and writes nothing', async () => {
    const r = await run('render.ts', [path.join(projectRoot, 'notebooks', '06-branch-review.ipynb'), '-p', 'branch=BR-NORTH', '-p', 'period=2017-12', '--to', 'html'], childEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-p branch=BR-NORTH: expected a branch ID of the warehouse: BR-CENTRAL, BR-EAST, BR-SOUTH or BR-WEST');
    expect(`${r.stdout}${r.stderr}`.split('expected a branch ID')).toHaveLength(2);
    expect(r.stdout).not.toContain('kernel started');
    expect(r.stderr).not.toContain('ExecutionError');
    expect(fs.existsSync(path.join(reports, 'notebooks', '06-branch-review', 'branch=BR-NORTH_period=2017-12'))).toBe(false);
  }, 60_000);

  it("06-branch-review with a period outside the data exits 2 with the data's range, and a malformed one with the accepted formats", async () => {
    const nb = path.join(projectRoot, 'notebooks', '06-branch-review.ipynb');
    const outside = await run('render.ts', [nb, '-p', 'branch=BR-WEST', '-p', 'period=2019-03', '--to', 'html'], childEnv);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('-p period=2019-03: March 2019 is outside the data');
    expect(outside.stderr).toContain('the data, which runs from 2014-01-03 to 2017-12-30');
    const malformed = await run('render.ts', [nb, '-p', 'period=2016Q1', '--to', 'html'], childEnv);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("-p period=2016Q1: expected a period as YYYY-MM, YYYY-Qn or YYYY within the data, which runs from 2014-01-03 to 2017-12-30, or 'latest'");
    expect(malformed.stderr).not.toContain('--from');
    for (const slug of ['branch=BR-WEST_period=2019-03', 'period=2016Q1']) expect(fs.existsSync(path.join(reports, 'notebooks', '06-branch-review', slug))).toBe(false);
  }, 60_000);

  it('05-executive-report with formats=none writes none of the executive report\'s files and says so in its header and folder', async () => {
    const r = await run('render.ts', [path.join(projectRoot, 'notebooks', '05-executive-report.ipynb'), '-p', 'period=2017-11', '-p', 'formats=none', '--to', 'html'], childEnv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const html = fs.readFileSync(path.join(reports, 'notebooks', '05-executive-report', 'formats=none_period=2017-11', '05-executive-report.html'), 'utf8');
    expect(html).toContain('<dt>formats</dt><dd>none</dd>');
    expect(fs.existsSync(path.join(reports, '2017-11'))).toBe(false);
  }, 120_000);

  it('a schedule job with a value its notebook does not accept fails before its kernel starts, naming what is accepted', async () => {
    const schedule = path.join(scratch, 'schedule-refused.json');
    fs.writeFileSync(schedule, JSON.stringify({ jobs: [{ name: 'north', notebook: path.join(projectRoot, 'notebooks', '06-branch-review.ipynb'), parameters: { branch: 'BR-NORTH', period: 'latest' }, formats: ['html'], cron: '0 7 1 * *' }] }));
    const r = await run('report-schedule.ts', ['--schedule', schedule, '--once'], childEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ north .*-p branch=BR-NORTH: expected a branch ID of the warehouse: BR-CENTRAL, BR-EAST, BR-SOUTH or BR-WEST/);
    expect(fs.existsSync(path.join(reports, 'notebooks', '06-branch-review', 'branch=BR-NORTH_period=2017-12'))).toBe(false);
  }, 60_000);

  it('a failing cell exits non-zero naming the cell, and the executed notebook is kept', async () => {
    const r = await run('render.ts', [fixture, '-p', 'fail=true', '--to', 'html'], childEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cell 7 (if (fail) throw new Error('asked to fail');) failed: Error: asked to fail");
    const failed = path.join(reports, 'notebooks', 'monthly-revenue', 'fail=true', 'monthly-revenue.failed.ipynb');
    expect(fs.existsSync(failed)).toBe(true);
    expect(fs.existsSync(path.join(path.dirname(failed), 'manifest.json'))).toBe(false);
  }, 120_000);

  it('a cell running past --timeout fails the run the same way, naming the cell', async () => {
    const r = await run('render.ts', [fixture, '-p', 'sleepSeconds=120', '--timeout', '3', '--to', 'html'], childEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cell 10 (if (sleepSeconds) await new Promise');
    expect(r.stderr).toContain('the cell ran longer than 3 s');
    expect(fs.existsSync(path.join(reports, 'notebooks', 'monthly-revenue', 'sleepSeconds=120', 'monthly-revenue.failed.ipynb'))).toBe(true);
  }, 120_000);

  it("the docs' example renders with period=latest as the warehouse's latest complete month, its code shown with --code show", async () => {
    const example = path.join(projectRoot, 'docs', 'examples', 'category-review.ipynb');
    const r = await run('render.ts', [example, '-p', 'category=Technology', '-p', 'period=latest', '--code', 'show', '--to', 'html,pdf'], childEnv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    // The Superstore's newest sale is 2017-12-30, and December 2017 is long complete.
    const dir = path.join(reports, 'notebooks', 'category-review', 'category=Technology_period=2017-12');
    const html = fs.readFileSync(path.join(dir, 'category-review.html'), 'utf8');
    expect(html).toContain('<dt>period</dt><dd>2017-12</dd>');
    expect(html).toContain('<pre class="code"><code>import { loadConfig');
    expect(html).toContain('// Parameters of this run (injected by npm run render)');
    // The category's revenue as the example adds it up (its sub-categories' revenues in cents, so that the total
    // matches the table under it), summed here from the source lines.
    const data = (await loadErpData()).data;
    const subCategory = new Map(data.products.filter((x) => x.category === 'Technology').map((x) => [x.product_id, x.sub_category]));
    const bySub = new Map<string, number[]>();
    for (const l of data.salesItems) {
      const sub = subCategory.get(l.product_id);
      if (sub && l.order_date.startsWith('2017-12')) bySub.set(sub, [...(bySub.get(sub) ?? []), l.line_total]);
    }
    const revenue = sumMoney([...bySub.values()].map((totals) => roundCents(sumMoney(totals))));
    expect(revenue).toBeGreaterThan(10_000);
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'category-review.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(`Technology sold ${formatValue(revenue, 'money')} in December 2017`);
  }, 120_000);

  it('a schedule with two jobs, the first failing, still runs the second and exits 1', async () => {
    const schedule = path.join(scratch, 'schedule.json');
    fs.writeFileSync(
      schedule,
      JSON.stringify({
        jobs: [
          { name: 'broken', notebook: fixture, parameters: { fail: true }, formats: ['html'], cron: '0 7 1 * *', retries: 0 },
          { name: 'october', notebook: fixture, parameters: { period: '2017-10' }, formats: ['html'], cron: '0 7 1 * *', retries: 0 },
        ],
      }),
    );
    const r = await run('report-schedule.ts', ['--schedule', schedule, '--once'], childEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ broken .*cell 7/);
    expect(r.stdout).toMatch(/✓ october /);
    expect(fs.existsSync(path.join(reports, 'notebooks', 'monthly-revenue', 'period=2017-10', 'monthly-revenue.html'))).toBe(true);
    // Each run is recorded in the run history (report_runs), which is what "due" is read from.
    const recorded = Object.fromEntries((await env.mongo.db.collection<ReportRun>(runsCollection).find({ job: { $in: ['broken', 'october'] } }).toArray()).map((r) => [r.job, r]));
    expect(recorded.october!.status).toBe('succeeded');
    expect(recorded.broken!.error).toContain('asked to fail');
  }, 180_000);
});
