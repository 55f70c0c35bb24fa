/**
 * The executive report as one self-contained HTML file: inline CSS and SVG charts, no script, no network. Every
 * value from the data is escaped. Readable on a laptop and a phone; printable (the PDF is this page printed).
 */
import { formatsOf, periodLabel, translator, type Locale, type Translate } from '../i18n';
import type { ReportData, Kpi } from './data';
import { change, esc, formatValue, noSalesNote, reportTitle, standingText, utcMinute, type NumberFormat } from './format';
import { kpiLabel, namedRfmRows } from './labels';
import { rankFindings } from './ranked-findings';

export interface HtmlOptions {
  /** Chart name → SVG text (from render.ts). */
  charts: Record<string, string>;
  title?: string;
  /** Add the analyst appendix (model diagnostics). */
  appendix?: boolean;
  /** The reader's language: every word, number and date (`en` by default). */
  locale?: Locale;
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
.kpi .cmp>span:lang(es){white-space:normal}.kpi .cmp>span>span{white-space:nowrap}
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

export function kpiCard(k: Kpi, locale: Locale = 'en'): string {
  const tr = translator(locale);
  const value = (v: number | null) => formatValue(v, k.format, locale);
  const prev = change(k, k.previous, locale);
  const ly = change(k, k.lastYear, locale);
  const arrow = (d: string) => (d === 'up' ? '▲' : d === 'down' ? '▼' : '•');
  return `<div class="kpi" data-kpi="${esc(k.key)}"><div class="kpi-label">${esc(kpiLabel(k, locale))}</div><div class="value">${esc(value(k.value))}</div>
<div class="cmp"><span title="${esc(tr('report.kpis.previousValue', { value: value(k.previous) }))}">${esc(tr('report.kpis.vsPrevious'))} <span class="${prev.direction}">${arrow(prev.direction)} ${esc(prev.text)}</span></span>
<span title="${esc(tr('report.kpis.lastYearValue', { value: value(k.lastYear) }))}">${esc(tr('report.kpis.vsLastYear'))} <span class="${ly.direction}">${arrow(ly.direction)} ${esc(ly.text)}</span></span></div></div>`;
}

type Col<T> = { head: string; cell: (r: T) => string | number | null; num?: boolean; fmt?: NumberFormat };

/** What stands in place of a chart or table that has nothing to show. */
const emptyNote = (text: string) => `<p class="note empty-note">${esc(text)}</p>`;

/** `mark`: the rows to stand out (a branch report's own branch among all branches). */
function table<T>(rows: readonly T[], cols: Col<T>[], opts: { caption?: string; empty: string; mark?: (r: T) => boolean; locale: Locale }): string {
  const caption = opts.caption;
  if (!rows.length) return emptyNote(opts.empty);
  const td = (c: Col<T>, r: T) => {
    const v = c.cell(r);
    const text = c.fmt && (typeof v === 'number' || v === null) ? formatValue(v, c.fmt, opts.locale) : String(v ?? '');
    return `<td${c.num ? ' class="num"' : ''}>${esc(text)}</td>`;
  };
  // A short table keeps together on a printed page; a long one may break between rows (its header repeats).
  return `<table${rows.length <= 12 ? ' class="short"' : ''}>${caption ? `<caption class="note">${esc(caption)}</caption>` : ''}<thead><tr>${cols.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr${opts.mark?.(r) ? ' class="this-branch"' : ''}>${cols.map((c) => td(c, r)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const figure = (charts: Record<string, string>, name: string, empty: string) => (charts[name] ? `<figure data-chart="${esc(name)}">${charts[name]}</figure>` : emptyNote(empty));

/** Markdown's `**bold**` of a finding, in HTML (the text escaped first). */
export const strongText = (markdown: string) => esc(markdown).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

/** Since the previous report of the same job: restatements first, then the headline figures that moved. */
function whatChangedSection(d: ReportData, tr: Translate): string {
  if (!d.whatChanged?.length) return '';
  return `<section id="what-changed" class="what-changed"><h2>${esc(tr('report.whatChanged.heading'))}</h2><ul>${d.whatChanged.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`;
}

function findingsSection(d: ReportData, locale: Locale): string {
  const tr = translator(locale);
  const found = rankFindings(d, undefined, locale);
  const none = `<p class="note">${esc(tr('report.findings.none'))}</p>`;
  const items = d.empty ? `<p>${esc(tr('report.findings.noSales', { period: periodLabel(locale, d.period) }))}</p>` : found.length ? `<ul>${found.map((f) => `<li data-finding="${esc(f.id)}">${strongText(f.text)}</li>`).join('')}</ul>` : none;
  return `<section id="findings" class="findings"><h2>${esc(tr('report.findings.heading'))}</h2>${items}</section>`;
}

type ProductCols = Col<ReportData['topProducts'][number]>[];
const productCols = (tr: Translate): ProductCols => [
  { head: tr('report.column.product'), cell: (r) => r.name },
  { head: tr('report.column.subCategory'), cell: (r) => r.sub_category },
  { head: tr('report.column.units'), cell: (r) => r.units, num: true, fmt: 'count' },
  { head: tr('report.column.revenue'), cell: (r) => r.revenue, num: true, fmt: 'money' },
  { head: tr('report.column.profit'), cell: (r) => r.profit, num: true, fmt: 'money' },
  { head: tr('report.column.margin'), cell: (r) => r.margin, num: true, fmt: 'percent' },
];

/** The columns every money table shares: revenue, profit, margin. */
const moneyCols = <T extends { revenue: number; profit: number; margin: number | null }>(tr: Translate): Col<T>[] => [
  { head: tr('report.column.revenue'), cell: (r) => r.revenue, num: true, fmt: 'money' },
  { head: tr('report.column.profit'), cell: (r) => r.profit, num: true, fmt: 'money' },
  { head: tr('report.column.margin'), cell: (r) => r.margin, num: true, fmt: 'percent' },
];

/** The sections of a period with sales; a period without keeps each heading, with the note in place of its content. */
function bodySections(d: ReportData, c: Record<string, string>, locale: Locale): string {
  const tr = translator(locale);
  const none = noSalesNote(d.period, locale);
  const orNone = (html: () => string) => (d.empty ? emptyNote(none) : html());
  const opts = { empty: none, locale };
  const products = productCols(tr);
  return `<section><h2>${esc(tr('report.section.trend'))}</h2>${figure(c, 'trend', none)}</section>
<section><h2>${esc(tr('report.section.branches'))}</h2>${orNone(() => `${standingLine(d, locale)}<div class="grid2">${figure(c, 'branches', none)}${figure(c, 'segments', none)}</div>
${table(d.branches, [{ head: tr('report.column.branch'), cell: (r) => r.branch }, { head: tr('report.column.orders'), cell: (r) => r.orders, num: true, fmt: 'count' }, ...moneyCols<ReportData['branches'][number]>(tr)], { ...opts, mark: (r) => r.branch === d.branch?.name })}`)}</section>
<section><h2>${esc(tr('report.section.categories'))}</h2>${orNone(() => `${figure(c, 'categories', none)}
${table(d.categories, [{ head: tr('report.column.category'), cell: (r) => r.category }, { head: tr('report.column.subCategory'), cell: (r) => r.sub_category }, { head: tr('report.column.units'), cell: (r) => r.units, num: true, fmt: 'count' }, ...moneyCols<ReportData['categories'][number]>(tr), { head: tr('report.column.avgDiscount'), cell: (r) => r.avg_discount, num: true, fmt: 'percent' }], opts)}`)}</section>
<section><h2>${esc(tr('report.section.products'))}</h2>${orNone(() => `${figure(c, 'top_products', none)}${table(d.topProducts, products, opts)}${figure(c, 'bottom_products', none)}${table(d.bottomProducts, products, opts)}`)}</section>
<section><h2>${esc(tr('report.section.discounts'))}</h2>${orNone(() => `<div class="grid2">${figure(c, 'discount', none)}${figure(c, 'shipping', none)}</div>
<div class="grid2">${table(d.discountBands, [{ head: tr('report.column.discount'), cell: (r) => r.band }, { head: tr('report.column.lines'), cell: (r) => r.lines, num: true, fmt: 'count' }, { head: tr('report.column.revenue'), cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: tr('report.column.margin'), cell: (r) => r.margin, num: true, fmt: 'percent' }], opts)}
${table(d.shipping, [{ head: tr('report.column.shipMode'), cell: (r) => r.ship_mode }, { head: tr('report.column.orders'), cell: (r) => r.orders, num: true, fmt: 'count' }, { head: tr('report.column.revenue'), cell: (r) => r.revenue, num: true, fmt: 'money' }, { head: tr('report.column.leadDays'), cell: (r) => r.avg_lead_days, num: true, fmt: 'days' }], opts)}</div>`)}</section>
${rfmSection(d, c, locale)}`;
}

/** A branch report's rank among all branches, in one line above their chart and table; nothing for the company's. */
function standingLine(d: ReportData, locale: Locale): string {
  return d.branch && d.standing ? `<p class="standing" data-standing="${esc(d.branch.id)}">${esc(standingText(d.branch, d.standing, locale))}</p>` : '';
}

function rfmSection(d: ReportData, c: Record<string, string>, locale: Locale): string {
  const tr = translator(locale);
  const asOf = formatsOf(locale).day(d.period.to);
  const noCustomers = tr('report.rfm.noCustomers', { date: asOf });
  const cols: Col<ReportData['rfm'][number]>[] = [
    { head: tr('report.column.segment'), cell: (r) => r.segment },
    { head: tr('report.column.customers'), cell: (r) => r.customers, num: true, fmt: 'count' },
    { head: tr('report.column.share'), cell: (r) => r.share, num: true, fmt: 'percent' },
    { head: tr('report.column.revenueToDate'), cell: (r) => r.revenue, num: true, fmt: 'money' },
  ];
  return `<section><h2>${esc(tr('report.section.rfm', { date: asOf }))}</h2><div class="grid2">${figure(c, 'rfm', noCustomers)}
${table(namedRfmRows(d.rfm, locale), cols, { empty: noCustomers, locale })}</div>
<p class="note">${esc(tr('report.rfm.definition'))}${d.branch ? esc(tr('report.rfm.branchNote', { branch: d.branch.name })) : ''}</p></section>`;
}

/**
 * The analyst appendix (`--appendix`): the recommendation model's pairs and its offline evaluation. Model
 * diagnostics, trained on all the data there is: not an executive's reading, and not "as of" the period.
 */
export function appendixSection(d: ReportData, locale: Locale = 'en'): string {
  const tr = translator(locale);
  const f = formatsOf(locale);
  const ev = d.reco.evaluation;
  const m = d.reco.model;
  const model = m
    ? `<p class="note">${esc(tr('report.appendix.model', { trainedAt: utcMinute(m.trained_at, locale), level: m.level, to: f.day(d.period.to), items: f.count(m.items), pairs: f.count(m.pairs) }))}</p>`
    : `<p class="note">${esc(tr('report.appendix.noModel', { command: '\u0000' })).replace('\u0000', '<code>npm run train</code>')}</p>`;
  const support = d.reco.support.header === 'Customers' ? tr('report.appendix.supportCustomers') : tr('report.appendix.supportOrders');
  const pairs = m ? table(d.reco.pairs, [{ head: tr('report.column.product'), cell: (r) => r.a }, { head: tr('report.appendix.boughtWith'), cell: (r) => r.b }, { head: support, cell: (r) => r.support, num: true, fmt: 'count' }, { head: tr('report.appendix.similarity'), cell: (r) => r.similarity, num: true, fmt: 'ratio' }], { caption: tr('report.appendix.pairsCaption'), empty: tr('report.appendix.noPairs'), locale }) : '';
  const evaluation = ev
    ? table(ev.rows, [{ head: tr('report.appendix.scorer'), cell: (r) => r.scorer }, { head: tr('report.appendix.level'), cell: (r) => r.level }, { head: tr('report.appendix.hitRate'), cell: (r) => r.hr, num: true, fmt: 'percent' }, { head: tr('report.appendix.ndcg'), cell: (r) => r.ndcg, num: true, fmt: 'ratio' }, { head: tr('report.appendix.coverage'), cell: (r) => r.coverage, num: true, fmt: 'percent' }], { caption: tr('report.appendix.evaluationCaption', { cut: f.day(ev.cut), cases: f.count(ev.cases) }), empty: tr('report.appendix.noCases'), locale })
    : '';
  return `<section class="appendix" id="appendix"><h2>${esc(tr('report.appendix.heading'))}</h2>${model}${pairs}${evaluation}</section>`;
}

/** Where the figures come from: the source file (its description in the reader's words), lake, rejects, build. */
export function sourceText(l: Pick<ReportData['lineage'], 'source' | 'sourceFile'>, locale: Locale): string {
  if (l.source === `${l.sourceFile} (the Tableau Superstore sample)`) return translator(locale)('report.lineage.sample', { file: l.sourceFile });
  if (l.source === `${l.sourceFile} (Superstore-shaped sales)`) return translator(locale)('report.lineage.shaped', { file: l.sourceFile });
  return l.source;
}

function lineageFooter(d: ReportData, locale: Locale): string {
  const tr = translator(locale);
  const l = d.lineage;
  const unknown = tr('report.lineage.unknown');
  return `<footer class="lineage"><dl>
<dt>${esc(tr('report.lineage.source'))}</dt><dd>${esc(sourceText(l, locale))}</dd>
<dt>${esc(tr('report.lineage.lake'))}</dt><dd>${esc(tr('report.lineage.lakeLines', { lines: formatValue(l.lakeLines, 'count', locale), database: d.database }))}</dd>
<dt>${esc(tr('report.lineage.rejects'))}</dt><dd>${esc(l.rejects === null ? unknown : formatValue(l.rejects, 'count', locale))}</dd>
<dt>${esc(tr('report.lineage.deadLetters'))}</dt><dd>${esc(l.deadLetters === null ? unknown : formatValue(l.deadLetters, 'count', locale))}</dd>
<dt>${esc(tr('report.lineage.warehouseBuilt'))}</dt><dd>${esc(l.warehouseBuiltAt ? utcMinute(l.warehouseBuiltAt, locale) : tr('report.lineage.never'))}</dd>
</dl></footer>`;
}

/** The report's days in the reader's words: "2017-12-01 to 2017-12-31", "del 1 dic 2017 al 31 dic 2017". */
export const periodDays = (r: { from: string; to: string }, locale: Locale) => translator(locale)('report.days', { from: formatsOf(locale).day(r.from), to: formatsOf(locale).day(r.to) });

export function renderHtml(d: ReportData, opts: HtmlOptions): string {
  const locale = opts.locale ?? 'en';
  const tr = translator(locale);
  const f = formatsOf(locale);
  const title = opts.title ?? reportTitle(tr('report.title'), d.branch);
  const p = d.period;
  const label = periodLabel(locale, p);
  const compared = tr('report.kpis.compared', { previousFrom: f.day(p.previous.from), previousTo: f.day(p.previous.to), lastYearFrom: f.day(p.lastYear.from), lastYearTo: f.day(p.lastYear.to) });
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(label)}</title><style>${reportCss}</style></head>
<body><main>
<header class="report"><h1>${esc(title)}</h1><p>${esc(tr('report.subtitle', { period: label, from: f.day(p.from), to: f.day(p.to), generated: utcMinute(d.generatedAt, locale) }))}</p></header>
${d.empty ? `<div class="empty" data-empty="period">${esc(tr('report.emptyBanner', { note: noSalesNote(p, locale) }))}</div>` : ''}
${findingsSection(d, locale)}
${whatChangedSection(d, tr)}
<section class="section"><h2>${esc(tr('report.kpis.heading'))}</h2><div class="kpis">${d.kpis.map((k) => kpiCard(k, locale)).join('')}</div>
<p class="note">${esc(compared)}</p></section>
${bodySections(d, opts.charts, locale)}
${opts.appendix ? appendixSection(d, locale) : ''}
${lineageFooter(d, locale)}
</main></body></html>
`;
}
