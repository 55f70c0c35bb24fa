/**
 * One notebook report: parameters checked and injected, the notebook executed headless, then HTML, PDF and the
 * executed .ipynb written together in `<reports>/notebooks/<notebook>/<parameters-slug>/` as one group (each file
 * whole, the manifest last, one writer per folder at a time), and `reports/index.html` refreshed. A failing cell
 * writes `<notebook>.failed.ipynb` there instead, and leaves the last good report as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { TopLevelSpec } from 'vega-lite';
import { createGroupWriter, removeLeftovers, writeFileAtomic } from '../io/atomic';
import { withLock } from '../io/lock';
import type { Logger } from '../log';
import { launchBrowser } from '../reports/browser';
import type { Lineage } from '../reports/data';
import { writeReportIndex } from '../reports/index-page';
import { renderPdf } from '../reports/pdf';
import { renderSvg } from '../reports/render';
import { describeFailure, executeCells, ExecutionError, type CellEvent } from './execute';
import { parametersLine, renderNotebookHtml, vegaLiteOutputs, notebookTitle, type ShownParameter } from './html';
import { injectParameters, parametersSlug } from './inject';
import { readNotebook, type Notebook } from './ipynb';
import { declaredParameters, type ParamDecl, type ParamValue } from './params';
import type { CodeMode } from './tags';
import { createStepTimer } from '../reports/step-timer';

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
}

export interface NotebookRenderResult {
  dir: string;
  slug: string;
  files: Partial<Record<NotebookFormat, string>>;
  seconds: Record<string, number>;
}

export const notebookName = (file: string) => path.basename(file).replace(/\.ipynb$/i, '');

/** Every declared parameter with the value this run uses, for the header. */
export function shownParameters(decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>): ShownParameter[] {
  return decls.map((d) => (d.name in values ? { name: d.name, value: values[d.name]!, given: true } : { name: d.name, value: d.default, given: false }));
}

export async function renderNotebookReport(o: NotebookRenderOptions): Promise<NotebookRenderResult> {
  const { seconds, timed } = createStepTimer(o.onStep);
  const source = readNotebook(o.file);
  const decls = declaredParameters(source);
  const name = notebookName(o.file);
  const slug = parametersSlug(o.values);
  const dir = path.join(o.reportsDir, 'notebooks', name, slug);
  const needBrowser = o.formats.includes('pdf') && !o.browser;
  // Chromium starts while the kernel runs; it is closed below whatever happens.
  const starting = needBrowser ? launchBrowser(o.chromePath) : undefined;
  starting?.catch(() => undefined);
  try {
    const run = await executeCells(injectParameters(source, decls, o.values), { cwd: path.dirname(path.resolve(o.file)), timeoutSec: o.timeoutSec, env: o.env, trust: true, onEvent: o.onEvent });
    seconds.kernel = run.seconds.kernel;
    seconds.execute = run.seconds.cells;
    o.onStep?.('kernel', run.seconds.kernel);
    o.onStep?.('execute', run.seconds.cells);
    if (run.failure) {
      const failed = path.join(dir, `${name}.failed.ipynb`);
      removeLeftovers(dir);
      writeFileAtomic(failed, run.text);
      throw new ExecutionError(`${path.basename(o.file)}: ${describeFailure(run.failure)}\nThe executed notebook, up to the failing cell: ${failed}`, run.failure);
    }
    const t0 = Date.now();
    const svgs = new Map<string, string>();
    for (const { key, spec } of vegaLiteOutputs(run.notebook)) svgs.set(key, await renderSvg(spec as TopLevelSpec));
    const lineage = await o.lineage();
    const params = shownParameters(decls, o.values);
    const generatedAt = (o.now?.() ?? new Date()).toISOString();
    const html = renderNotebookHtml(run.notebook, { notebook: path.basename(o.file), parameters: params, lineage, generatedAt, code: o.code }, svgs);
    seconds.html = (Date.now() - t0) / 1000;
    o.onStep?.('html', seconds.html);
    const files: NotebookRenderResult['files'] = {};
    const browser = o.formats.includes('pdf') ? (o.browser ?? (await starting)) : undefined;
    await withLock(path.join(dir, '.lock'), `the notebook report ${name}/${slug}`, async () => {
      removeLeftovers(dir);
      const group = createGroupWriter(dir);
      try {
        if (o.formats.includes('ipynb')) group.add(`${name}.ipynb`, run.text);
        if (o.formats.includes('html')) group.add(`${name}.html`, html);
        if (browser) {
          const title = notebookTitle(run.notebook, name).title;
          const pdf = await timed('pdf', () => renderPdf(browser, html, { title, period: parametersLine(params.filter((p) => p.given)) || 'default parameters' }));
          group.add(`${name}.pdf`, pdf);
        }
        group.commit({ report: 'notebook', notebook: path.basename(o.file), parameters: o.values, slug, code: o.code, generated_at: generatedAt });
      } catch (err) {
        group.abort();
        throw err;
      }
      fs.rmSync(path.join(dir, `${name}.failed.ipynb`), { force: true });
      for (const f of o.formats) files[f] = path.join(dir, `${name}.${f}`);
      writeReportIndex(o.reportsDir);
    }, { log: o.log });
    return { dir, slug, files, seconds };
  } finally {
    if (starting) await (await starting.catch(() => undefined))?.close();
  }
}
