/**
 * The report's Vega-Lite charts: pure functions from report rows to specs (golden-tested), shared with the
 * dashboards and the notebooks. Data is inlined, so a spec renders anywhere without network.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation } from '../pipeline/reco/evaluate';
import type { ReportData } from './data';
import { monthNames } from './period';
import { formatsOf, t, vegaLocale, type Locale } from '../i18n';
import { namedRfmRows } from './labels';

export const palette = { revenue: '#1f5fa8', profit: '#2e9d5b', loss: '#c8412f', average: '#e08a12', muted: '#8a94a6' };

const config = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e6e9ef', domainColor: '#b5bccb' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'top' },
  title: { fontSize: 13, anchor: 'start', fontWeight: 'bold', color: '#1d2433' },
  background: 'white',
  padding: 8,
} as const;

const base = (title: string, width: number, height: number) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title,
  width,
  height,
  config,
});

/**
 * Money axes carry the currency: "$400", "$1.4k", "$2.3M". d3's SI format alone gives "$0.4k" (one prefix for every
 * tick), hence the expression.
 */
const moneyAxis = { title: null, labelExpr: "abs(datum.value) < 1000 ? format(datum.value, '$,.0f') : format(datum.value, '$.3~s')" } as const;

/**
 * An axis of counts: integer ticks only. `tickMinStep: 1` alone is not enough: Vega caps the tick count at
 * span + 1, and d3 then picks a step of 0.5 for a domain [0, 1] (labels "0, 1, 1" with format `d`). No more
 * ticks than the span of the domain keeps d3's step at 1 or above.
 */
const countAxis = (channel: 'x' | 'y') =>
  ({
    format: ',d',
    tickMinStep: 1,
    tickCount: { expr: `min(ceil(${channel === 'x' ? 'width' : 'height'} / 40), max(1, span(domain('${channel}'))))` },
  }) as const;

/** What a chart without rows says where its marks would be. */
export const noDataMessage = t('en', 'chart.noData');

/** A view without rows: its title and a message where its marks would be (also a panel of a concatenated chart). */
function noDataView(title: string, width: number, height: number, message = noDataMessage) {
  return {
    title,
    width,
    height,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 13, color: palette.muted },
    encoding: { text: { field: 'message', type: 'nominal' }, x: { value: width / 2 }, y: { value: height / 2 } },
  };
}

/**
 * A chart without rows: its title and a message, at the size it would have had. Vega-Lite sizes an empty nominal
 * scale or legend as Infinity (an SVG no browser can draw or screenshot), so no builder passes empty data on.
 */
export function noDataChart(title: string, width: number, height: number, message = noDataMessage): TopLevelSpec {
  return { ...base(title, width, height), ...noDataView(title, width, height, message) } as TopLevelSpec;
}

/**
 * A legend's labels in the reader's words: the data's keys (`revenue`, `revenue_avg`) named by `names`, as a Vega
 * expression; the keys that read as they are need no clause.
 */
function legendLabels(names: Record<string, string>): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return Object.entries(names)
    .filter(([key, name]) => key !== name)
    .reduceRight((rest, [key, name]) => `datum.label === ${quote(key)} ? ${quote(name)} : ${rest}`, 'datum.label');
}

const seriesNames = (locale: Locale) => ({ revenue: t(locale, 'chart.series.revenue'), profit: t(locale, 'chart.series.profit'), revenue_avg: t(locale, 'chart.series.average') });

// Colour and dash share one legend only when their legend properties are identical.
const seriesLegend = (locale: Locale) => ({ labelLimit: 220, labelExpr: legendLabels(seriesNames(locale)) });

const trendTitle = (grain: 'day' | 'month', locale: Locale) => t(locale, grain === 'day' ? 'chart.trend.day' : 'chart.trend.month');

function trendView(trend: ReportData['trend'], grain: 'day' | 'month', title: string, width: number, height: number, legendBelow?: Record<string, unknown>, locale: Locale = 'en') {
  const legend = legendBelow ? { ...seriesLegend(locale), ...legendBelow } : seriesLegend(locale);
  return {
    title,
    width,
    height,
    data: { values: trend },
    transform: [{ fold: ['revenue', 'profit', 'revenue_avg'], as: ['series', 'value'] }, { filter: 'datum.value !== null' }],
    mark: { type: 'line', point: grain === 'month', strokeWidth: 2 },
    encoding: {
      x: { field: 'date', type: 'temporal', title: null, axis: { format: grain === 'day' ? '%d %b' : '%b %Y', labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', axis: moneyAxis },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['revenue', 'profit', 'revenue_avg'], range: [palette.revenue, palette.profit, palette.average] },
        legend,
      },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['revenue', 'profit', 'revenue_avg'], range: [[1, 0], [1, 0], [5, 3]] }, legend },
      tooltip: [{ field: 'date', type: 'temporal' }, { field: 'series', type: 'nominal' }, { field: 'value', type: 'quantitative', format: ',.2f' }],
    },
  };
}

export function trendChart(trend: ReportData['trend'], grain: 'day' | 'month', width = 640, height = 220, locale: Locale = 'en'): TopLevelSpec {
  const title = trendTitle(grain, locale);
  if (!trend.length) return noDataChart(title, width, height, t(locale, 'chart.noData'));
  return { ...base(title, width, height), ...trendView(trend, grain, title, width, height, undefined, locale) } as TopLevelSpec;
}

export function branchChart(branches: ReportData['branches'], width = 300, locale: Locale = 'en'): TopLevelSpec {
  const title = t(locale, 'chart.branches');
  if (!branches.length) return noDataChart(title, width, 170, t(locale, 'chart.noData'));
  // English reads the measures' keys as they are; another language names them.
  const legend = locale === 'en' ? {} : { legend: { labelExpr: legendLabels(seriesNames(locale)) } };
  return {
    ...base(title, width, 170),
    data: { values: branches },
    transform: [{ fold: ['revenue', 'profit'], as: ['measure', 'value'] }],
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'branch', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'measure', sort: null },
      x: { field: 'value', type: 'quantitative', axis: moneyAxis },
      color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['revenue', 'profit'], range: [palette.revenue, palette.profit] }, ...legend },
      tooltip: [{ field: 'branch' }, { field: 'measure' }, { field: 'value', type: 'quantitative', format: ',.2f' }],
    },
  } as TopLevelSpec;
}

export function categoryChart(categories: ReportData['categories'], width = 640, height = 240, locale: Locale = 'en'): TopLevelSpec {
  const title = t(locale, 'chart.categories');
  if (!categories.length) return noDataChart(title, width, height, t(locale, 'chart.noData'));
  return {
    ...base(title, width, height),
    data: { values: categories },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'sub_category', type: 'nominal', title: null, sort: '-y', axis: { labelAngle: -35 } },
      y: { field: 'revenue', type: 'quantitative', axis: moneyAxis },
      color: { field: 'category', type: 'nominal', title: null, scale: { range: ['#1f5fa8', '#e08a12', '#6b4fb3'] } },
      tooltip: [{ field: 'category' }, { field: 'sub_category' }, { field: 'revenue', format: ',.2f' }, { field: 'profit', format: ',.2f' }, { field: 'margin', format: '.1%' }],
    },
  } as TopLevelSpec;
}

/** A product name short enough for an axis (the full name is in the tooltip and the table beside the chart). */
export const shortName = (name: string, max = 42) => (name.length > max ? `${name.slice(0, max - 1).trimEnd()}…` : name);

/**
 * The rows with an axis label each: the short name, and where two short names are alike, the product ID after it
 * (a nominal axis would draw two products with one label as one bar).
 */
function productLabels<T extends { name: string; product_id: string }>(rows: readonly T[]): (T & { label: string })[] {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(shortName(r.name), (seen.get(shortName(r.name)) ?? 0) + 1);
  return rows.map((r) => ({ ...r, label: seen.get(shortName(r.name))! > 1 ? `${shortName(r.name, 26)} (${r.product_id})` : shortName(r.name) }));
}

export function productProfitChart(rows: ReportData['topProducts'], title: string, width = 640, locale: Locale = 'en'): TopLevelSpec {
  if (!rows.length) return noDataChart(title, width, 60, t(locale, 'chart.noData'));
  return {
    ...base(title, width, Math.max(60, rows.length * 20)),
    data: { values: productLabels(rows) },
    mark: { type: 'bar' },
    encoding: {
      // Vega measures text at about 0.8 em a character here (no canvas): the limit keeps a 42-character name whole.
      y: { field: 'label', type: 'nominal', title: null, sort: { field: 'profit', order: 'descending' }, axis: { labelLimit: 380 } },
      x: { field: 'profit', type: 'quantitative', axis: moneyAxis },
      color: { condition: { test: 'datum.profit < 0', value: palette.loss }, value: palette.profit },
      tooltip: [{ field: 'name' }, { field: 'product_id' }, { field: 'profit', format: ',.2f' }, { field: 'revenue', format: ',.2f' }, { field: 'units' }],
    },
  } as TopLevelSpec;
}

export function segmentChart(segments: ReportData['segments'], width = 300, locale: Locale = 'en'): TopLevelSpec {
  const title = t(locale, 'chart.segments');
  if (!segments.length) return noDataChart(title, width, 150, t(locale, 'chart.noData'));
  return {
    ...base(title, width, 150),
    data: { values: segments },
    mark: { type: 'bar', color: palette.revenue },
    encoding: {
      y: { field: 'segment', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'revenue', type: 'quantitative', axis: moneyAxis },
      tooltip: [{ field: 'segment' }, { field: 'customers' }, { field: 'orders' }, { field: 'revenue', format: ',.2f' }],
    },
  } as TopLevelSpec;
}

export function discountChart(bands: ReportData['discountBands'], width = 300, locale: Locale = 'en'): TopLevelSpec {
  const title = t(locale, 'chart.discount');
  if (!bands.length) return noDataChart(title, width, 170, t(locale, 'chart.noData'));
  return {
    ...base(title, width, 170),
    data: { values: bands },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'band', type: 'ordinal', title: t(locale, 'chart.discount.axis'), sort: null, axis: { labelAngle: 0 } },
      y: { field: 'margin', type: 'quantitative', title: null, axis: { format: '.0%' } },
      color: { condition: { test: 'datum.margin < 0', value: palette.loss }, value: palette.profit },
      tooltip: [{ field: 'band' }, { field: 'lines' }, { field: 'revenue', format: ',.2f' }, { field: 'profit', format: ',.2f' }, { field: 'margin', format: '.1%' }],
    },
  } as TopLevelSpec;
}

export function shippingChart(shipping: ReportData['shipping'], width = 300, locale: Locale = 'en'): TopLevelSpec {
  const title = t(locale, 'chart.shipping');
  if (!shipping.length) return noDataChart(title, width, 150, t(locale, 'chart.noData'));
  // English keeps the lead time as the data has it (4.9 d); another language writes its decimal sign (4,9 d).
  const days = (v: number) => t(locale, 'chart.shipping.days', { days: locale === 'en' ? String(v) : formatsOf(locale).oneDecimal(v) });
  return {
    ...base(title, width, 150),
    data: { values: shipping.map((s) => ({ ...s, lead: s.avg_lead_days === null ? '' : days(s.avg_lead_days) })) },
    encoding: { y: { field: 'ship_mode', type: 'nominal', title: null, sort: null }, x: { field: 'orders', type: 'quantitative', title: t(locale, 'chart.shipping.axis'), axis: countAxis('x') } },
    layer: [
      { mark: { type: 'bar', color: palette.revenue } },
      { mark: { type: 'text', align: 'left', dx: 4, color: '#1d2433' }, encoding: { text: { field: 'lead' } } },
    ],
  } as TopLevelSpec;
}

export function rfmChart(rfm: ReportData['rfm'], width = 300, asOf?: string, locale: Locale = 'en'): TopLevelSpec {
  const title = asOf ? t(locale, 'chart.rfm.asOf', { date: formatsOf(locale).day(asOf) }) : t(locale, 'chart.rfm');
  if (!rfm.length) return noDataChart(title, width, 170, t(locale, 'chart.noData'));
  return {
    ...base(title, width, 170),
    data: { values: namedRfmRows(rfm, locale) },
    mark: { type: 'bar', color: '#6b4fb3' },
    encoding: {
      y: { field: 'segment', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'customers', type: 'quantitative', title: t(locale, 'chart.rfm.axis'), axis: countAxis('x') },
      tooltip: [{ field: 'segment' }, { field: 'customers' }, { field: 'revenue', format: ',.2f' }, { field: 'share', format: '.1%' }],
    },
  } as TopLevelSpec;
}

/**
 * The report's printed widths in CSS px: A4 less its margins is 186 mm (703 px), half of a two-column row 344 px. A
 * chart drawn at the width it is printed keeps its 11 px text at 8 pt; one drawn wider is shrunk, text and all.
 */
export const printWidths = { full: 700, half: 340 } as const;

/** The spec at exactly `width` px, labels and legend included (Vega-Lite's `fit-x`), so the page never shrinks it. */
export function fitWidth(spec: TopLevelSpec, width: number): TopLevelSpec {
  return { ...spec, width, autosize: { type: 'fit-x', contains: 'padding' } } as TopLevelSpec;
}

/**
 * Every chart of a report, by name (the order they appear in), each at its printed width. A period without sales
 * has only the RFM chart (customers who had ordered by its end): the report says "no sales between …" elsewhere.
 */
export function reportCharts(d: ReportData, locale: Locale = 'en'): Record<string, TopLevelSpec> {
  const { full, half } = printWidths;
  // Each spec at its printed width, with Vega's number and time formats of the locale (axes, tooltips).
  const fit = (spec: TopLevelSpec, width: number) => withLocale(fitWidth(spec, width), locale);
  const rfm = fit(rfmChart(d.rfm, half, d.period.to, locale), half);
  if (d.empty) return { rfm };
  return {
    // Heights chosen so that page 1 holds the findings, the key figures and the trend.
    trend: fit(trendChart(d.trend, d.trendGrain, full, 170, locale), full),
    branches: fit(branchChart(d.branches, half, locale), half),
    segments: fit(segmentChart(d.segments, half, locale), half),
    categories: fit(categoryChart(d.categories, full, 190, locale), full),
    top_products: fit(productProfitChart(d.topProducts, t(locale, 'chart.topProducts'), full, locale), full),
    bottom_products: fit(productProfitChart(d.bottomProducts, t(locale, 'chart.bottomProducts'), full, locale), full),
    discount: fit(discountChart(d.discountBands, half, locale), half),
    shipping: fit(shippingChart(d.shipping, half, locale), half),
    rfm,
  };
}

/** Pearson correlations as a heat map with the values written in (dashboards, notebooks); `title` names the lines. */
export function correlationChart(fields: readonly string[], matrix: readonly { field: string; values: (number | null)[] }[], size = 240, title = 'Correlation matrix (all lines)'): TopLevelSpec {
  const cells = matrix.flatMap((row) => row.values.map((r, j) => ({ a: row.field, b: fields[j], r })));
  if (!cells.length) return noDataChart(title, size, size);
  return {
    ...base(title, size, size),
    data: { values: cells },
    encoding: { x: { field: 'b', type: 'nominal', title: null, sort: null }, y: { field: 'a', type: 'nominal', title: null, sort: null } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'r', type: 'quantitative', title: 'r', scale: { domain: [-1, 1], scheme: 'redblue' } } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'r', type: 'quantitative', format: '.2f' } } },
    ],
  } as TopLevelSpec;
}

/** Sales per hour of the day, stacked by branch (real-time dashboard). */
export function salesPerHourChart(rows: readonly { hour: number; branch: string; sales: number }[], width = 640): TopLevelSpec {
  if (!rows.length) return noDataChart('Sales per hour, by branch', width, 200);
  return {
    ...base('Sales per hour, by branch', width, 200),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'hour', type: 'ordinal', title: 'hour of the day', scale: { domain: Array.from({ length: 24 }, (_, h) => h) }, axis: { labelAngle: 0 } },
      y: { field: 'sales', type: 'quantitative', title: 'sales', axis: countAxis('y') },
      color: { field: 'branch', type: 'nominal', title: null },
      tooltip: [{ field: 'hour' }, { field: 'branch' }, { field: 'sales' }],
    },
  } as TopLevelSpec;
}

/** Relevance of each recommended product of one sale (recommendations dashboard). */
export function saleRecommendationsChart(recs: readonly { name: string; relevance: number; rank: number; fallback: boolean }[], width = 420): TopLevelSpec {
  if (!recs.length) return noDataChart('', width, 40);
  return {
    ...base('', width, Math.max(40, recs.length * 18)),
    data: { values: recs.map((r) => ({ ...r, label: `${r.rank}. ${r.name.length > 48 ? `${r.name.slice(0, 45)}…` : r.name}`, kind: r.fallback ? 'best seller fill' : 'co-purchase' })) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 300 } },
      x: { field: 'relevance', type: 'quantitative', title: 'relevance %', scale: { domain: [0, 100] } },
      color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['co-purchase', 'best seller fill'], range: [palette.revenue, palette.muted] } },
    },
  } as TopLevelSpec;
}

/** Distribution of relevance over all recent recommendations. */
export function relevanceHistogram(values: readonly number[], width = 420): TopLevelSpec {
  if (!values.length) return noDataChart('Relevance of recent recommendations', width, 160);
  return {
    ...base('Relevance of recent recommendations', width, 160),
    data: { values: values.map((relevance) => ({ relevance })) },
    mark: { type: 'bar', color: palette.revenue },
    encoding: { x: { field: 'relevance', bin: { extent: [0, 100], step: 10 }, title: 'relevance %' }, y: { aggregate: 'count', title: 'recommendations', axis: countAxis('y') } },
  } as TopLevelSpec;
}

/** The sub-categories as horizontal bars, largest first: the names stay level and readable in a narrow panel. */
function categoryBarsView(categories: ReportData['categories'], width: number, height: number, legend: Record<string, unknown>) {
  return {
    title: 'Revenue by sub-category',
    width,
    height,
    data: { values: categories },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'sub_category', type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 120 } },
      x: { field: 'revenue', type: 'quantitative', axis: moneyAxis },
      color: { field: 'category', type: 'nominal', title: null, scale: { range: ['#1f5fa8', '#e08a12', '#6b4fb3'] }, legend },
      tooltip: [{ field: 'category' }, { field: 'sub_category' }, { field: 'revenue', format: ',.2f' }, { field: 'profit', format: ',.2f' }, { field: 'margin', format: '.1%' }],
    },
  };
}

/**
 * A branch's month as one figure: its days (with the 7-day average) beside its sub-categories. One spec, so the
 * two panels keep together on a page and take the height of one; concatenated views share a colour scale unless
 * told otherwise, and these two colour different things.
 */
export function branchMonthChart(trend: ReportData['trend'], categories: ReportData['categories'], width = 640): TopLevelSpec {
  const height = 150;
  // Beside the two plots: the money axis's labels (about 43 px with their currency), the gap (24), the
  // sub-categories' names (about 100) and the padding.
  const left = Math.round((width - 184) * 0.6);
  const right = width - 184 - left;
  // Each legend under its panel, from under its axis labels. Vega measures text at about 0.8 em a character (no
  // canvas here): a legend wider than its panel by that measure would widen the figure, hence the short label of the
  // average and the categories in two columns.
  const below = (x: number, columns: number) => ({ orient: 'none', direction: 'horizontal', columns, legendX: x, legendY: height + 24, gridAlign: 'none', columnPadding: 14 });
  const averageLegend = { ...below(-30, 3), labelExpr: "datum.label === 'revenue_avg' ? '7-day average' : datum.label" };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config,
    hconcat: [
      trend.length ? trendView(trend, 'day', 'Revenue and profit by day', left, height, averageLegend) : noDataView('Revenue and profit by day', left, height),
      categories.length ? categoryBarsView(categories, right, height, below(-85, 2)) : noDataView('Revenue by sub-category', right, height),
    ],
    spacing: 24,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
  } as TopLevelSpec;
}

/** Order lines by value on a log scale, from bins counted beforehand (a few dozen rows instead of every line). */
export function lineValueChart(bins: readonly { from: number; to: number; lines: number }[], width = 590): TopLevelSpec {
  const title = 'Order lines by value (log scale)';
  if (!bins.length) return noDataChart(title, width, 200);
  return {
    ...base(title, width, 200),
    data: { values: bins },
    mark: { type: 'bar', color: palette.revenue, binSpacing: 1 },
    encoding: {
      x: { field: 'from', type: 'quantitative', bin: 'binned', scale: { type: 'log' }, title: 'line value', axis: { format: '$~s' } },
      x2: { field: 'to' },
      y: { field: 'lines', type: 'quantitative', title: 'lines', axis: countAxis('y') },
      tooltip: [{ field: 'from', title: 'from', format: '$,.2f' }, { field: 'to', title: 'to', format: '$,.2f' }, { field: 'lines', format: ',d' }],
    },
  } as TopLevelSpec;
}

const monthAbbreviations = monthNames.map((m) => m.slice(0, 3));

/** Revenue by month of the year, one line per year: the seasons, and how the years compare. */
export function seasonalityChart(monthly: readonly { month: string; revenue: number }[], width = 600): TopLevelSpec {
  const title = 'Revenue by month of the year';
  if (!monthly.length) return noDataChart(title, width, 220);
  return {
    ...base(title, width, 220),
    data: { values: monthly.map((m) => ({ year: m.month.slice(0, 4), month: Number(m.month.slice(5, 7)), revenue: m.revenue })) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: null, scale: { domain: monthAbbreviations.map((_, i) => i + 1) }, axis: { labelAngle: 0, labelExpr: `${JSON.stringify(monthAbbreviations)}[datum.value - 1]` } },
      y: { field: 'revenue', type: 'quantitative', axis: moneyAxis },
      color: { field: 'year', type: 'nominal', title: null },
      tooltip: [{ field: 'year' }, { field: 'month' }, { field: 'revenue', type: 'quantitative', format: ',.2f' }],
    },
  } as TopLevelSpec;
}

/** The evaluation's hit rate at 5 of the model and the two baselines, with their 95 % intervals, per level. */
export function hitRateChart(e: Pick<Evaluation, 'cases' | 'model' | 'popularity' | 'random'>, width = 250): TopLevelSpec {
  const title = 'Hit rate at 5, with 95 % intervals';
  if (!e.cases) return noDataChart(title, width * 2, 180, 'No test cases');
  const scorers = ['model', 'popularity', 'random'] as const;
  const rows = scorers.flatMap((scorer) =>
    (['product', 'subcategory'] as const).map((level) => {
      const m = e[scorer][level].hr_at_5;
      return { scorer, level: level === 'product' ? 'product level' : 'sub-category level', hr: m.value, lo: m.ci95[0], hi: m.ci95[1] };
    }),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    config,
    data: { values: rows },
    facet: { column: { field: 'level', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width,
      height: 180,
      encoding: { x: { field: 'scorer', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } } },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'hr', type: 'quantitative', title: null, axis: { format: '.1%' } },
            color: { field: 'scorer', type: 'nominal', legend: null, scale: { domain: [...scorers], range: [palette.revenue, palette.average, palette.muted] } },
            tooltip: [{ field: 'scorer' }, { field: 'hr', format: '.2%' }, { field: 'lo', format: '.2%' }, { field: 'hi', format: '.2%' }],
          },
        },
        { mark: { type: 'rule', color: '#1d2433' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
  } as TopLevelSpec;
}

/** The spec with Vega's number and time formats of `locale` ("dic", "83.829 US$"); an English spec is left as it is. */
export function withLocale<S extends TopLevelSpec>(spec: S, locale: Locale): S {
  const vega = vegaLocale(locale);
  return vega ? ({ ...spec, config: { ...(spec.config ?? {}), locale: vega } } as S) : spec;
}
