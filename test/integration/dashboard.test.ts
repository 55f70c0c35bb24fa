/**
 * The dashboards in a real browser (Debian's Chromium through puppeteer), against the real services: every page
 * without console errors, filters consistent with the warehouse, a newly produced sale on the real-time page within
 * 10 s and its recommendation on the recommendations page, exports, and injection attempts refused with a 400.
 * Screenshots go to test-artifacts/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'puppeteer';
import { projectRoot } from '../../src/config';
import { loadErpData } from '../../src/pipeline/load';
import { makeLiveSale, salesWithItems } from '../../src/pipeline/live';
import { writeLake } from '../../src/pipeline/lake';
import { encodeEvent } from '../../src/pipeline/events';
import { createErpProducer } from '../../src/pipeline/produce';
import type { ErpData, SaleWithItems } from '../../src/pipeline/entities';
import { buildWarehouse, marts } from '../../src/pipeline/warehouse/build';
import type { DailyDoc } from '../../src/pipeline/warehouse/daily';
import { trainModel } from '../../src/pipeline/reco/train';
import { saveModel } from '../../src/pipeline/reco/model';
import { startRecommender, type RecommenderHandle } from '../../src/pipeline/reco/service';
import { startDashboard, type Dashboard } from '../../src/dashboard/server';
import { launchBrowser } from '../../src/reports/browser';
import { formatValue } from '../../src/reports/format';
import { fromUnits, roundCents } from '../../src/pipeline/money';
import { createTestEnv, waitUntil, type TestEnv } from './helpers';

const shots = path.join(projectRoot, 'test-artifacts', 'screenshots');

describe('dashboards in a browser', () => {
  let env: TestEnv;
  let data: ErpData;
  let templates: SaleWithItems[];
  let dash: Dashboard;
  let reco: RecommenderHandle;
  let browser: Browser;
  const modelPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dash-')), 'item_sim.json');

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    env = await createTestEnv('dash');
    data = (await loadErpData()).data;
    templates = salesWithItems(data);
    await writeLake(env.mongo.db, { products: data.products, customers: data.customers, sales: [] });
    for (let i = 0; i < templates.length; i += 1000) await writeLake(env.mongo.db, { products: [], customers: [], sales: templates.slice(i, i + 1000) });
    await buildWarehouse(env.mongo.db, { full: true });
    saveModel(modelPath, trainModel(data.salesItems, data.products));
    reco = await startRecommender({ kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log, modelPath });
    dash = await startDashboard({ cfg: env.cfg, log: env.log, port: 0 });
    browser = await launchBrowser(env.cfg.chromePath);
  });
  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await reco?.stop();
    await env?.cleanup();
  });

  async function open(pathAndQuery: string, shot?: string): Promise<{ page: Page; errors: string[]; status: number }> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      // data: URLs are inline (Chromium draws the date picker's icon with one); anything else must come from the dashboard.
      if (!r.url().startsWith(dash.url) && !r.url().startsWith('data:')) errors.push(`external request: ${r.url()}`);
    });
    const res = await page.goto(`${dash.url}${pathAndQuery}`, { waitUntil: 'networkidle0' });
    if (shot) await page.screenshot({ path: path.join(shots, `${shot}.png`), fullPage: true });
    return { page, errors, status: res?.status() ?? 0 };
  }

  const kpiText = (page: Page, key: string) => page.$eval(`[data-kpi="${key}"] .value`, (e) => e.textContent);

  const produce = async (sales: SaleWithItems[]) => {
    const producer = createErpProducer(env.kafka);
    await producer.connect();
    await producer.send({ topic: env.topics.sales, acks: -1, messages: sales.map((s) => encodeEvent('sale', s)) });
    await producer.disconnect();
  };

  it('the home page links the three dashboards', async () => {
    const { page, errors, status } = await open('/', 'home');
    expect(status).toBe(200);
    expect(await page.$$eval('ul.links a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['/historical', '/realtime', '/recommendations']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('historical: all data, then filters, with figures equal to the warehouse', async () => {
    const all = await open('/historical', 'historical-all');
    expect(all.status).toBe(200);
    expect(await kpiText(all.page, 'revenue')).toBe('$2,297,200.86');
    expect(await kpiText(all.page, 'orders')).toBe('5,009');
    expect(await all.page.$$eval('figure[data-chart] svg', (s) => s.length)).toBeGreaterThanOrEqual(5);
    expect(all.errors).toEqual([]);
    await all.page.close();

    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: '2017-01-01', $lte: '2017-12-31' } }).toArray();
    const west = days.flatMap((d) => d.by_branch.filter((b) => b.branch_id === 'BR-WEST'));
    const filtered = await open('/historical?year=2017&branch=BR-WEST', 'historical-2017-west');
    expect(await kpiText(filtered.page, 'revenue')).toBe(formatValue(roundCents(fromUnits(west.reduce((s, b) => s + b.revenue_e4, 0))), 'money'));
    expect(await kpiText(filtered.page, 'orders')).toBe(formatValue(west.reduce((s, b) => s + b.orders, 0), 'count'));
    expect(filtered.errors).toEqual([]);
    await filtered.page.close();

    const cats = await env.mongo.db.collection(marts.categories).find({ month: { $gte: '2016-03', $lte: '2016-03' }, category: 'Technology' }).toArray();
    const tech = await open('/historical?year=2016&month=3&category=Technology');
    expect(await kpiText(tech.page, 'revenue')).toBe(formatValue(roundCents(fromUnits(cats.reduce((s, c) => s + Number(c.revenue_e4), 0))), 'money'));
    expect(tech.errors).toEqual([]);
    await tech.page.close();
  });

  it('historical: exports the filtered view to CSV and Excel', async () => {
    const csv = await (await fetch(`${dash.url}/historical/export.csv?year=2017&branch=BR-EAST`)).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('Month,Branch,Category,Sub-category,Lines,Units,Revenue,Profit,Margin');
    expect(lines.slice(1).every((l) => l.startsWith('2017-') && l.includes(',BR-EAST,'))).toBe(true);
    const res = await fetch(`${dash.url}/historical/export.xlsx?year=2017&branch=BR-EAST`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as never);
    expect(wb.getWorksheet('Sales')!.rowCount).toBe(lines.length);
  });

  it('refuses injection attempts in parameters with a 400 and changes nothing', async () => {
    const before = await env.mongo.db.collection(marts.cube).countDocuments();
    for (const q of ['/historical?branch[$ne]=x', '/historical?branch=%7B%22%24ne%22%3A1%7D', '/historical?category=%24where', '/historical?year=2017%27%3B--', '/api/realtime?date=%7B%22%24gt%22%3A%22%22%7D', '/recommendations?x=1']) {
      const r = await fetch(`${dash.url}${q}`);
      expect([q, r.status]).toEqual([q, 400]);
    }
    expect(await env.mongo.db.collection(marts.cube).countDocuments()).toBe(before);
  });

  it('real-time: a newly produced sale appears within 10 s, without a page reload', async () => {
    const { page, errors } = await open('/realtime');
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const sale = makeLiveSale(templates[7]!, new Date(), 1, `rt${Date.now().toString(36)}`);
    const t0 = Date.now();
    await produce([sale]);
    await page.waitForSelector(`tr[data-sale="${sale.sale_id}"]`, { timeout: 10_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    expect(await page.$('figure[data-chart="per-hour"] svg')).not.toBeNull();
    await page.screenshot({ path: path.join(shots, 'realtime.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('recommendations: the recommendation for a newly produced sale appears, with percentages', async () => {
    const { page, errors } = await open('/recommendations');
    const sale = makeLiveSale(templates.find((s) => s.items.length >= 2)!, new Date(), 2, `rc${Date.now().toString(36)}`);
    await produce([sale]);
    await waitUntil(async () => (await env.mongo.db.collection('recommendations').countDocuments({ _id: sale.sale_id as never })) === 1, 30_000, 'recommendation stored');
    await page.click('#refresh');
    await page.waitForSelector(`section[data-sale="${sale.sale_id}"]`, { timeout: 15_000 });
    const rows = await page.$$eval(`section[data-sale="${sale.sale_id}"] tr[data-product]`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows.length).toBe(5);
    for (const r of rows) expect(r[4]).toMatch(/^\d+(\.\d)? %$/);
    expect(await page.$('figure[data-chart="relevance"] svg')).not.toBeNull();
    await page.screenshot({ path: path.join(shots, 'recommendations.png'), fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('dashboards without services', () => {
  it('show a clear banner instead of failing when MongoDB and Kafka are unreachable', async () => {
    const env = await createTestEnv('dashdown');
    await env.cleanup();
    const cfg = { ...env.cfg, mongo: { ...env.cfg.mongo, uri: 'mongodb://127.0.0.1:1' }, kafka: { ...env.cfg.kafka, brokers: ['127.0.0.1:1'] } };
    const dash = await startDashboard({ cfg, log: env.log, port: 0 });
    try {
      for (const p of ['/', '/realtime', '/recommendations']) {
        const r = await fetch(`${dash.url}${p}`);
        const body = await r.text();
        expect([p, r.status]).toEqual([p, 200]);
        expect(body).toMatch(/not reachable/);
      }
      const h = await fetch(`${dash.url}/historical`);
      expect(h.status).toBe(503);
      expect(await h.text()).toMatch(/MongoDB is not reachable at mongodb:\/\/127\.0\.0\.1:1/);
    } finally {
      await dash.close();
    }
  });
});
