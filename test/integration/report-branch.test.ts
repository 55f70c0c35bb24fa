/**
 * The executive report of one branch, on the real engine and the Superstore: its figures are the branch's (the four
 * branches add up to the company to the cent, and equal the daily mart's `by_branch`), its findings are about its
 * sub-categories and products, and its files land in their own folder, titled with the branch.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'puppeteer';
import { generateReport, type ReportResult } from '../../src/reports/report';
import { loadReportData, type ReportData } from '../../src/reports/data';
import { parsePeriod } from '../../src/reports/period';
import { launchBrowser } from '../../src/reports/browser';
import { rankFindings } from '../../src/reports/ranked-findings';
import { BranchError } from '../../src/reports/branch-scope';
import { marts } from '../../src/pipeline/warehouse/build';
import type { DailyDoc } from '../../src/pipeline/warehouse/daily';
import { collections } from '../../src/pipeline/adapters/mongo';
import { fromUnits, roundCents } from '../../src/pipeline/core/money';
import { defaultSuperstorePath } from '../../src/pipeline/source/superstore';
import { createTestEnv, type TestEnv } from './helpers';
import { writeSuperstoreLake } from './superstore-lake';

const branchIds = ['BR-CENTRAL', 'BR-EAST', 'BR-SOUTH', 'BR-WEST'];
const period = parsePeriod('2017-12');
const cents = (x: number) => Math.round(x * 100);

describe('the executive report of one branch', () => {
  let env: TestEnv;
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'branch-report-'));
  const inputs = () => ({ db: env.mongo.db, period, modelsDir: path.join(dir, 'models'), dataDir: path.join(dir, 'data'), source: defaultSuperstorePath(), deadLetters: 0 });
  let company: ReportData;
  const byBranch: Record<string, ReportData> = {};
  let west: ReportResult;

  beforeAll(async () => {
    env = await createTestEnv('branchrep');
    await writeSuperstoreLake(env.mongo.db);
    browser = await launchBrowser(env.cfg.chromePath);
    company = await loadReportData(inputs());
    for (const id of branchIds) byBranch[id] = await loadReportData({ ...inputs(), branch: id });
    west = await generateReport({ ...inputs(), branch: 'BR-WEST', formats: ['html', 'pdf', 'xlsx'], reportsDir: path.join(dir, 'reports'), browser });
    await generateReport({ ...inputs(), formats: ['html'], reportsDir: path.join(dir, 'reports') });
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const kpi = (d: ReportData, key: string) => d.kpis.find((k) => k.key === key)!;

  it("the four branches' revenue, profit and orders are the company's, split exactly: orders to the unit, money to the ten-thousandth before each is rounded to the cent", async () => {
    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: period.lastYear.from, $lte: period.to } }).toArray();
    const e4 = (field: 'revenue_e4' | 'profit_e4', r: { from: string; to: string }, id: string | null) =>
      days.filter((d) => d.date >= r.from && d.date <= r.to).reduce((s, d) => s + (id === null ? d[field] : (d.by_branch.find((b) => b.branch_id === id)?.[field] ?? 0)), 0);
    const slots = [['value', period], ['previous', period.previous], ['lastYear', period.lastYear]] as const;
    for (const [slot, range] of slots) {
      expect([slot, branchIds.reduce((s, id) => s + kpi(byBranch[id]!, 'orders')[slot]!, 0)]).toEqual([slot, kpi(company, 'orders')[slot]]);
      for (const [key, field] of [['revenue', 'revenue_e4'], ['profit', 'profit_e4']] as const) {
        // Each report's figure is its exact sum rounded once; the exact sums add up to the company's to the e4 unit.
        for (const id of branchIds) expect([id, key, slot, kpi(byBranch[id]!, key)[slot]]).toEqual([id, key, slot, roundCents(fromUnits(e4(field, range, id)))]);
        expect([key, slot, branchIds.reduce((s, id) => s + e4(field, range, id), 0)]).toEqual([key, slot, e4(field, range, null)]);
        expect([key, slot, kpi(company, key)[slot]]).toEqual([key, slot, roundCents(fromUnits(e4(field, range, null)))]);
        // Four figures rounded apart may sum a cent or two away from the total rounded once (December 2017: one cent).
        const apart = branchIds.reduce((s, id) => s + cents(kpi(byBranch[id]!, key)[slot]!), 0) - cents(kpi(company, key)[slot]!);
        expect([key, slot, Math.abs(apart) <= 2]).toEqual([key, slot, true]);
      }
    }
  });

  it("a branch's revenue is the daily mart's by_branch sum over the period, and its categories and products are its own lines", async () => {
    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: period.from, $lte: period.to } }).toArray();
    const e4 = days.reduce((s, d) => s + (d.by_branch.find((b) => b.branch_id === 'BR-WEST')?.revenue_e4 ?? 0), 0);
    const d = byBranch['BR-WEST']!;
    expect(kpi(d, 'revenue').value).toBe(roundCents(fromUnits(e4)));
    // Each sub-category rounded apart: within half a cent each of the branch's revenue.
    expect(Math.abs(cents(d.categories.reduce((s, c) => s + c.revenue, 0)) - cents(kpi(d, 'revenue').value!))).toBeLessThanOrEqual(d.categories.length / 2);
    const lines = await env.mongo.db.collection(collections.salesItems).find({ branch_id: 'BR-WEST', order_month: '2017-12' }, { projection: { product_id: 1 } }).toArray();
    const sold = new Set(lines.map((l) => String(l.product_id)));
    for (const p of [...d.topProducts, ...d.bottomProducts]) expect([p.product_id, sold.has(p.product_id)]).toEqual([p.product_id, true]);
    expect(d.branch).toEqual({ id: 'BR-WEST', name: expect.stringMatching(/^West · /) });
    expect(d.standing).toEqual({ rank: expect.any(Number), of: 4, share: expect.any(Number) });
    expect(d.branches).toEqual(company.branches);
  });

  it("the RFM segments hold the customers who had ordered at the branch by the period's end, and its active customers are those who ordered there in the period", async () => {
    const d = byBranch['BR-WEST']!;
    const customers = await env.mongo.db.collection(collections.sales).distinct('customer_id', { branch_id: 'BR-WEST', order_date: { $lte: period.to } });
    expect(d.rfm.reduce((s, r) => s + r.customers, 0)).toBe(customers.length);
    const active = await env.mongo.db.collection(collections.sales).distinct('customer_id', { branch_id: 'BR-WEST', order_month: '2017-12' });
    expect(kpi(d, 'active_customers').value).toBe(active.length);
  });

  it("the findings talk about the branch's sub-categories and products, never about other branches", () => {
    for (const id of branchIds) {
      const d = byBranch[id]!;
      const found = rankFindings(d);
      expect(found.length).toBeGreaterThan(0);
      const subs = new Set(d.categories.map((c) => c.sub_category));
      for (const f of found) {
        expect([id, f.id]).not.toEqual([id, expect.stringMatching(/^(loss-branch|mover-branch|concentration)-/)]);
        const sub = /^(?:mover|loss)-sub-category-(.+)$/.exec(f.id)?.[1];
        if (sub) expect([id, sub, subs.has(sub)]).toEqual([id, sub, true]);
        const product = /^loss-product-(.+)$/.exec(f.id)?.[1];
        if (product) expect([id, d.bottomProducts.some((p) => p.product_id === product)]).toEqual([id, true]);
      }
      expect(d.movers.branches).toEqual([]);
    }
  });

  it('an unknown branch is a BranchError listing the valid IDs', async () => {
    await expect(loadReportData({ ...inputs(), branch: 'BR-NORTH' })).rejects.toThrow(BranchError);
    await expect(loadReportData({ ...inputs(), branch: 'BR-NORTH' })).rejects.toThrow('branch "BR-NORTH" is not in the warehouse; branches: BR-CENTRAL, BR-EAST, BR-SOUTH, BR-WEST');
  });

  it("writes reports/<period>/<branch-id>/executive.*, titled with the branch in the HTML, the PDF's header and the workbook's Summary, and the index lists it", async () => {
    const folder = path.join(dir, 'reports', '2017-12', 'BR-WEST');
    expect(west.files).toEqual({ html: path.join(folder, 'executive.html'), pdf: path.join(folder, 'executive.pdf'), xlsx: path.join(folder, 'executive.xlsx') });
    const html = fs.readFileSync(west.files.html!, 'utf8');
    expect(html).toContain('<h1>Executive sales report · West · Los Angeles</h1>');
    expect(html).toMatch(/<p class="standing" data-standing="BR-WEST">West · Los Angeles ranks \d(st|nd|rd|th) of 4 branches with \d+\.\d % of revenue\.<\/p>/);
    const page2 = execFileSync('pdftotext', ['-f', '2', '-l', '2', west.files.pdf!, '-'], { encoding: 'utf8' });
    expect(page2).toContain('Executive sales report · West · Los Angeles');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(west.files.xlsx!);
    expect(wb.getWorksheet('Summary')!.getCell('A1').value).toBe('Executive sales report · West · Los Angeles');
    expect(fs.existsSync(path.join(dir, 'reports', '2017-12', 'executive.html'))).toBe(true);
    const index = fs.readFileSync(path.join(dir, 'reports', 'index.html'), 'utf8');
    expect(index).toContain('<a href="2017-12/BR-WEST/executive.pdf">PDF</a>');
    expect(index).toContain('<a href="2017-12/executive.html">HTML</a>');
  });
});
