/**
 * The executive report end to end on the real MongoDB-wire server: the lake, the warehouse and a model, then HTML,
 * PDF and Excel, each read back the way a user would see it (pdftotext, exceljs, headless Chromium).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'puppeteer';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import type { ErpData, Product, SaleWithItems } from '../../src/pipeline/core/entities';
import { buildWarehouse, marts } from '../../src/pipeline/warehouse/build';
import type { DailyDoc } from '../../src/pipeline/warehouse/daily';
import { trainModel } from '../../src/pipeline/reco/train';
import { modelFile, saveModel } from '../../src/pipeline/reco/model';
import { generateReport, type ReportResult } from '../../src/reports/report';
import { parsePeriod } from '../../src/reports/period';
import { launchBrowser } from '../../src/reports/browser';
import { formatValue } from '../../src/reports/format';
import { fromUnits, roundCents } from '../../src/pipeline/core/money';
import { makeLiveSale } from '../../src/pipeline/source/live';
import { chooseDefaultPeriod } from '../../src/cli/report';
import { loadLineage } from '../../src/reports/data';
import { svgToPng } from '../../src/reports/png';
import { renderSvg } from '../../src/reports/render';
import { pngSize } from '../../src/reports/excel';
import { edgeChartBuilders, edgeChartCases } from '../unit/reports/edge-charts';
import { createTestEnv, type TestEnv } from './helpers';
import { expectNoSeriousAxeViolation } from '../support/axe';
import { projectRoot } from '../../src/config';

const shots = path.join(projectRoot, 'test-artifacts', 'screenshots');

const evilName = '=HYPERLINK("http://example.com/x","Click me") <img src=x onerror=alert(1)>';

describe('executive report for December 2017', () => {
  let env: TestEnv;
  let data: ErpData;
  let result: ReportResult;
  let browser: Browser;
  let revenue: number;
  let orders: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));

  beforeAll(async () => {
    env = await createTestEnv('rep');
    data = (await loadErpData()).data;
    // A product whose name looks like a formula and like markup, sold in the period at a big profit (so it is a top product).
    const evil: Product = { ...data.products[0]!, product_id: 'EVIL-1', name: evilName, alt_names: [] };
    const template = salesWithItems(data).find((s) => s.order_date.startsWith('2017-12'))!;
    const evilSale: SaleWithItems = {
      ...template,
      sale_id: 'EVIL-SALE',
      lines: 1,
      units: 1,
      total: 5000,
      profit: 4000,
      items: [{ ...template.items[0]!, sale_id: 'EVIL-SALE', item_id: 'EVIL-SALE#1', line: 1, product_id: 'EVIL-1', quantity: 1, unit_price: 5000, discount: 0, line_total: 5000, profit: 4000 }],
    };
    const sales = [...salesWithItems(data), evilSale];
    await writeLake(env.mongo.db, { products: [...data.products, evil], customers: data.customers, sales: [] });
    for (let i = 0; i < sales.length; i += 1000) await writeLake(env.mongo.db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
    await buildWarehouse(env.mongo.db, { full: true });
    saveModel(modelFile(path.join(dir, 'models')), trainModel([...data.salesItems, ...evilSale.items], [...data.products, evil]));
    browser = await launchBrowser(env.cfg.chromePath);
    result = await generateReport({
      db: env.mongo.db,
      period: parsePeriod('2017-12'),
      formats: ['html', 'pdf', 'xlsx'],
      reportsDir: path.join(dir, 'reports'),
      modelsDir: path.join(dir, 'models'),
      dataDir: path.join(dir, 'data'),
      source: 'superstore.csv (test)',
      deadLetters: 0,
      browser,
    });
    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: '2017-12-01', $lte: '2017-12-31' } }).toArray();
    revenue = roundCents(fromUnits(days.reduce((s, d) => s + d.revenue_e4, 0)));
    orders = days.reduce((s, d) => s + d.orders, 0);
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the three files and the index', () => {
    expect(Object.keys(result.files).sort()).toEqual(['html', 'pdf', 'xlsx']);
    for (const f of Object.values(result.files)) expect(fs.statSync(f).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(path.join(dir, 'reports', 'index.html'), 'utf8')).toContain('2017-12/executive.pdf');
  });

  it('the PDF shows the KPI values the warehouse holds, on a sane number of A4 pages', () => {
    const text = execFileSync('pdftotext', ['-layout', result.files.pdf!, '-'], { encoding: 'utf8' });
    expect(revenue).toBeGreaterThan(80000);
    expect(text).toContain(formatValue(revenue, 'money'));
    expect(text).toContain(formatValue(orders, 'count'));
    expect(text).toMatch(/Page 1 of \d+/);
    const info = execFileSync('pdfinfo', [result.files.pdf!], { encoding: 'utf8' });
    const pages = Number(info.match(/Pages:\s+(\d+)/)![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(12);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
  });

  it("the lineage counts the lake's lines exactly, not from the engine's planner estimate", async () => {
    const lineage = await loadLineage({ db: env.mongo.db, modelsDir: path.join(dir, 'models'), dataDir: path.join(dir, 'data'), source: 'superstore.csv (test)', deadLetters: 0 });
    expect(lineage.lakeLines).toBe(data.salesItems.length + 1);
    expect(fs.readFileSync(result.files.html!, 'utf8')).toContain(`${(data.salesItems.length + 1).toLocaleString('en-US')} sales lines`);
  });

  it('the workbook has the sheets, headers, types and totals expected', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(result.files.xlsx!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Charts', 'Data dictionary']));
    const summary = wb.getWorksheet('Summary')!;
    const rows: unknown[][] = [];
    summary.eachRow((row) => rows.push(row.values as unknown[]));
    expect(rows).toContainEqual(expect.arrayContaining(['Revenue', revenue]));
    const daily = wb.getWorksheet('Daily')!;
    expect(daily.getRow(1).values).toEqual([undefined, 'Date', 'Revenue', 'Profit', 'Revenue moving average']);
    expect(daily.getRow(2).getCell(1).value).toBeInstanceOf(Date);
    let sum = 0;
    daily.eachRow((row, n) => {
      if (n > 1) sum += Number(row.getCell(2).value);
    });
    expect(roundCents(sum)).toBe(revenue);
    const branches = wb.getWorksheet('Branches')!;
    let branchOrders = 0;
    branches.eachRow((row, n) => {
      if (n > 1) branchOrders += Number(row.getCell(2).value);
    });
    expect(branchOrders).toBe(orders);
    expect((wb.getWorksheet('Charts') as unknown as { getImages(): unknown[] }).getImages().length).toBeGreaterThanOrEqual(4);
  });

  it('a formula-like product name stays text in Excel', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(result.files.xlsx!);
    const top = wb.getWorksheet('Top products')!;
    let found: ExcelJS.Cell | undefined;
    top.eachRow((row) => {
      if (row.getCell(1).value === 'EVIL-1') found = row.getCell(2);
    });
    expect(found?.value).toBe(evilName);
    expect(found?.type).toBe(ExcelJS.ValueType.String);
  });

  it('the HTML opens in Chromium with no console error, every chart rendered, and the name inert', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', async (d) => {
      problems.push(`dialog: ${d.message()}`);
      await d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network: ${r.url()}`);
    });
    await page.goto(`file://${result.files.html}`, { waitUntil: 'load' });
    const charts = await page.$$eval('figure[data-chart]', (figs) => figs.map((f) => ({ name: f.getAttribute('data-chart'), marks: f.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-rect, svg path').length, width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0 })));
    expect(charts.map((c) => c.name)).toEqual(['trend', 'branches', 'segments', 'categories', 'top_products', 'bottom_products', 'discount', 'shipping', 'rfm']);
    for (const c of charts) {
      expect(c.marks).toBeGreaterThan(0);
      expect(c.width).toBeGreaterThan(100);
    }
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain(evilName);
    expect(await page.$('img')).toBeNull();
    await page.close();
    expect(problems).toEqual([]);
  });

  it('hovering a bar of the interactive HTML shows its tooltip, the amount in dollars with thousands separators', async () => {
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`file://${result.files.html}`, { waitUntil: 'load' });
      await page.waitForSelector('figure[data-chart="branches"].interactive .vega-chart svg', { timeout: 20_000 });
      const bar = (await page.$('figure[data-chart="branches"] .vega-chart svg .mark-rect path'))!;
      await bar.scrollIntoView();
      const box = (await bar.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 });
      const tip = await page.$eval('#vg-tooltip-element', (e) => (e as HTMLElement).innerText);
      const amounts = result.data.branches.flatMap((b) => [b.revenue, b.profit]).map((v) => formatValue(v, 'money'));
      expect(tip).toMatch(/\$\d{1,3}(,\d{3})+\.\d{2}/);
      expect(amounts.some((a) => tip.includes(a))).toBe(true);
      expect(result.data.branches.some((b) => tip.includes(b.branch))).toBe(true);
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'report-tooltip.png') });
    } finally {
      await page.close();
    }
  });

  it('the interactive HTML requests nothing but itself, draws every chart in the page, and prints the static charts', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    try {
      await page.setRequestInterception(true);
      page.on('request', (r) => {
        requests.push(r.url());
        void (r.url() === `file://${result.files.html}` || /^(data|about):/.test(r.url()) ? r.continue() : r.abort());
      });
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`file://${result.files.html}`, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('figure.interactive').length === document.querySelectorAll('figure[data-chart]').length, { timeout: 20_000 });
      expect(requests.filter((u) => u !== `file://${result.files.html}` && !/^(data|about):/.test(u))).toEqual([]);
      expect(problems).toEqual([]);
      const shown = () => page.$$eval('figure[data-chart]', (figs) => figs.map((f) => [f.querySelector(':scope > svg'), f.querySelector('.vega-chart'), f.querySelector('details')].map((e) => (e ? getComputedStyle(e).display : 'missing')).join(' ')));
      expect(new Set(await shown())).toEqual(new Set(['none block block']));
      await page.emulateMediaType('print');
      expect(new Set(await shown())).toEqual(new Set(['block none none']));
      expect(await page.$eval('#chart-data', (e) => getComputedStyle(e).display)).toBe('block');
    } finally {
      await page.close();
    }
  });

  it('the interactive HTML has no serious or critical accessibility violation (axe-core), its charts named and its focus visible', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`file://${result.files.html}`, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('figure.interactive').length === document.querySelectorAll('figure[data-chart]').length, { timeout: 20_000 });
      await expectNoSeriousAxeViolation(page, 'the December 2017 report (en)');
      // Each chart is named by its description, drawn in the page or not; the keyboard reaches its data, visibly.
      const named = await page.$$eval('figure[data-chart]', (figs) => figs.map((f) => [f.querySelector('.vega-chart')!.getAttribute('role'), f.querySelector('.vega-chart')!.getAttribute('aria-label') === f.querySelector(':scope > svg')!.getAttribute('aria-label'), f.querySelector(':scope > svg')!.getAttribute('role')].join(' ')));
      expect(new Set(named)).toEqual(new Set(['graphics-document true img']));
      expect(await page.$eval('figure[data-chart="trend"] > svg', (e) => e.getAttribute('aria-label'))).toMatch(/^Line chart of revenue and profit by day, .* Revenue was highest on 2017-12-\d\d \(\$[\d,]+\.\d\d\)/);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => [document.activeElement?.tagName, getComputedStyle(document.activeElement!).outlineStyle, getComputedStyle(document.activeElement!).outlineWidth]);
      expect(focused).toEqual(['SUMMARY', 'solid', '3px']);
    } finally {
      await page.close();
    }
  });

  it('every chart of the PDF has its data table in the appendix at the end', () => {
    const text = execFileSync('pdftotext', ['-layout', result.files.pdf!, '-'], { encoding: 'utf8' });
    const appendix = text.slice(text.lastIndexOf('Chart data'));
    expect(appendix).toContain('The data of each chart, in the order the charts appear.');
    for (const title of ['Revenue and profit by day', 'Revenue and profit by branch', 'Top 10 products by profit', 'Margin by discount band', 'Customers by segment, 2017-12-31']) expect(appendix).toContain(title);
    expect(appendix).toContain(formatValue(result.data.branches[0]!.revenue, 'money'));
    expect(fs.readFileSync(result.files.html!, 'utf8')).toContain('<details class="chart-data"><summary>Show the data</summary>');
  });

  it('a month without sales is written in all three formats, with the note where its charts and tables would be', async () => {
    const empty = await generateReport({
      db: env.mongo.db,
      period: parsePeriod('2013-06'),
      formats: ['html', 'pdf', 'xlsx'],
      reportsDir: path.join(dir, 'reports'),
      modelsDir: path.join(dir, 'models'),
      dataDir: path.join(dir, 'data'),
      source: 'superstore.csv (test)',
      browser,
    });
    expect(empty.data.empty).toBe(true);
    expect(empty.data.kpis.find((k) => k.key === 'revenue')!.value).toBe(0);
    const note = 'No sales between 2013-06-01 and 2013-06-30.';
    expect(fs.readFileSync(empty.files.html!, 'utf8')).toContain(note);
    const text = execFileSync('pdftotext', [empty.files.pdf!, '-'], { encoding: 'utf8' });
    expect(text).toContain(note);
    expect(text).toContain('$0.00');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(empty.files.xlsx!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Charts', 'Data dictionary']));
    expect(wb.getWorksheet('Branches')!.getCell('A2').value).toBe(note);
  });

  it.each(edgeChartCases)('%s with %s data becomes a PNG for the workbook', async (name, shape) => {
    const png = svgToPng(await renderSvg(edgeChartBuilders[name]!(shape)), name);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(50);
  });

  it('the default period is the latest complete month with sales, even after a sale dated today', async () => {
    const today = new Date();
    const template = salesWithItems(data).find((s) => s.order_date.startsWith('2017-12'))!;
    await writeLake(env.mongo.db, { products: [], customers: [], sales: [makeLiveSale(template, today, 1, 'itdefault')] });
    await buildWarehouse(env.mongo.db);
    const thisMonth = today.toISOString().slice(0, 7);
    const choice = await chooseDefaultPeriod(env.mongo.db, today);
    expect(choice.period!.id).toBe('2017-12');
    expect(choice.reason).toBe(`latest complete month with sales: 2017-12; ${thisMonth} is not complete yet`);
  });
});
