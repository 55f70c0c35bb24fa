/**
 * Every chart builder of the report, the dashboards and the notebooks, fed edge-case data: no rows, one row, or every
 * measure zero. Shared by the SVG unit test and the PNG integration test.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation, LevelMetrics } from '../../../src/pipeline/reco/evaluate';
import * as charts from '../../../src/reports/charts';
import { fixtureReport } from './fixture';

const d = fixtureReport();
export type Shape = 'empty' | 'one row' | 'all zero';

/** Numbers set to zero (null stays null), keys and texts kept. */
function zeroed<T extends object>(rows: readonly T[]): T[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? 0 : v])) as T);
}
function shaped<T extends object>(rows: readonly T[], shape: Shape): T[] {
  return shape === 'empty' ? [] : shape === 'one row' ? rows.slice(0, 1) : zeroed(rows);
}

const fields = ['sales', 'profit', 'discount'];
const bins = [{ from: 1, to: 1.33352, lines: 3 }, { from: 1.33352, to: 1.77828, lines: 0 }, { from: 1.77828, to: 2.37137, lines: 5 }];
const level = (hr: number): LevelMetrics => {
  const m = { value: hr, ci95: [hr / 2, hr * 1.5] as [number, number] };
  return { hr_at_5: m, precision_at_5: m, recall_at_5: m, ndcg_at_5: m, coverage: hr };
};
/** An evaluation as the chart reads it: no test case (empty), one set of rates, or every rate zero. */
const evaluation = (s: Shape): Pick<Evaluation, 'cases' | 'model' | 'popularity' | 'random'> => {
  const hr = s === 'all zero' ? 0 : 0.05;
  const scorer = { product: level(hr), subcategory: level(hr * 4) };
  return { cases: s === 'empty' ? 0 : 120, model: scorer, popularity: scorer, random: scorer };
};
export const edgeChartBuilders: Record<string, (s: Shape) => TopLevelSpec> = {
  trend: (s) => charts.trendChart(shaped(d.trend, s), 'day'),
  'trend by month': (s) => charts.trendChart(shaped(d.trend.map((t) => ({ ...t, date: t.date.slice(0, 7) })), s), 'month'),
  branches: (s) => charts.branchChart(shaped(d.branches, s)),
  categories: (s) => charts.categoryChart(shaped(d.categories, s)),
  products: (s) => charts.productProfitChart(shaped(d.topProducts, s), 'Top products'),
  segments: (s) => charts.segmentChart(shaped(d.segments, s)),
  discount: (s) => charts.discountChart(shaped(d.discountBands, s)),
  shipping: (s) => charts.shippingChart(shaped(d.shipping, s)),
  rfm: (s) => charts.rfmChart(shaped(d.rfm, s)),
  correlation: (s) => {
    const rows = shaped(fields.map((field, i) => ({ field, values: fields.map((_, j) => (i === j ? 1 : 0.25)) })), s);
    return charts.correlationChart(s === 'one row' ? fields.slice(0, 1) : fields, rows.map((r) => ({ ...r, values: s === 'one row' ? r.values.slice(0, 1) : r.values })));
  },
  'sales per hour': (s) => charts.salesPerHourChart(shaped([{ hour: 9, branch: 'West', sales: 3 }, { hour: 14, branch: 'East', sales: 1 }], s)),
  'sale recommendations': (s) => charts.saleRecommendationsChart(shaped([{ name: 'Desk', relevance: 80, rank: 1, fallback: false }, { name: 'Pen', relevance: 20, rank: 2, fallback: true }], s)),
  'relevance histogram': (s) => charts.relevanceHistogram(shaped([{ v: 80 }, { v: 35 }], s).map((r) => r.v)),
  'branch month': (s) => charts.branchMonthChart(shaped(d.trend, s), shaped(d.categories, s)),
  'branch month without categories': (s) => charts.branchMonthChart(shaped(d.trend, s), []),
  // Bin edges are positive whatever the lines (a log scale has no zero): only the counts are zeroed.
  'line values': (s) => charts.lineValueChart(s === 'all zero' ? bins.map((b) => ({ ...b, lines: 0 })) : shaped(bins, s)),
  seasonality: (s) => charts.seasonalityChart(shaped([{ month: '2016-02', revenue: 12 }, { month: '2017-02', revenue: 30 }, { month: '2017-11', revenue: 80 }], s)),
  'hit rate': (s) => charts.hitRateChart(evaluation(s)),
};

/** Every builder with every shape, as [name, shape] pairs for it.each. */
export const edgeChartCases = Object.keys(edgeChartBuilders).flatMap((name) => (['empty', 'one row', 'all zero'] as Shape[]).map((shape) => [name, shape] as const));

/** The width and height an SVG declares. */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([^"]+)"[^>]*\sheight="([^"]+)"/.exec(svg);
  return { width: Number(m?.[1]), height: Number(m?.[2]) };
}
