/**
 * What each chart of the executive report shows, in words (pure): the spec's `description`, which names the chart
 * for a screen reader (the `aria-label` of its SVG) and says what a reader would see in it: the largest and smallest
 * values, and the losses in words, so that colour is never the only sign of one.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data';
import { formatValue } from './format';

const money = (v: number) => formatValue(v, 'money');
const pct = (v: number | null) => formatValue(v, 'percent');
const count = (v: number) => formatValue(v, 'count');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

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

/** "2 of them made a loss." / "None made a loss." */
const losses = (n: number, of: number) => (n === 0 ? 'None made a loss.' : `${n === of ? (of === 1 ? 'It' : `All ${count(of)}`) : `${count(n)} of them`} made a loss.`);

/** The sentences, by chart name; a chart of the report without rows has its "no data" message instead. */
export const chartDescriptions = {
  trend(d: ReportData): string {
    const { top, bottom } = extremes(d.trend, (r) => r.revenue);
    const lossDays = d.trend.filter((r) => r.profit < 0).length;
    const unit = d.trendGrain === 'day' ? ['day', 'days'] : ['month', 'months'];
    return `Line chart of revenue and profit by ${unit[0]}, with the ${d.trendGrain === 'day' ? '7-day' : '3-month'} moving average of revenue, from ${d.period.from} to ${d.period.to}. Revenue was highest on ${top.date} (${money(top.revenue)}) and lowest on ${bottom.date} (${money(bottom.revenue)}). Profit was negative on ${plural(lossDays, unit[0]!, unit[1]!)}.`;
  },
  branches(d: ReportData): string {
    const rev = extremes(d.branches, (r) => r.revenue);
    const prof = extremes(d.branches, (r) => r.profit);
    return `Bar chart of revenue and profit for ${plural(d.branches.length, 'branch', 'branches')}. ${rev.top.branch} had the most revenue (${money(rev.top.revenue)}); ${prof.bottom.branch} the least profit (${money(prof.bottom.profit)}). ${losses(d.branches.filter((b) => b.profit < 0).length, d.branches.length)}`;
  },
  segments(d: ReportData): string {
    return `Bar chart of revenue by customer segment: ${[...d.segments].sort((a, b) => b.revenue - a.revenue).map((s) => `${s.segment} ${money(s.revenue)}`).join(', ')}.`;
  },
  categories(d: ReportData): string {
    const { top, bottom } = extremes(d.categories, (r) => r.revenue);
    return `Bar chart of revenue for ${plural(d.categories.length, 'sub-category', 'sub-categories')}, coloured by category. Highest: ${top.sub_category} (${money(top.revenue)}); lowest: ${bottom.sub_category} (${money(bottom.revenue)}).`;
  },
  products(rows: ReportData['topProducts']): string {
    const { top, bottom } = extremes(rows, (r) => r.profit);
    return `Bar chart of profit for ${plural(rows.length, 'product', 'products')}, from ${top.name} (${money(top.profit)}) to ${bottom.name} (${money(bottom.profit)}). ${losses(rows.filter((r) => r.profit < 0).length, rows.length)} Bars of a loss are red and left of zero.`;
  },
  discount(d: ReportData): string {
    const bands = d.discountBands.map((b) => `${b.band} ${pct(b.margin)}${b.margin !== null && b.margin < 0 ? ' (a loss)' : ''}`);
    return `Bar chart of margin by discount band, each bar labelled with its margin: ${bands.join(', ')}.`;
  },
  shipping(d: ReportData): string {
    return `Bar chart of orders by ship mode, each bar labelled with the average lead time: ${d.shipping.map((s) => `${s.ship_mode} ${plural(s.orders, 'order', 'orders')}${s.avg_lead_days === null ? '' : `, ${formatValue(s.avg_lead_days, 'days')} days`}`).join('; ')}.`;
  },
  rfm(d: ReportData): string {
    const { top } = extremes(d.rfm, (r) => r.customers);
    return `Bar chart of customers by RFM segment as of ${d.period.to}, ${plural(d.rfm.length, 'segment', 'segments')}. The largest is ${top.segment}, with ${plural(top.customers, 'customer', 'customers')} (${pct(top.share)}).`;
  },
};

/** Which rows each chart draws: a chart without rows keeps the description its spec has (its "no data" message). */
function described(d: ReportData, name: string): string | null {
  const c = chartDescriptions;
  const byName: Record<string, [readonly unknown[], () => string]> = {
    trend: [d.trend, () => c.trend(d)],
    branches: [d.branches, () => c.branches(d)],
    segments: [d.segments, () => c.segments(d)],
    categories: [d.categories, () => c.categories(d)],
    top_products: [d.topProducts, () => c.products(d.topProducts)],
    bottom_products: [d.bottomProducts, () => c.products(d.bottomProducts)],
    discount: [d.discountBands, () => c.discount(d)],
    shipping: [d.shipping, () => c.shipping(d)],
    rfm: [d.rfm, () => c.rfm(d)],
  };
  const entry = byName[name];
  return entry && entry[0].length ? entry[1]() : null;
}

/** The report's charts with their descriptions (a new object; the specs given are not changed). */
export function describeReportCharts(d: ReportData, specs: Record<string, TopLevelSpec>): Record<string, TopLevelSpec> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      const text = described(d, name);
      return [name, text ? ({ ...spec, description: text } as TopLevelSpec) : spec];
    }),
  );
}
