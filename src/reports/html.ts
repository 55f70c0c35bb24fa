/**
 * The executive report as one self-contained HTML file: inline CSS and SVG charts, no network. Interactive, its charts
 * are drawn again in the page by Vega's runtime, inlined (tooltips, a legend that highlights); static, it holds no
 * script. Every value from the data is escaped. Readable on a laptop and a phone; printable (the PDF is the static
 * page printed, and the interactive one prints the same).
 */
import type { ReportData, Kpi } from './data';
import { change, esc, formatValue, noSalesNote, reportTitle, standingText, utcMinute, type NumberFormat } from './format';
import { rankFindings } from './ranked-findings';
import { rfmDefinition } from './rfm';
import { chartDataAppendix, figureCss, figureHtml, type DrawnChart } from './figures';
import { pageRuntime, staticCsp } from './page-runtime';
import type { Locale } from '../i18n';

export interface HtmlOptions {
  /** Chart name → the chart drawn (render.ts `drawCharts`). */
  charts: Record<string, DrawnChart>;
  /** Draw the charts in the page (their compiled specs and Vega's runtime inlined); otherwise the page has no script. */
  interactive?: boolean;
  /** The reader's language: of the words the figures add, and the page's `lang` ('en' by default). */
  locale?: Locale;
  title?: string;
  /** Add the analyst appendix (model diagnostics). */
  appendix?: boolean;
}

export const reportCss = `
:root{--ink:#1d2433;--muted:#5b6578;--line:#e3e7ee;--up:#1e7d45;--down:#b4361f;--card:#f6f8fb;--accent:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1040px;margin:0 auto;padding:24px 20px 40px}
header.report{border-bottom:3px solid var(--accent);padding-bottom:10px;margin-bottom:18px}
header.report h1{font-size:24px;margin:0 0 4px}
header.report p{margin:0;color:var(--muted)}
h2{font-size:17px;margin:26px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.kpis{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.kpi .kpi-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:21px;font-weight:bold;margin:2px 0 4px;white-space:nowrap}
.kpi .cmp{font-size:12px;color:var(--muted);display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 6px}
.kpi .cmp>span{white-space:nowrap}
.up{color:var(--up)} .down{color:var(--down)} .flat,.none{color:var(--muted)}
.grid2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px}
.grid2>*{min-width:0}
figure{margin:0;break-inside:avoid;page-break-inside:avoid}
figure svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0 4px;break-inside:auto}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--card);font-weight:600}
td.num,th.num{text-align:right}
td.num{white-space:nowrap}
.section{break-inside:avoid;page-break-inside:avoid}
.note{color:var(--muted);font-size:12.5px}
footer.lineage{margin-top:30px;border-top:1px solid var(--line);padding-top:10px;color:var(--muted);font-size:12px}
footer.lineage dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
footer.lineage dt{font-weight:600}
.empty{padding:18px;background:#fff6e5;border:1px solid #f0d9a8;border-radius:8px}
.findings{background:#f3f7fc;border-left:4px solid var(--accent);padding:2px 16px 8px;margin-top:6px}
.findings h2{border:0;margin:10px 0 4px}
.findings ul{margin:0;padding-left:18px}
.findings li{margin:4px 0}
.appendix{break-before:page;page-break-before:always}
.what-changed{border-left:4px solid var(--muted);padding:2px 16px 6px;margin-top:10px;background:var(--card)}
.what-changed h2{border:0;margin:8px 0 4px;font-size:15px}
.what-changed ul{margin:0;padding-left:18px}
.standing{font-size:15px;margin:4px 0 10px}
tr.this-branch td{font-weight:bold;background:#f3f7fc}
@media screen and (max-width:760px){.kpis{grid-template-columns:repeat(2,minmax(0,1fr))}.grid2{grid-template-columns:1fr}main{padding:14px 10px}.kpi .value{font-size:18px}}
@media print{main{max-width:none;padding:0}table.short{break-inside:avoid;page-break-inside:avoid}.kpi .cmp{flex-direction:column;gap:0}.kpi .value{font-size:18px}h2{break-after:avoid;page-break-after:avoid}.kpi{break-inside:avoid}a{color:inherit;text-decoration:none}h2{margin-top:18px}}
`;

export function kpiCard(k: Kpi): string {
  const prev = change(k, k.previous);
  const ly = change(k, k.lastYear);
  const arrow = (d: string) => (d === 'up' ? '▲' : d === 'down' ? '▼' : '•');
  return `<div class="kpi" data-kpi="${esc(k.key)}"><div class="kpi-label">${esc(k.label)}</div><div class="value">${esc(formatValue(k.value, k.format))}</div>
<div class="cmp"><span title="previous period: ${esc(formatValue(k.previous, k.format))}">vs prev <span class="${prev.direction}">${arrow(prev.direction)} ${esc(prev.text)}</span></span>
<span title="a year before: ${esc(formatValue(k.lastYear, k.format))}">vs LY <span class="${ly.direction}">${arrow(ly.direction)} ${esc(ly.text)}</span></span></div></div>`;
}

type Col<T> = { head: string; cell: (r: T) => string | number | null; num?: boolean; fmt?: NumberFormat };

/** What stands in place of a chart or table that has nothing to show. */
const emptyNote = (text: string) => `<p class="note empty-note">${esc(text)}</p>`;

/** `mark`: the rows to stand out (a branch report's own branch among all branches). */
function table<T>(rows: readonly T[], cols: Col<T>[], opts: { caption?: string; empty: string; mark?: (r: T) => boolean }): string {
  const caption = opts.caption;
  if (!rows.length) return emptyNote(opts.empty);
  const td = (c: Col<T>, r: T) => {
    const v = c.cell(r);
    const text = c.fmt && (typeof v === 'number' || v === null) ? formatValue(v, c.fmt) : String(v ?? '');
    return `<td${c.num ? ' class="num"' : ''}>${esc(text)}</td>`;
  };
  // A short table keeps together on a printed page; a long one may break between rows (its header repeats).
  return `<table${rows.length <= 12 ? ' class="short"' : ''}>${caption ? `<caption class="note">${esc(caption)}</caption>` : ''}<thead><tr>${cols.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr${opts.mark?.(r) ? ' class="this-branch"' : ''}>${cols.map((c) => td(c, r)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A chart of the report by name, or the note that stands in its place. */
type Figure = (name: string, empty: string) => string;

/** Markdown's `**bold**` of a finding, in HTML (the text escaped first). */
export const strongText = (markdown: string) => esc(markdown).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

/** Since the previous report of the same job: restatements first, then the headline figures that moved. */
function whatChangedSection(d: ReportData): string {
  if (!d.whatChanged?.length) return '';
  return `<section id="what-changed" class="what-changed"><h2>What changed since the last report</h2><ul>${d.whatChanged.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`;
}

function findingsSection(d: ReportData): string {
  const found = rankFindings(d);
  const items = d.empty ? `<p>${esc(`No sales in ${d.period.label}: every figure is zero.`)}</p>` : found.length ? `<ul>${found.map((f) => `<li data-finding="${esc(f.id)}">${strongText(f.text)}</li>`).join('')}</ul>` : '<p class="note">Nothing stands out: no loss, and no large change against the periods compared.</p>';
  return `<section id="findings" class="findings"><h2>What happened</h2>${items}</section>`;
}

type ProductCols = Col<ReportData['topProducts'][number]>[];
const productCols: ProductCols = [
  { head: 'Product', cell: (r) => r.name },
  { head: 'Sub-category', cell: (r) => r.sub_category },
  { head: 'Units', cell: (r) => r.units, num: true, fmt: 'count' },
  { head: 'Revenue', cell: (r) => r.revenue, num: true, fmt: 'money' },
  { head: 'Profit', cell: (r) => r.profit, num: true, fmt: 'money' },
  { head: 'Margin', cell: (r) => r.margin, num: true, fmt: 'percent' },
];

/** The sections of a period with sales; a period without keeps each heading, with the note in place of its content. */
function bodySections(d: ReportData, figure: Figure): string {
  const none = noSalesNote(d.period);
  const orNone = (html: () => string) => (d.empty ? emptyNote(none) : html());
  return `<section><h2>Trend</h2>${figure('trend', none)}</section>
<section><h2>Branches and customers</h2>${orNone(() => `${standingLine(d)}<div class="grid2">${figure('branches', none)}${figure('segments', none)}</div>
${table(d.branches, [{ head: 'Branch', cell: (r) => r.branch }, { head: 'Orders', cell: (r) => r.orders, num: true, fmt: 'count' }, { head: 'Revenue', cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: 'Profit', cell: (r) => r.profit, num: true, fmt: 'money' }, { head: 'Margin', cell: (r) => r.margin, num: true, fmt: 'percent' }], { empty: none, mark: (r) => r.branch === d.branch?.name })}`)}</section>
<section><h2>Categories</h2>${orNone(() => `${figure('categories', none)}
${table(d.categories, [{ head: 'Category', cell: (r) => r.category }, { head: 'Sub-category', cell: (r) => r.sub_category }, { head: 'Units', cell: (r) => r.units, num: true, fmt: 'count' }, { head: 'Revenue', cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: 'Profit', cell: (r) => r.profit, num: true, fmt: 'money' }, { head: 'Margin', cell: (r) => r.margin, num: true, fmt: 'percent' }, { head: 'Avg discount', cell: (r) => r.avg_discount, num: true, fmt: 'percent' }], { empty: none })}`)}</section>
<section><h2>Products</h2>${orNone(() => `${figure('top_products', none)}${table(d.topProducts, productCols, { empty: none })}${figure('bottom_products', none)}${table(d.bottomProducts, productCols, { empty: none })}`)}</section>
<section><h2>Discounts and shipping</h2>${orNone(() => `<div class="grid2">${figure('discount', none)}${figure('shipping', none)}</div>
<div class="grid2">${table(d.discountBands, [{ head: 'Discount', cell: (r) => r.band }, { head: 'Lines', cell: (r) => r.lines, num: true, fmt: 'count' }, { head: 'Revenue', cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: 'Margin', cell: (r) => r.margin, num: true, fmt: 'percent' }], { empty: none })}
${table(d.shipping, [{ head: 'Ship mode', cell: (r) => r.ship_mode }, { head: 'Orders', cell: (r) => r.orders, num: true, fmt: 'count' }, { head: 'Revenue', cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: 'Lead time (days)', cell: (r) => r.avg_lead_days, num: true, fmt: 'days' }], { empty: none })}</div>`)}</section>
${rfmSection(d, figure)}`;
}

/** A branch report's rank among all branches, in one line above their chart and table; nothing for the company's. */
function standingLine(d: ReportData): string {
  return d.branch && d.standing ? `<p class="standing" data-standing="${esc(d.branch.id)}">${esc(standingText(d.branch, d.standing))}</p>` : '';
}

function rfmSection(d: ReportData, figure: Figure): string {
  const noCustomers = `No customer had ordered by ${d.period.to}.`;
  return `<section><h2>Customer segments (RFM, as of ${esc(d.period.to)})</h2><div class="grid2">${figure('rfm', noCustomers)}
${table(d.rfm, [{ head: 'Segment', cell: (r) => r.segment }, { head: 'Customers', cell: (r) => r.customers, num: true, fmt: 'count' }, { head: 'Share', cell: (r) => r.share, num: true, fmt: 'percent' }, { head: 'Revenue to date', cell: (r) => r.revenue, num: true, fmt: 'money' }], { empty: noCustomers })}</div>
<p class="note">${esc(rfmDefinition)}${d.branch ? esc(` In this branch report: the customers who had ordered at ${d.branch.name}, scored on their orders there.`) : ''}</p></section>`;
}

/**
 * The analyst appendix (`--appendix`): the recommendation model's pairs and its offline evaluation. Model
 * diagnostics, trained on all the data there is: not an executive's reading, and not "as of" the period.
 */
export function appendixSection(d: ReportData): string {
  const ev = d.reco.evaluation;
  const model = d.reco.model
    ? `<p class="note">Model trained ${esc(utcMinute(d.reco.model.trained_at))} on ${esc(d.reco.model.level)} baskets of all the data (not only up to ${esc(d.period.to)}): ${esc(formatValue(d.reco.model.items, 'count'))} products, ${esc(formatValue(d.reco.model.pairs, 'count'))} co-purchased pairs.</p>`
    : '<p class="note">No model trained yet (<code>npm run train</code>).</p>';
  const pairs = d.reco.model ? table(d.reco.pairs, [{ head: 'Product', cell: (r) => r.a }, { head: 'Most often bought with', cell: (r) => r.b }, { head: d.reco.support.header, cell: (r) => r.support, num: true, fmt: 'count' }, { head: 'Similarity', cell: (r) => r.similarity, num: true, fmt: 'ratio' }], { caption: 'Most co-purchased pairs', empty: 'The model holds no co-purchased pairs.' }) : '';
  const evaluation = ev
    ? table(ev.rows, [{ head: 'Scorer', cell: (r) => r.scorer }, { head: 'Level', cell: (r) => r.level }, { head: 'Hit rate @5', cell: (r) => r.hr, num: true, fmt: 'percent' }, { head: 'NDCG @5', cell: (r) => r.ndcg, num: true, fmt: 'ratio' }, { head: 'Coverage', cell: (r) => r.coverage, num: true, fmt: 'percent' }], { caption: `Offline evaluation: trained before ${ev.cut}, ${formatValue(ev.cases, 'count')} test cases`, empty: 'No evaluation cases.' })
    : '';
  return `<section class="appendix" id="appendix"><h2>Analyst appendix: the recommendation model</h2>${model}${pairs}${evaluation}</section>`;
}

function lineageFooter(d: ReportData): string {
  const l = d.lineage;
  return `<footer class="lineage"><dl>
<dt>Source</dt><dd>${esc(l.source)}</dd>
<dt>Lake</dt><dd>${esc(formatValue(l.lakeLines, 'count'))} sales lines in database ${esc(d.database)}</dd>
<dt>Rejected rows</dt><dd>${esc(l.rejects ?? 'unknown')}</dd>
<dt>Dead letters</dt><dd>${esc(l.deadLetters ?? 'unknown')}</dd>
<dt>Warehouse built</dt><dd>${esc(l.warehouseBuiltAt ? utcMinute(l.warehouseBuiltAt) : 'never')}</dd>
</dl></footer>`;
}

export function renderHtml(d: ReportData, opts: HtmlOptions): string {
  const title = opts.title ?? reportTitle('Executive sales report', d.branch);
  const p = d.period;
  const interactive = Boolean(opts.interactive);
  const locale = opts.locale ?? 'en';
  const runtime = interactive ? pageRuntime() : null;
  const figure: Figure = (name, empty) => (opts.charts[name] ? figureHtml(name, opts.charts[name], { interactive, locale }) : emptyNote(empty));
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${runtime?.csp ?? staticCsp}">
<title>${esc(title)} · ${esc(p.label)}</title><style>${reportCss}${figureCss}</style></head>
<body><main>
<header class="report"><h1>${esc(title)}</h1><p>${esc(p.label)} · ${esc(p.from)} to ${esc(p.to)} · generated ${esc(utcMinute(d.generatedAt))}</p></header>
${d.empty ? `<div class="empty" data-empty="period">${esc(noSalesNote(p))} The key figures are zero; the comparisons below show the periods that have data.</div>` : ''}
${findingsSection(d)}
${whatChangedSection(d)}
<section class="section"><h2>Key figures</h2><div class="kpis">${d.kpis.map(kpiCard).join('')}</div>
<p class="note">Compared with the previous period (${esc(p.previous.from)} to ${esc(p.previous.to)}) and the same period a year before (${esc(p.lastYear.from)} to ${esc(p.lastYear.to)}).</p></section>
${bodySections(d, figure)}
${opts.appendix ? appendixSection(d) : ''}
${lineageFooter(d)}
${chartDataAppendix(Object.values(opts.charts), locale)}
</main>${runtime ? `\n${runtime.scripts}` : ''}</body></html>
`;
}
