/**
 * One executive report: data → charts → HTML / PDF / Excel in `reports/<period>/executive.*` (a branch's report in
 * `reports/<period>/<branch-id>/`), a step at a time, then `reports/index.html` is refreshed. The formats are written
 * as one group (src/io/atomic.ts): each file whole, the manifest last, one writer per folder at a time. A cancel
 * (`signal`) publishes nothing.
 */
import path from 'node:path';
import type { Db } from 'mongodb';
import type { Browser } from 'puppeteer';
import { loadReportData, type ReportData } from './data';
import { reportCharts } from './charts';
import { renderAll } from './render';
import { renderHtml } from './html';
import { renderPdf } from './pdf';
import { svgsToPngs } from './png';
import { renderExcel } from './excel';
import { launchBrowser } from './browser';
import { writeReportIndex } from './index-page';
import type { Period } from './period';
import type { Logger } from '../log';
import { abortError, onAbort, RenderAbortedError, throwIfAborted, untilAborted } from '../io/abort';
import { createGroupWriter, removeLeftovers, type GroupWriter } from '../io/atomic';
import { withLock } from '../io/lock';
import { createStepTimer } from './step-timer';
import { reportTitle } from './format';
import { capitalise, periodLabel, t, type Locale } from '../i18n';
import { periodDays } from './html';

export type ReportFormat = 'html' | 'pdf' | 'xlsx';
export const reportFormats: readonly ReportFormat[] = ['html', 'pdf', 'xlsx'];

export interface ReportOptions {
  db: Db;
  period: Period;
  /**
   * A branch ID (`BR-WEST`): the report of that branch alone, in `reports/<period>/<branch-id>/`, its title naming
   * the branch. An unknown ID rejects with a BranchError listing the warehouse's branches, before anything is written.
   */
  branch?: string | null;
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
  /**
   * The "what changed" lines of this report, from the run history, given its figures (the scheduler's; absent: the
   * report has no such section).
   */
  whatChanged?: (data: ReportData) => Promise<string[]>;
  /** Add the analyst appendix (the recommendation model's pairs and evaluation) to the HTML, the PDF and the workbook. */
  appendix?: boolean;
  /** The readers' language: every word, number and date of the three formats (`en` by default). */
  locale?: Locale;
  /** Where a wait for another writer of the same period is said. */
  log?: Logger;
  /**
   * Cancels the render (a job's timeout, the scheduler's SIGTERM): Chromium is closed (a browser passed in stays
   * open, its pages are closed), nothing is published, the lock is released, and the render rejects with
   * RenderAbortedError (RenderTimeoutError for a timeout; see src/io/abort.ts).
   */
  signal?: AbortSignal;
}

export interface ReportResult {
  dir: string;
  files: Partial<Record<ReportFormat, string>>;
  data: ReportData;
  /** The charts as drawn (SVG by name): what a mail shows inline. */
  charts: Record<string, string>;
  /** The charts drawn to PNG for the workbook (by name; none without xlsx): a mail reuses them. */
  images: Record<string, Buffer>;
  seconds: Record<string, number>;
}

export async function generateReport(o: ReportOptions): Promise<ReportResult> {
  throwIfAborted(o.signal);
  const { seconds, timed } = createStepTimer(o.onStep);
  // The steps that cannot be stopped give way to a cancel at once; the PDF and images stop themselves (their pages
  // closed) and are awaited, so that a browser passed in is left without pages of ours when the render rejects.
  const step = <T>(name: string, work: () => Promise<T>) => timed(name, () => untilAborted(work(), o.signal));
  const needBrowser = o.formats.includes('pdf');
  // The browser starts while the data is read: each takes a fraction of a second, and they do not compete.
  const starting = needBrowser && !o.browser ? timed('browser', () => launchBrowser(o.chromePath)) : undefined;
  starting?.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
  let closing: Promise<void> | undefined;
  const closeOwnBrowser = () => (closing ??= starting ? starting.then((b) => b.close(), () => undefined) : Promise.resolve());
  // A cancel closes our own Chromium at once (a browser the caller passed in stays open; renderPdf closes its pages).
  const forget = onAbort(o.signal, () => void closeOwnBrowser().catch(() => undefined));
  try {
    const loaded = await step('data', () => loadReportData({ db: o.db, period: o.period, branch: o.branch, modelsDir: o.modelsDir, dataDir: o.dataDir, source: o.source, deadLetters: o.deadLetters }));
    const data: ReportData = o.whatChanged ? { ...loaded, whatChanged: await step('changes', () => o.whatChanged!(loaded)) } : loaded;
    const locale = o.locale ?? 'en';
    const svgs = await step('charts', () => renderAll(reportCharts(data, locale)));
    const title = reportTitle(o.title ?? t(locale, 'report.title'), data.branch);
    const html = renderHtml(data, { charts: svgs, title, appendix: o.appendix, locale });
    const dir = reportDir(o.reportsDir, o.period, data.branch?.id ?? null);
    const what = `the report for ${o.period.id}${data.branch ? ` of ${data.branch.id}` : ''}`;
    const browser = needBrowser ? (o.browser ?? (await untilAborted(starting!, o.signal))) : undefined;
    const images: Record<string, Buffer> = {};
    // One writer per period (the scheduler and a person may meet here); the formats appear together, whole.
    const files = await withLock(path.join(dir, '.lock'), what, async () => {
      removeLeftovers(dir);
      const group = createGroupWriter(dir);
      try {
        await writeFormats(group, { ...o, locale, timed, html, title, svgs, data, browser, images });
        // The last moment a cancel can stop the publication: the commit below is synchronous, whole or nothing.
        throwIfAborted(o.signal);
        group.commit({ report: 'executive', period: o.period.id, ...(locale === 'en' ? {} : { locale }), ...(data.branch ? { branch: data.branch.id, branch_name: data.branch.name } : {}), from: o.period.from, to: o.period.to, generated_at: data.generatedAt });
      } catch (err) {
        group.abort();
        throw err;
      }
      writeReportIndex(o.reportsDir);
      return Object.fromEntries(o.formats.map((f) => [f, path.join(dir, `executive.${f}`)])) as ReportResult['files'];
    }, { log: o.log, signal: o.signal });
    return { dir, files, data, charts: svgs, images, seconds };
  } catch (err) {
    // A cancelled step fails in its own words ("Target closed"); the caller is told it was cancelled, and why.
    throw o.signal?.aborted && !(err instanceof RenderAbortedError) ? abortError(o.signal) : err;
  } finally {
    forget();
    await closeOwnBrowser();
  }
}

/** Where a report's files go: `<reports>/<period>/`, or `<reports>/<period>/<branch-id>/` for a branch's report. */
export function reportDir(reportsDir: string, period: Pick<Period, 'id'>, branchId: string | null): string {
  return branchId === null ? path.join(reportsDir, period.id) : path.join(reportsDir, period.id, branchId);
}

interface FormatWork {
  formats: readonly ReportFormat[];
  period: Period;
  appendix?: boolean;
  locale: Locale;
  signal?: AbortSignal;
  timed: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  html: string;
  title: string;
  svgs: Record<string, string>;
  data: ReportData;
  browser: Browser | undefined;
  /** Receives the chart images drawn for the workbook. */
  images: Record<string, Buffer>;
}

/** Stages each requested format in the group (committed by the caller). */
async function writeFormats(group: GroupWriter, w: FormatWork): Promise<void> {
  const signal = w.signal;
  if (w.formats.includes('html')) await w.timed('html', async () => group.add('executive.html', w.html));
  if (w.formats.includes('pdf')) {
    const period = `${capitalise(periodLabel(w.locale, w.period))} · ${periodDays(w.period, w.locale)}`;
    await w.timed('pdf', async () => group.add('executive.pdf', await renderPdf(w.browser!, w.html, { title: w.title, period, locale: w.locale }, { signal })));
  }
  if (w.formats.includes('xlsx')) {
    await w.timed('xlsx', async () => {
      // The chart images are drawn in the report's order, and kept for the mail (`ReportResult.images`).
      const names = ['trend', 'branches', 'categories', 'top_products', 'discount'].filter((name) => w.svgs[name]);
      const pngs = svgsToPngs(Object.fromEntries(names.map((name) => [name, w.svgs[name]!])), signal);
      Object.assign(w.images, pngs);
      group.add('executive.xlsx', (await renderExcel(w.data, pngs, { appendix: w.appendix, locale: w.locale })).buffer);
    });
  }
}
