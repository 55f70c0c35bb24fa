/**
 * An executed notebook as one self-contained HTML page (pure): the executive report's look, a header with the title,
 * the parameters, the data's as-of date and lineage, then the cells as the tags say (tags.ts). Vega-Lite outputs are
 * the charts given (drawn beforehand, see vegaLiteOutputs): their SVG, and on an interactive page their compiled
 * specs, drawn again in the page by Vega's inlined runtime. A Content-Security-Policy forbids every request and every
 * script but that runtime's, so whatever an output holds, opening the page fetches and runs nothing of it.
 */
import type { Lineage } from '../reports/data';
import { formatsOf, t, type Locale, type MessageKey } from '../i18n';
import { chartDataAppendix, figureCss, figureHtml, type DrawnChart } from '../reports/figures';
import { reportCss, sourceText } from '../reports/html';
import { pageRuntime, staticCsp } from '../reports/page-runtime';
import { esc, utcMinute } from '../reports/format';
import { VEGA_LITE_MIME } from './bundle';
import { cellSource, joinText, type Cell, type MimeBundle, type Notebook, type Output } from './ipynb';
import { firstHeading, renderMarkdown } from './markdown';
import type { ParamValue } from './params';
import { cellView, type CodeMode } from './tags';
import { WIDGET_INLINE_ATTR, WIDGET_STYLE_ATTR, widgetCss } from './widgets';

export interface ShownParameter {
  name: string;
  value: ParamValue;
  /** Given for this run (-p, or resolved like period=latest), rather than the notebook's default. */
  given: boolean;
}

export interface PageInfo {
  notebook: string;
  parameters: readonly ShownParameter[];
  lineage: Lineage | null;
  generatedAt: string;
  code: CodeMode;
  /** Draw the charts in the page (Vega's runtime inlined); otherwise the page has no script. */
  interactive?: boolean;
  /** The reader's language: of the words the figures add, and the page's `lang` ('en' by default). */
  locale?: Locale;
}

/** `cellIndex:outputIndex` of an output, the key of its SVG. */
export const outputKey = (cell: number, output: number) => `${cell}:${output}`;

/** Every Vega-Lite output of the notebook, by key: what must be turned into SVG before rendering. */
export function vegaLiteOutputs(nb: Notebook): { key: string; spec: object }[] {
  return nb.cells.flatMap((c, i) =>
    (c.outputs ?? []).flatMap((o, j) => ('data' in o && o.data[VEGA_LITE_MIME] && typeof o.data[VEGA_LITE_MIME] === 'object' ? [{ key: outputKey(i, j), spec: o.data[VEGA_LITE_MIME] as object }] : [])),
  );
}

const pageCss = `${reportCss}${figureCss}
${widgetCss}
.cell-md{break-inside:auto}
.cell-md h1{font-size:21px;margin:22px 0 8px}
.cell-md h3{font-size:15px;margin:18px 0 6px}
.cell-out{margin:8px 0 12px}
.cell-out figure,.cell-out .erp-out,.cell-out img,.cell-out table{break-inside:avoid;page-break-inside:avoid}
.cell-out img{max-width:100%;height:auto}
.cell-out .changes p{margin:2px 0}
pre{white-space:pre-wrap;word-break:break-word;font:12px/1.4 "DejaVu Sans Mono",Menlo,Consolas,monospace;margin:6px 0}
pre.code{background:#f6f8fb;border:1px solid var(--line);border-left:3px solid var(--accent);border-radius:4px;padding:8px 10px;break-inside:avoid}
pre.stream{color:var(--ink)}
pre.stderr,pre.error{color:var(--down)}
header.report dl.params{display:flex;flex-wrap:wrap;gap:2px 18px;margin:6px 0 0;font-size:13px}
header.report dl.params div{display:flex;gap:6px}
header.report dl.params dt{font-weight:600}
header.report dl.params dd{margin:0}
footer.lineage{break-inside:avoid;page-break-inside:avoid}
@media print{
footer.lineage{display:none}
header.report{margin-bottom:10px;padding-bottom:8px}header.report h1{font-size:21px;margin:0 0 2px}header.report p{font-size:12px}header.report p.lineage-line{font-size:10.5px}
body{font-size:12.5px}.erp-out{font-size:12px}
h2,.cell-md h2{font-size:16px;margin:14px 0 6px}
.cell-out{margin:4px 0 6px}.cell-out ul,.cell-md ul{margin:4px 0}
/* Line heights a little under the screen's: a branch review stays on one A4 page with Spanish's longer words. */
.erp-out .kpi{padding:6px 10px}.erp-out .kpi .value{font-size:17px;margin:1px 0 2px;line-height:1.25}
.erp-out .kpi .kpi-label,.erp-out .kpi .cmp{font-size:10.5px}.erp-out .kpi .cmp{line-height:1.3}.cell-out ul,.cell-out p{line-height:1.35}header.report p{line-height:1.3}.kpi .cmp{flex-direction:row;flex-wrap:wrap;gap:0 6px}
.erp-out table{font-size:11.5px;margin:4px 0 2px}.erp-out th,.erp-out td{padding:2px 7px}}
header.report .default{color:var(--muted)}
header.report p.lineage-line{font-size:12px;color:var(--muted);margin:2px 0 0}
@media print{.cell-md h2,.cell-md h3,.cell-out .html h2,.cell-out .html h3{break-after:avoid;page-break-after:avoid}section.cell-md{break-after:avoid;page-break-after:avoid}}`;

const text = (v: ParamValue) => (v === '' ? "''" : typeof v === 'string' ? v : JSON.stringify(v));
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripAnsi = (s: string) => s.replace(ANSI, '');
// The page carries the widgets' stylesheet once (with its print rules), so their own copies, inline ones too, go.
const dropWidgetStyles = (html: string) => html.replace(new RegExp(`<style ${WIDGET_STYLE_ATTR}>[\\s\\S]*?</style>`, 'g'), '').replace(new RegExp(` ${WIDGET_INLINE_ATTR} style="[^"]*"`, 'g'), '');

/** The page's charts by output key, and those shown so far (for the appendix of their data). */
interface Figures {
  charts: ReadonlyMap<string, DrawnChart>;
  interactive: boolean;
  locale: Locale;
  shown: DrawnChart[];
}

function renderBundle(data: MimeBundle, key: string, figures: Figures): string {
  const chart = figures.charts.get(key);
  if (chart) {
    figures.shown.push(chart);
    return figureHtml(key, chart, { interactive: figures.interactive, locale: figures.locale, attrs: ' class="chart"' });
  }
  if (data['text/html'] !== undefined) return `<div class="html">${dropWidgetStyles(joinText(data['text/html'] as string | string[]))}</div>`;
  if (data['image/svg+xml'] !== undefined) return `<figure>${joinText(data['image/svg+xml'] as string | string[])}</figure>`;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (data[mime] !== undefined) return `<figure><img src="data:${mime};base64,${esc(joinText(data[mime] as string | string[]).replace(/\s/g, ''))}" alt=""></figure>`;
  }
  if (data['text/markdown'] !== undefined) return `<div class="cell-md">${renderMarkdown(joinText(data['text/markdown'] as string | string[]))}</div>`;
  if (data['text/plain'] !== undefined) return `<pre class="stream">${esc(joinText(data['text/plain'] as string | string[]))}</pre>`;
  return '';
}

function renderOutput(o: Output, key: string, code: CodeMode, figures: Figures): string {
  switch (o.output_type) {
    case 'stream':
      // Warnings and logs on stderr are for the analyst running it, not the reader: shown only with the code.
      return o.name === 'stderr' && code === 'hide' ? '' : `<pre class="stream ${o.name}">${esc(stripAnsi(joinText(o.text)))}</pre>`;
    case 'error':
      return `<pre class="error">${esc(stripAnsi([`${o.ename}: ${o.evalue}`, ...(o.traceback ?? [])].join('\n')))}</pre>`;
    default:
      return renderBundle(o.data, key, figures);
  }
}

function renderCell(c: Cell, i: number, page: PageInfo, figures: Figures, titleCell: number): string {
  const view = cellView(c, page.code);
  if (c.cell_type === 'markdown') {
    if (!view.input) return '';
    // The title is the page header's; the rest of its cell stays.
    const src = i === titleCell ? cellSource(c).replace(/^#\s+.+$/m, '') : cellSource(c);
    return src.trim() ? `<section class="cell-md">${renderMarkdown(src)}</section>` : '';
  }
  if (c.cell_type !== 'code') return '';
  const input = view.input && cellSource(c).trim() ? `<pre class="code"><code>${esc(cellSource(c))}</code></pre>` : '';
  const outputs = view.outputs ? (c.outputs ?? []).map((o, j) => renderOutput(o, outputKey(i, j), page.code, figures)).join('') : '';
  return input || outputs ? `<div class="cell-out">${input}${outputs}</div>` : '';
}

export function notebookTitle(nb: Notebook, fallback: string): { title: string; cell: number } {
  const md = nb.cells.map((c) => (c.cell_type === 'markdown' ? cellSource(c) : ''));
  const title = firstHeading(md);
  return title ? { title, cell: md.findIndex((t) => /^#\s+/m.test(t)) } : { title: fallback, cell: -1 };
}

/** The lineage in one line, under the title: all a printed page has of it (the HTML's footer repeats it in full). */
export function lineageLine(l: Lineage, notebook: string, locale: Locale = 'en'): string {
  const f = formatsOf(locale);
  const count = (n: number | null, known: MessageKey, unknown: MessageKey) => (n === null ? t(locale, unknown) : t(locale, known, { count: f.count(n) }));
  return [
    t(locale, 'notebook.lineage.notebook', { notebook }),
    t(locale, 'notebook.lineage.source', { file: l.sourceFile }),
    t(locale, 'notebook.lineage.lake', { lines: f.count(l.lakeLines), database: l.database }),
    count(l.rejects, 'notebook.lineage.rejects', 'notebook.lineage.rejectsUnknown'),
    count(l.deadLetters, 'notebook.lineage.deadLetters', 'notebook.lineage.deadLettersUnknown'),
    l.modelTrainedAt ? t(locale, 'notebook.lineage.model', { time: utcMinute(l.modelTrainedAt, locale) }) : t(locale, 'notebook.lineage.noModel'),
  ].join(' · ');
}

/** The lineage in full, at the foot of the HTML page (the printed page has its line under the title). */
function lineageFooter(l: Lineage | null, notebook: string, locale: Locale): string {
  const row = (key: MessageKey, value: string) => `<dt>${esc(t(locale, key))}</dt><dd>${esc(value)}</dd>`;
  if (!l) return `<footer class="lineage"><dl>${row('notebook.footer.notebook', notebook)}</dl></footer>`;
  const f = formatsOf(locale);
  const unknown = t(locale, 'report.lineage.unknown');
  const never = t(locale, 'report.lineage.never');
  return `<footer class="lineage"><dl>
${row('notebook.footer.notebook', notebook)}
${row('report.lineage.source', sourceText(l, locale))}
${row('report.lineage.lake', t(locale, 'report.lineage.lakeLines', { lines: f.count(l.lakeLines), database: l.database }))}
${row('report.lineage.rejects', l.rejects === null ? unknown : f.count(l.rejects))}
${row('report.lineage.deadLetters', l.deadLetters === null ? unknown : f.count(l.deadLetters))}
${row('notebook.footer.newestSale', l.newestSale ? f.day(l.newestSale) : t(locale, 'notebook.footer.none'))}
${row('report.lineage.warehouseBuilt', l.warehouseBuiltAt ? utcMinute(l.warehouseBuiltAt, locale) : never)}
${row('notebook.footer.modelTrained', l.modelTrainedAt ? utcMinute(l.modelTrainedAt, locale) : never)}
</dl></footer>`;
}

/** The header's line: the data's as-of day (and build), and when the page was made. */
function asOfLine(l: Lineage | null, generatedAt: string, locale: Locale): string {
  const generated = t(locale, 'notebook.page.generated', { time: utcMinute(generatedAt, locale) });
  if (!l) return generated;
  const day = l.newestSale ? formatsOf(locale).day(l.newestSale) : t(locale, 'notebook.page.noSales');
  const asOf = l.warehouseBuiltAt ? t(locale, 'notebook.page.asOfBuilt', { day, built: utcMinute(l.warehouseBuiltAt, locale) }) : t(locale, 'notebook.page.asOf', { day });
  return `${asOf} · ${generated}`;
}

/** The one line under the title, also the PDF's running header: the run's parameters. */
export const parametersLine = (params: readonly ShownParameter[]) => params.map((p) => `${p.name} = ${text(p.value)}`).join(' · ');

/** `charts`: the Vega-Lite outputs drawn, by output key (render.ts `drawCharts` of `vegaLiteOutputs`). */
export function renderNotebookHtml(nb: Notebook, page: PageInfo, charts: ReadonlyMap<string, DrawnChart> = new Map()): string {
  const { title, cell: titleCell } = notebookTitle(nb, page.notebook);
  const l = page.lineage;
  const locale = page.locale ?? 'en';
  const byDefault = ` <span class="default">${esc(t(locale, 'notebook.page.default'))}</span>`;
  const params = page.parameters.length
    ? `<dl class="params">${page.parameters.map((p) => `<div><dt>${esc(p.name)}</dt><dd>${esc(text(p.value))}${p.given ? '' : byDefault}</dd></div>`).join('')}</dl>`
    : '';
  const figures: Figures = { charts, interactive: Boolean(page.interactive), locale, shown: [] };
  const runtime = figures.interactive ? pageRuntime() : null;
  const body = nb.cells.map((c, i) => renderCell(c, i, page, figures, titleCell)).join('\n');
  const lineage = lineageFooter(l, page.notebook, locale);
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${runtime?.csp ?? staticCsp}">
<title>${esc(title)}${page.parameters.some((p) => p.given) ? ` · ${esc(parametersLine(page.parameters.filter((p) => p.given)))}` : ''}</title><style>${pageCss}</style></head>
<body><main>
<header class="report"><h1>${esc(title)}</h1><p>${esc(asOfLine(l, page.generatedAt, locale))}</p>${l ? `<p class="lineage-line">${esc(lineageLine(l, page.notebook, locale))}</p>` : ''}${params}</header>
${body}
${lineage}
${chartDataAppendix(figures.shown, locale)}
</main>${runtime ? `\n${runtime.scripts}` : ''}</body></html>
`;
}
