/**
 * One notebook report: parameters checked and injected, the notebook executed headless, then HTML, PDF and the
 * executed .ipynb written together in `<reports>/notebooks/<notebook>/<parameters-slug>/` as one group (each file
 * whole, the manifest last, one writer per folder at a time), and `reports/index.html` refreshed. A failing cell
 * writes `<notebook>.failed.ipynb` there instead, and leaves the last good report as it was. A cancel (`signal`: a
 * job's timeout, SIGTERM) kills the kernel and Chromium, writes nothing at all, and leaves the folder as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { TopLevelSpec } from 'vega-lite';
import { abortError, onAbort, RenderAbortedError, throwIfAborted, untilAborted } from '../io/abort';
import { createGroupWriter, removeLeftovers, writeFileAtomic } from '../io/atomic';
import { withLock } from '../io/lock';
import type { Logger } from '../log';
import { launchBrowser } from '../reports/browser';
import type { Lineage } from '../reports/data';
import { writeReportIndex } from '../reports/index-page';
import { renderPdf } from '../reports/pdf';
import { drawCharts } from '../reports/render';
import { describeFailure, executeCells, ExecutionError, type CellEvent } from './execute';
import { parametersLine, renderNotebookHtml, vegaLiteOutputs, notebookTitle, type ShownParameter } from './html';
import { injectParameters, parametersSlug } from './inject';
import { readNotebook, type Notebook } from './ipynb';
import { declaredParameters, type ParamDecl, type ParamValue } from './params';
import type { CodeMode } from './tags';
import { createStepTimer } from '../reports/step-timer';
import { defaultLocale, locales, t, type Locale } from '../i18n';

export type NotebookFormat = 'html' | 'pdf' | 'ipynb';
export const notebookFormats: readonly NotebookFormat[] = ['html', 'pdf', 'ipynb'];

export interface NotebookRenderOptions {
  file: string;
  /** Checked and typed values of this run (resolveParameters), special values already resolved. */
  values: Record<string, ParamValue>;
  formats: readonly NotebookFormat[];
  code: CodeMode;
  reportsDir: string;
  timeoutSec: number;
  /**
   * Write the HTML without script (`--static`: for mail clients and archives). By default its charts are drawn again
   * in the page, with tooltips and a legend that highlights. The PDF is the static page printed either way.
   */
  static?: boolean;
  /** Extra environment of the kernel (a test's database and topics). */
  env?: Record<string, string>;
  /** The data's as-of date and lineage for the header; null when the warehouse cannot be read. */
  lineage: () => Promise<Lineage | null>;
  chromePath?: string;
  browser?: Browser;
  onEvent?: (e: CellEvent, nb: Notebook) => void;
  onStep?: (step: string, seconds: number) => void;
  log?: Logger;
  now?: () => Date;
  /**
   * Cancels the render: the kernel's process group and the runner are killed, Chromium is closed (a browser passed
   * in stays open, its pages are closed), nothing is written (not even `.failed.ipynb`), the lock is released, and
   * the render rejects with RenderAbortedError (RenderTimeoutError for a timeout; see src/io/abort.ts).
   */
  signal?: AbortSignal;
}

export interface NotebookRenderResult {
  dir: string;
  slug: string;
  files: Partial<Record<NotebookFormat, string>>;
  seconds: Record<string, number>;
}

export const notebookName = (file: string) => path.basename(file).replace(/\.ipynb$/i, '');

/**
 * The language of a run's page (its header, lineage and charts' words): the notebook's `locale` parameter, given or
 * its default; English for a notebook without one (or with a value that is no locale: its own check says so).
 */
export function runLocale(decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>): Locale {
  const v = 'locale' in values ? values.locale : decls.find((d) => d.name === 'locale')?.default;
  return typeof v === 'string' && (locales as readonly string[]).includes(v) ? (v as Locale) : defaultLocale;
}

/** Every declared parameter with the value this run uses, for the header. */
export function shownParameters(decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>): ShownParameter[] {
  return decls.map((d) => (d.name in values ? { name: d.name, value: values[d.name]!, given: true } : { name: d.name, value: d.default, given: false }));
}

export async function renderNotebookReport(o: NotebookRenderOptions): Promise<NotebookRenderResult> {
  throwIfAborted(o.signal);
  const { seconds, timed } = createStepTimer(o.onStep);
  const source = readNotebook(o.file);
  const decls = declaredParameters(source);
  const name = notebookName(o.file);
  const slug = parametersSlug(o.values);
  const dir = path.join(o.reportsDir, 'notebooks', name, slug);
  const needBrowser = o.formats.includes('pdf') && !o.browser;
  // Chromium starts while the kernel runs; it is closed below whatever happens, and at once on a cancel.
  const starting = needBrowser ? launchBrowser(o.chromePath) : undefined;
  starting?.catch(() => undefined);
  let closing: Promise<void> | undefined;
  const closeOwnBrowser = () => (closing ??= starting ? starting.then((b) => b.close(), () => undefined) : Promise.resolve());
  const forget = onAbort(o.signal, () => void closeOwnBrowser().catch(() => undefined));
  try {
    const run = await executeCells(injectParameters(source, decls, o.values), { cwd: path.dirname(path.resolve(o.file)), timeoutSec: o.timeoutSec, env: o.env, trust: true, onEvent: o.onEvent, signal: o.signal });
    seconds.kernel = run.seconds.kernel;
    seconds.execute = run.seconds.cells;
    o.onStep?.('kernel', run.seconds.kernel);
    o.onStep?.('execute', run.seconds.cells);
    throwIfAborted(o.signal);
    if (run.failure) {
      const failed = path.join(dir, `${name}.failed.ipynb`);
      removeLeftovers(dir);
      writeFileAtomic(failed, run.text);
      throw new ExecutionError(`${path.basename(o.file)}: ${describeFailure(run.failure)}\nThe executed notebook, up to the failing cell: ${failed}`, run.failure);
    }
    const t0 = Date.now();
    const specs = Object.fromEntries(vegaLiteOutputs(run.notebook).map(({ key, spec }) => [key, spec as TopLevelSpec]));
    const locale = runLocale(decls, o.values);
    const charts = new Map(Object.entries(await drawCharts(specs, { interactive: !o.static, prefix: 'nb', locale })));
    const lineage = await untilAborted(o.lineage(), o.signal);
    const params = shownParameters(decls, o.values);
    const generatedAt = (o.now?.() ?? new Date()).toISOString();
    const page = { notebook: path.basename(o.file), parameters: params, lineage, generatedAt, code: o.code, locale };
    const printed = renderNotebookHtml(run.notebook, page, charts);
    const html = o.static ? printed : renderNotebookHtml(run.notebook, { ...page, interactive: true }, charts);
    seconds.html = (Date.now() - t0) / 1000;
    o.onStep?.('html', seconds.html);
    const browser = o.formats.includes('pdf') ? (o.browser ?? (await untilAborted(starting!, o.signal))) : undefined;
    const pdf = browser ? { browser, title: notebookTitle(run.notebook, name).title, period: parametersLine(params.filter((p) => p.given)) || t(locale, 'notebook.page.defaultParameters'), locale } : undefined;
    const files = await withLock(path.join(dir, '.lock'), `the notebook report ${name}/${slug}`, () => publish({ ...o, dir, name, slug, text: run.text, html, printed, pdf, generatedAt, timed }), { log: o.log, signal: o.signal });
    return { dir, slug, files, seconds };
  } catch (err) {
    // A cancelled step fails in its own words ("Target closed"); the caller is told it was cancelled, and why.
    throw o.signal?.aborted && !(err instanceof RenderAbortedError) ? abortError(o.signal) : err;
  } finally {
    forget();
    await closeOwnBrowser();
  }
}

interface Publication extends NotebookRenderOptions {
  dir: string;
  name: string;
  slug: string;
  /** The executed notebook as the runner wrote it. */
  text: string;
  html: string;
  /** The static page, which Chromium prints to the PDF. */
  printed: string;
  pdf: { browser: Browser; title: string; period: string; locale: Locale } | undefined;
  generatedAt: string;
  timed: <T>(step: string, work: () => Promise<T>) => Promise<T>;
}

/** Writes the formats as one group (under the folder's lock), drops an earlier failure's notebook, refreshes the index. */
async function publish(p: Publication): Promise<NotebookRenderResult['files']> {
  removeLeftovers(p.dir);
  const group = createGroupWriter(p.dir);
  try {
    if (p.formats.includes('ipynb')) group.add(`${p.name}.ipynb`, p.text);
    if (p.formats.includes('html')) group.add(`${p.name}.html`, p.html);
    if (p.pdf) {
      const { browser, title, period, locale } = p.pdf;
      const pdf = await p.timed('pdf', () => renderPdf(browser, p.printed, { title, period, locale }, { signal: p.signal }));
      group.add(`${p.name}.pdf`, pdf);
    }
    // The last moment a cancel can stop the publication: the commit below is synchronous, whole or nothing.
    throwIfAborted(p.signal);
    group.commit({ report: 'notebook', notebook: path.basename(p.file), parameters: p.values, slug: p.slug, code: p.code, generated_at: p.generatedAt });
  } catch (err) {
    group.abort();
    throw err;
  }
  fs.rmSync(path.join(p.dir, `${p.name}.failed.ipynb`), { force: true });
  writeReportIndex(p.reportsDir);
  return Object.fromEntries(p.formats.map((f) => [f, path.join(p.dir, `${p.name}.${f}`)])) as NotebookRenderResult['files'];
}
