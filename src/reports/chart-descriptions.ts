/**
 * What each chart of the executive report shows, in words (pure): the spec's `description`, which names the chart
 * for a screen reader (the `aria-label` of its SVG) and says what a reader would see in it: the largest and smallest
 * values, and the losses in words, so that colour is never the only sign of one.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatsOf, t, type Locale } from '../i18n';
import type { ReportData } from './data';
import { formatValue } from './format';

/** The row with the largest and the smallest `by` (the first of equals). */
function extremes<T extends object>(rows: readonly T[], by: (r: T) => number): { top: T; bottom: T } {
  let top = rows[0]!;
  let bottom = rows[0]!;
  for (const r of rows) {
    if (by(r) > by(top)) top = r;
    if (by(r) < by(bottom)) bottom = r;
  }
  return { top, bottom };
}

/** The sentences of each chart, from rows that are not empty. */
function sentences(d: ReportData, locale: Locale) {
  const f = formatsOf(locale);
  const money = (v: number) => formatValue(v, 'money', locale);
  const pct = (v: number | null) => formatValue(v, 'percent', locale);
  const products = (rows: ReportData['topProducts']) => () => {
    const { top, bottom } = extremes(rows, (r) => r.profit);
    return t(locale, 'chart.describe.products', { count: rows.length, top: top.name, topProfit: money(top.profit), bottom: bottom.name, bottomProfit: money(bottom.profit), losses: rows.filter((r) => r.profit < 0).length });
  };
  return {
    trend: () => {
      const { top, bottom } = extremes(d.trend, (r) => r.revenue);
      const when = d.trendGrain === 'day' ? f.day : (date: string) => f.monthOfYear(date.slice(0, 7));
      const values = { from: f.day(d.period.from), to: f.day(d.period.to), top: when(top.date), topRevenue: money(top.revenue), bottom: when(bottom.date), bottomRevenue: money(bottom.revenue), losses: d.trend.filter((r) => r.profit < 0).length };
      return d.trendGrain === 'day' ? t(locale, 'chart.describe.trendDay', values) : t(locale, 'chart.describe.trendMonth', values);
    },
    branches: () => {
      const rev = extremes(d.branches, (r) => r.revenue);
      const prof = extremes(d.branches, (r) => r.profit);
      return t(locale, 'chart.describe.branches', { count: d.branches.length, top: rev.top.branch, topRevenue: money(rev.top.revenue), bottom: prof.bottom.branch, bottomProfit: money(prof.bottom.profit), losses: d.branches.filter((b) => b.profit < 0).length });
    },
    segments: () => t(locale, 'chart.describe.segments', { list: [...d.segments].sort((a, b) => b.revenue - a.revenue).map((s) => `${s.segment}: ${money(s.revenue)}`).join('; ') }),
    categories: () => {
      const { top, bottom } = extremes(d.categories, (r) => r.revenue);
      return t(locale, 'chart.describe.categories', { count: d.categories.length, top: top.sub_category, topRevenue: money(top.revenue), bottom: bottom.sub_category, bottomRevenue: money(bottom.revenue) });
    },
    top_products: products(d.topProducts),
    bottom_products: products(d.bottomProducts),
    discount: () => {
      const bands = d.discountBands.map((b) => `${b.band}: ${b.margin !== null && b.margin < 0 ? t(locale, 'chart.describe.loss', { value: pct(b.margin) }) : pct(b.margin)}`);
      return t(locale, 'chart.describe.discount', { list: bands.join('; ') });
    },
    shipping: () => {
      const modes = d.shipping.map((s) => t(locale, 'chart.describe.shipMode', { mode: s.ship_mode, orders: s.orders, ordersText: f.count(s.orders), days: s.avg_lead_days === null ? 'none' : f.oneDecimal(s.avg_lead_days) }));
      return t(locale, 'chart.describe.shipping', { list: modes.join('; ') });
    },
    rfm: () => {
      const { top } = extremes(d.rfm, (r) => r.customers);
      return t(locale, 'chart.describe.rfm', { date: f.day(d.period.to), count: d.rfm.length, top: top.segment, customers: top.customers, customersText: f.count(top.customers), share: pct(top.share) });
    },
  };
}

/** The rows each chart of the report draws. */
const rowsOf = (d: ReportData): Record<string, readonly unknown[]> => ({
  trend: d.trend,
  branches: d.branches,
  segments: d.segments,
  categories: d.categories,
  top_products: d.topProducts,
  bottom_products: d.bottomProducts,
  discount: d.discountBands,
  shipping: d.shipping,
  rfm: d.rfm,
});

/**
 * The report's charts with their descriptions (new objects; the specs given are not changed). A chart without rows
 * keeps its spec as it is: its "no data" message is all it shows (figures.ts names it by its title).
 */
export function describeReportCharts(d: ReportData, specs: Record<string, TopLevelSpec>, locale: Locale = 'en'): Record<string, TopLevelSpec> {
  const say = sentences(d, locale) as Record<string, () => string>;
  const rows = rowsOf(d);
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, say[name] && rows[name]?.length ? ({ ...spec, description: say[name]() } as TopLevelSpec) : spec]));
}
