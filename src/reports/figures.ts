/**
 * A chart as a page shows it (pure): the server-rendered SVG, named for screen readers by the spec's description;
 * on an interactive page the compiled Vega spec beside it (data for the page's runtime, see page-runtime.ts); and its
 * data as a table, collapsed under the chart on screen and gathered in an appendix at the end of a printed page.
 */
import type { TopLevelSpec } from 'vega-lite';
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

/** The words the figures add to a page. */
export const figureLabels = {
  showData: 'Show the data',
  chartData: 'Chart data',
  chartDataNote: 'The data of each chart of this report, in the order the charts appear.',
  moreRows: (shown: number, all: number) => `The first ${shown} of ${all} rows.`,
  noTitle: 'Chart',
};

/** A chart's data table lists at most this many rows: a long series stays readable, and its appendix a few pages. */
export const maxTableRows = 100;

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function cellText(v: unknown, format: DataTable['columns'][number]['format']): string {
  if (format === 'text' || (typeof v !== 'number' && v !== null)) return String(v ?? '');
  if (format === 'number') return v === null ? '–' : plain.format(v);
  return formatValue(v, format);
}

function tableHtml(t: DataTable, caption: string | null): string {
  const num = (c: DataTable['columns'][number]) => (c.format === 'text' ? '' : ' class="num"');
  const head = t.columns.map((c) => `<th scope="col"${num(c)}>${esc(c.title.charAt(0).toUpperCase() + c.title.slice(1))}</th>`).join('');
  const rows = t.rows.slice(0, maxTableRows).map((r) => `<tr>${t.columns.map((c) => `<td${num(c)}>${esc(cellText(r[c.field], c.format))}</td>`).join('')}</tr>`);
  const more = t.rows.length > maxTableRows ? `<p class="note">${esc(figureLabels.moreRows(maxTableRows, t.rows.length))}</p>` : '';
  return `<table class="data-table">${caption ? `<caption>${esc(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

const tablesHtml = (spec: TopLevelSpec) => chartTables(spec).map((t) => tableHtml(t, t.title)).join('');

/** The SVG named for assistive technology: an image whose name is the chart's description (or its title). */
export function accessibleSvg(svg: string, spec: TopLevelSpec): string {
  const label = spec.description || specTitle(spec) || figureLabels.noTitle;
  return svg.replace(/^<svg\b/, `<svg role="img" aria-label="${esc(label)}"`);
}

/** `attrs`: more attributes of the figure (` class="chart"`). */
export function figureHtml(name: string, chart: DrawnChart, o: { interactive: boolean; attrs?: string }): string {
  const spec = o.interactive && chart.vega ? `<script type="application/json" class="vega-spec">${scriptJson(chart.vega)}</script>` : '';
  const tables = tablesHtml(chart.spec);
  const data = tables ? `<details class="chart-data"><summary>${esc(figureLabels.showData)}</summary>${tables}</details>` : '';
  return `<figure data-chart="${esc(name)}"${o.attrs ?? ''}>${accessibleSvg(chart.svg, chart.spec)}${spec}${data}</figure>`;
}

/** Every chart's data, for the end of a printed page (hidden on screen, where each chart has its own). */
export function chartDataAppendix(charts: readonly DrawnChart[]): string {
  const parts = charts.flatMap((c) => {
    const tables = tablesHtml(c.spec);
    return tables ? [`<section class="chart-table"><h3>${esc(specTitle(c.spec) || figureLabels.noTitle)}</h3>${tables}</section>`] : [];
  });
  if (!parts.length) return '';
  return `<section class="chart-data-appendix appendix" id="chart-data"><h2>${esc(figureLabels.chartData)}</h2><p class="note">${esc(figureLabels.chartDataNote)}</p>${parts.join('\n')}</section>`;
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
.chart-table{break-inside:avoid;page-break-inside:avoid}
.chart-table h3{font-size:14px;margin:14px 0 4px}
@media screen{figure.interactive>svg{display:none}.chart-data-appendix{display:none}}
@media print{.vega-chart,details.chart-data,#vg-tooltip-element{display:none!important}.chart-table h3{break-after:avoid;page-break-after:avoid}}
`;
