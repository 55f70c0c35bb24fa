/**
 * The report's charts and findings for a notebook in one locale: the same functions, the locale given once
 * (`const charts = chartsIn(locale)`), so a notebook calls `charts.trendChart(trend, 'month', 600)` in any language.
 * The locale is the last parameter of each underlying function, after its optional sizes; these wrappers keep the
 * sizes optional.
 */
import type { Evaluation } from '../pipeline/reco/evaluate';
import * as c from '../reports/charts';
import type { BranchReview } from '../reports/branch';
import type { ReportData } from '../reports/data';
import * as f from '../reports/findings';
import type { DiscountBandRow } from '../reports/source-profile';
import { parseLocale, type Locale } from '../i18n';

type Matrix = readonly { field: string; values: (number | null)[] }[];

/** A notebook's `locale` parameter as a locale: `en`, `es` (a regional tag reads as its language); anything else throws. */
export const notebookLocale = (locale: string | Locale): Locale => parseLocale(locale, 'the locale parameter');

/** The charts a notebook draws, titled and labelled in `locale` (show.chart adds Vega's number and time formats). */
export function chartsIn(locale: string | Locale) {
  const l = notebookLocale(locale);
  return {
    locale: l,
    trendChart: (trend: ReportData['trend'], grain: 'day' | 'month', width?: number, height?: number) => c.trendChart(trend, grain, width, height, l),
    branchChart: (branches: ReportData['branches'], width?: number) => c.branchChart(branches, width, l),
    categoryChart: (categories: ReportData['categories'], width?: number, height?: number) => c.categoryChart(categories, width, height, l),
    productProfitChart: (rows: ReportData['topProducts'], title: string, width?: number) => c.productProfitChart(rows, title, width, l),
    segmentChart: (segments: ReportData['segments'], width?: number) => c.segmentChart(segments, width, l),
    discountChart: (bands: ReportData['discountBands'], width?: number) => c.discountChart(bands, width, l),
    shippingChart: (shipping: ReportData['shipping'], width?: number) => c.shippingChart(shipping, width, l),
    rfmChart: (rfm: ReportData['rfm'], width?: number, asOf?: string) => c.rfmChart(rfm, width, asOf, l),
    correlationChart: (fields: readonly string[], matrix: Matrix, size?: number, title?: string) => c.correlationChart(fields, matrix, size, title, l),
    branchMonthChart: (trend: ReportData['trend'], categories: ReportData['categories'], width?: number) => c.branchMonthChart(trend, categories, width, l),
    lineValueChart: (bins: readonly { from: number; to: number; lines: number }[], width?: number) => c.lineValueChart(bins, width, l),
    seasonalityChart: (monthly: readonly { month: string; revenue: number }[], width?: number) => c.seasonalityChart(monthly, width, l),
    hitRateChart: (e: Pick<Evaluation, 'cases' | 'model' | 'popularity' | 'random'>, width?: number) => c.hitRateChart(e, width, l),
    reportCharts: (d: ReportData) => c.reportCharts(d, l),
  };
}

/** The findings a notebook shows, in `locale`. */
export function findingsIn(locale: string | Locale) {
  const l = notebookLocale(locale);
  return {
    locale: l,
    comparedWith: (value: number | null, base: number | null, what: string) => f.comparedWith(value, base, what, l),
    executiveFindings: (d: ReportData) => f.executiveFindings(d, l),
    branchFindings: (r: BranchReview) => f.branchFindings(r, l),
    yearFinding: (subject: string, year: number, revenue: number, previousYear: number) => f.yearFinding(subject, year, revenue, previousYear, l),
    correlationFindings: (fields: readonly string[], matrix: Matrix, count?: number) => f.correlationFindings(fields, matrix, count, l),
    sourceFinding: (s: Parameters<typeof f.sourceFinding>[0]) => f.sourceFinding(s, l),
    lineValueFinding: (lines: readonly { line_total: number; sub_category: string }[]) => f.lineValueFinding(lines, l),
    discountFinding: (bands: readonly DiscountBandRow[]) => f.discountFinding(bands, l),
    seasonalityFinding: (monthly: readonly { month: string; revenue: number }[]) => f.seasonalityFinding(monthly, l),
    evaluationFindings: (e: Pick<Evaluation, 'model' | 'popularity' | 'cases' | 'cut'>) => f.evaluationFindings(e, l),
  };
}
