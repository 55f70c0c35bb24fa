/**
 * One executive report: data → charts → HTML / PDF / Excel in `reports/<period>/executive.*`, a step at a time,
 * then the `reports/index.html` listing is refreshed. The formats are written as one group (src/io/atomic.ts): each
 * file whole, the manifest last, one writer per period at a time.
 */
import path from 'node:path';
import type { Db } from 'mongodb';
import type { Browser } from 'puppeteer';
import { loadReportData, type ReportData } from './data';
import { reportCharts } from './charts';
import { renderAll } from './render';
import { renderHtml } from './html';
import { renderPdf, svgToPng } from './pdf';
import { renderExcel } from './excel';
import { launchBrowser } from './browser';
import { writeReportIndex } from './index-page';
import type { Period } from './period';
import type { Logger } from '../log';
import { createGroupWriter, removeLeftovers } from '../io/atomic';
import { withLock } from '../io/lock';
import { createStepTimer } from './step-timer';

export type ReportFormat = 'html' | 'pdf' | 'xlsx';
export const reportFormats: readonly ReportFormat[] = ['html', 'pdf', 'xlsx'];

export interface ReportOptions {
  db: Db;
  period: Period;
  formats: readonly ReportFormat[];
  reportsDir: string;
  modelsDir: string;
  dataDir: string;
  source: string;
  deadLetters?: number | null;
  chromePath?: string;
  /** Reuse a running browser (the scheduler, benchmarks); otherwise one is started and closed. */
  browser?: Browser;
  onStep?: (step: string, seconds: number) => void;
  title?: string;
  /** Add the analyst appendix (the recommendation model's pairs and evaluation) to the HTML, the PDF and the workbook. */
  appendix?: boolean;
  /** Where a wait for another writer of the same period is said. */
  log?: Logger;
}

export interface ReportResult {
  dir: string;
  files: Partial<Record<ReportFormat, string>>;
  data: ReportData;
  seconds: Record<string, number>;
}

export async function generateReport(o: ReportOptions): Promise<ReportResult> {
  const { seconds, timed } = createStepTimer(o.onStep);
  const needBrowser = o.formats.includes('pdf') || o.formats.includes('xlsx');
  // The browser starts while the data is read: each takes a fraction of a second, and they do not compete.
  const starting = needBrowser && !o.browser ? timed('browser', () => launchBrowser(o.chromePath)) : undefined;
  starting?.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
  let data: ReportData;
  try {
    data = await timed('data', () => loadReportData({ db: o.db, period: o.period, modelsDir: o.modelsDir, dataDir: o.dataDir, source: o.source, deadLetters: o.deadLetters }));
  } catch (err) {
    await (await starting?.catch(() => undefined))?.close();
    throw err;
  }
  const svgs = await timed('charts', () => renderAll(reportCharts(data)));
  const title = o.title ?? 'Executive sales report';
  const html = renderHtml(data, { charts: svgs, title, appendix: o.appendix });
  const dir = path.join(o.reportsDir, o.period.id);
  const files: ReportResult['files'] = {};
  const browser = needBrowser ? (o.browser ?? (await starting)) : undefined;
  try {
    // One writer per period (the scheduler and a person may meet here); the formats appear together, whole.
    await withLock(path.join(dir, '.lock'), `the report for ${o.period.id}`, async () => {
      removeLeftovers(dir);
      const group = createGroupWriter(dir);
      try {
        if (o.formats.includes('html')) await timed('html', async () => group.add('executive.html', html));
        if (o.formats.includes('pdf')) {
          await timed('pdf', async () => group.add('executive.pdf', await renderPdf(browser!, html, { title, period: `${o.period.label} · ${o.period.from} to ${o.period.to}` })));
        }
        if (o.formats.includes('xlsx')) {
          await timed('xlsx', async () => {
            // The chart images are taken in parallel pages, and kept in the report's order.
            const names = ['trend', 'branches', 'categories', 'top_products', 'discount'].filter((name) => svgs[name]);
            const images = await Promise.all(names.map((name) => svgToPng(browser!, svgs[name]!, name)));
            const pngs: Record<string, Buffer> = Object.fromEntries(names.map((name, i) => [name, images[i]!]));
            group.add('executive.xlsx', (await renderExcel(data, pngs, { appendix: o.appendix })).buffer);
          });
        }
        group.commit({ report: 'executive', period: o.period.id, from: o.period.from, to: o.period.to, generated_at: data.generatedAt });
      } catch (err) {
        group.abort();
        throw err;
      }
      for (const f of o.formats) files[f] = path.join(dir, `executive.${f}`);
      writeReportIndex(o.reportsDir);
    }, { log: o.log });
  } finally {
    if (browser && !o.browser) await browser.close();
  }
  return { dir, files, data, seconds };
}
