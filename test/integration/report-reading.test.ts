/**
 * The executive report as an executive reads it: findings first, no page mostly blank, the workbook showing each key
 * figure as the PDF does, no model diagnostics or machine paths unless asked for. On the real engine, the Superstore.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'puppeteer';
import { generateReport, type ReportResult } from '../../src/reports/report';
import { parsePeriod } from '../../src/reports/period';
import { launchBrowser } from '../../src/reports/browser';
import { defaultSuperstorePath } from '../../src/pipeline/source/superstore';
import { excelText } from '../support/excel-text';
import { pageFill } from '../support/pdf-pages';
import { createTestEnv, type TestEnv } from './helpers';
import { writeSuperstoreLake } from './superstore-lake';

describe('the executive report as an executive reads it', () => {
  let env: TestEnv;
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reading-'));
  const reports: Record<string, ReportResult> = {};
  const render = (period: string, appendix = false) =>
    generateReport({ db: env.mongo.db, period: parsePeriod(period), formats: ['html', 'pdf', 'xlsx'], reportsDir: path.join(dir, appendix ? 'appendix' : 'reports'), modelsDir: path.join(dir, 'models'), dataDir: path.join(dir, 'data'), source: defaultSuperstorePath(), deadLetters: 0, browser, appendix });

  beforeAll(async () => {
    env = await createTestEnv('read');
    await writeSuperstoreLake(env.mongo.db);
    browser = await launchBrowser(env.cfg.chromePath);
    // A month, a quarter, a year and a month without sales.
    for (const p of ['2016-11', '2017-Q4', '2017', '2013-06']) reports[p] = await render(p);
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('page 1 of November 2016 opens with three to six findings, the East branch loss among them', () => {
    const html = fs.readFileSync(reports['2016-11']!.files.html!, 'utf8');
    const findings = html.split('<section id="findings"')[1]!.split('</section>')[0]!;
    const items = findings.match(/<li data-finding=/g) ?? [];
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.length).toBeLessThanOrEqual(6);
    expect(findings).toMatch(/The <strong>East · [^<]+<\/strong> branch lost <strong>\$4,842\.24<\/strong>/);
    expect(html.indexOf('id="findings"')).toBeLessThan(html.indexOf('<h2>Key figures</h2>'));
    const pdf = execFileSync('pdftotext', ['-f', '1', '-l', '1', reports['2016-11']!.files.pdf!, '-'], { encoding: 'utf8' });
    expect(pdf).toContain('What happened');
    expect(pdf).toContain('$4,842.24');
  });

  it.each(['2016-11', '2017-Q4', '2017', '2013-06'])('no page of %s but the last is more than 40 %% blank', (p) => {
    const pages = pageFill(reports[p]!.files.pdf!);
    for (const page of pages.slice(0, -1)) expect([page.page, page.largestBlank < 0.4]).toEqual([page.page, true]);
  });

  it('the workbook shows each key figure and change as the PDF does', async () => {
    const r = reports['2016-11']!;
    const pdf = execFileSync('pdftotext', [r.files.pdf!, '-'], { encoding: 'utf8' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(r.files.xlsx!);
    const summary = wb.getWorksheet('Summary')!;
    const byLabel = new Map<string, ExcelJS.Row>();
    summary.eachRow((row) => byLabel.set(String(row.getCell(1).value), row));
    const shown = (c: ExcelJS.Cell) => (typeof c.value === 'number' ? excelText(c.value, c.numFmt) : String(c.value));
    for (const k of r.data.kpis) {
      const row = byLabel.get(k.label)!;
      for (const cell of [row.getCell(2), row.getCell(4), row.getCell(6)]) expect([k.key, pdf.includes(shown(cell))]).toEqual([k.key, true]);
    }
    expect(shown(byLabel.get('Margin')!.getCell(4))).toMatch(/^[+−]\d+\.\d pts$/);
    expect(shown(byLabel.get('New customers')!.getCell(4))).toBe('+5 (from 1)');
  });

  it('names the source by file name and description, and keeps model diagnostics for the analyst appendix', async () => {
    // What a reader sees: the page without the inlined chart runtime (Vega's code says "random").
    const html = fs.readFileSync(reports['2016-11']!.files.html!, 'utf8').replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(html).toContain('superstore.csv (the Tableau Superstore sample)');
    expect(html).not.toContain(defaultSuperstorePath());
    expect(html).not.toMatch(/NDCG|Hit rate|random/);
    const withAppendix = await render('2016-11', true);
    const text = execFileSync('pdftotext', [withAppendix.files.pdf!, '-'], { encoding: 'utf8' });
    expect(text).toContain('Analyst appendix');
  });
});
