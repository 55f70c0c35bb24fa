/**
 * A chart as a page shows it (pure): the server-rendered SVG, named for screen readers by the spec's description;
 * on an interactive page the compiled Vega spec beside it (data for the page's runtime, see page-runtime.ts); and its
 * data as a table, collapsed under the chart on screen and gathered in an appendix at the end of a printed page.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatsOf, intlTag, t, type Locale } from '../i18n';
import { chartTables, specTitle, type DataTable } from './chart-data';
import { esc, formatValue } from './format';
import { scriptJson } from './interactive-spec';

/** A chart drawn for a page (render.ts `drawCharts`). */
export interface DrawnChart {
  /** The Vega-Lite spec, with its description. */
  spec: TopLevelSpec;
  /** Drawn in Node: what a static page, a printout and a page without script show. */
  svg: string;
  /** The interactive spec compiled to Vega (tooltips, legend highlighting); absent when only a static page is wanted. */
  vega?: object;
}

/** A chart's data table lists at most this many rows: a long series stays readable, and its appendix a few pages. */
export const maxTableRows = 100;

function cellText(v: unknown, format: DataTable['columns'][number]['format'], locale: Locale): string {
  if (format === 'day' && typeof v === 'string') return formatsOf(locale).day(v);
  if (format === 'text' || format === 'day' || (typeof v !== 'number' && v !== null)) return String(v ?? '');
  if (format === 'number') return v === null ? '–' : new Intl.NumberFormat(intlTag[locale], { maximumFractionDigits: 2 }).format(v);
  return formatValue(v, format, locale);
}

function tableHtml(table: DataTable, locale: Locale): string {
  const num = (c: DataTable['columns'][number]) => (c.format === 'text' || c.format === 'day' ? '' : ' class="num"');
  const head = table.columns.map((c) => `<th scope="col"${num(c)}>${esc(c.title.charAt(0).toUpperCase() + c.title.slice(1))}</th>`).join('');
  const rows = table.rows.slice(0, maxTableRows).map((r) => `<tr>${table.columns.map((c) => `<td${num(c)}>${esc(cellText(r[c.field], c.format, locale))}</td>`).join('')}</tr>`);
  const f = formatsOf(locale);
  const more = table.rows.length > maxTableRows ? `<p class="note">${esc(t(locale, 'figure.moreRows', { shown: f.count(maxTableRows), count: f.count(table.rows.length) }))}</p>` : '';
  // A short table keeps together on a printed page (reportCss); a long one breaks between rows, its header repeated.
  return `<table class="data-table${table.rows.length <= 12 ? ' short' : ''}">${table.title ? `<caption>${esc(table.title)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

const tablesHtml = (spec: TopLevelSpec, locale: Locale) => chartTables(spec, locale).map((table) => tableHtml(table, locale)).join('');

/**
 * The spec with a description, for a chart that has none (a notebook's, a dashboard's): its title, and where its
 * data is. Vega names the interactive chart by it, as `accessibleSvg` names the static one.
 */
export function withDescription(spec: TopLevelSpec, locale: Locale = 'en'): TopLevelSpec {
  if (spec.description) return spec;
  const rows = chartTables(spec, locale).reduce((n, table) => n + table.rows.length, 0);
  const title = specTitle(spec) || t(locale, 'figure.untitled');
  return { ...spec, description: rows ? t(locale, 'figure.generic', { title, rows, rowsText: formatsOf(locale).count(rows) }) : title } as TopLevelSpec;
}

/** The SVG named for assistive technology: an image whose name is the chart's description (or its title). */
export function accessibleSvg(svg: string, spec: TopLevelSpec, locale: Locale = 'en'): string {
  const label = spec.description || specTitle(spec) || t(locale, 'figure.untitled');
  return svg.replace(/^<svg\b/, `<svg role="img" aria-label="${esc(label)}"`);
}

/** `attrs`: more attributes of the figure (` class="chart"`). */
export function figureHtml(name: string, chart: DrawnChart, o: { interactive: boolean; locale?: Locale; attrs?: string }): string {
  const locale = o.locale ?? 'en';
  const spec = o.interactive && chart.vega ? `<script type="application/json" class="vega-spec">${scriptJson(chart.vega)}</script>` : '';
  const tables = tablesHtml(chart.spec, locale);
  const data = tables ? `<details class="chart-data"><summary>${esc(t(locale, 'figure.showData'))}</summary>${tables}</details>` : '';
  return `<figure data-chart="${esc(name)}"${o.attrs ?? ''}>${accessibleSvg(chart.svg, chart.spec, locale)}${spec}${data}</figure>`;
}

/** Every chart's data, for the end of a printed page (hidden on screen, where each chart has its own). */
export function chartDataAppendix(charts: readonly DrawnChart[], locale: Locale = 'en'): string {
  const parts = charts.flatMap((c) => {
    const tables = tablesHtml(c.spec, locale);
    return tables ? [`<section class="chart-table"><h3>${esc(specTitle(c.spec) || t(locale, 'figure.untitled'))}</h3>${tables}</section>`] : [];
  });
  if (!parts.length) return '';
  return `<section class="chart-data-appendix appendix" id="chart-data"><h2>${esc(t(locale, 'figure.chartData'))}</h2><p class="note">${esc(t(locale, 'figure.chartDataNote'))}</p>${parts.join('\n')}</section>`;
}

/**
 * The figures' rules. On screen an interactive chart takes its static SVG's place, each table is collapsed under its
 * chart, and the appendix is hidden; printed, the page is the static one (the PDF): the SVG drawn in Node, no
 * tooltip, no collapsed table, and the tables in the appendix.
 */
export const figureCss = `
details.chart-data{margin:2px 0 10px;font-size:12.5px}
details.chart-data summary{cursor:pointer;color:var(--accent);width:max-content;max-width:100%}
details.chart-data table{margin-top:4px}
table.data-table caption{text-align:left;font-weight:600;padding:4px 0}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.chart-table h3{font-size:14px;margin:14px 0 4px}
/* The chart data follows the report on its last page rather than leaving that page part blank. */
section.chart-data-appendix.appendix{break-before:auto;page-break-before:auto}
.chart-data-appendix table.data-table{font-size:11px;margin:2px 0 6px}
.chart-data-appendix .data-table th,.chart-data-appendix .data-table td{padding:2px 7px}
.data-table td{white-space:nowrap}.data-table td:first-child{white-space:normal}
@media screen{figure.interactive>svg{display:none}.chart-data-appendix{display:none}}
@media print{.vega-chart,details.chart-data,#vg-tooltip-element{display:none!important}.chart-table h3{break-after:avoid;page-break-after:avoid}}
`;
