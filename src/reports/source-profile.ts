/**
 * Figures of the source's order lines themselves (pure), before any warehouse: what notebook 01 profiles and charts.
 * Money is summed as integer ten-thousandths, as the pipeline sums it.
 */
import type { SaleItem } from '../pipeline/core/entities';
import { fromUnits, toUnits } from '../pipeline/core/money';
import { ratio } from '../pipeline/warehouse/measures';
import { bandOf, discountBands } from '../pipeline/warehouse/statistics';

type Line = Pick<SaleItem, 'discount' | 'line_total' | 'profit'>;

/** One discount band of the lines (the warehouse's bands), with how many of its lines lose money. */
export interface DiscountBandRow {
  band: string;
  lines: number;
  revenue: number;
  profit: number;
  margin: number | null;
  /** Lines of the band with a negative profit, and their share of the band's lines. */
  loss_lines: number;
  loss_share: number | null;
}

/** The lines by discount band, in the bands' order, bands without lines left out. */
export function discountBandsOf(lines: readonly Line[]): DiscountBandRow[] {
  const acc = new Map<string, { lines: number; revenue_e4: number; profit_e4: number; loss: number }>();
  for (const l of lines) {
    const band = bandOf(toUnits(l.discount));
    const a = acc.get(band) ?? { lines: 0, revenue_e4: 0, profit_e4: 0, loss: 0 };
    a.lines++;
    a.revenue_e4 += toUnits(l.line_total);
    a.profit_e4 += toUnits(l.profit);
    if (l.profit < 0) a.loss++;
    acc.set(band, a);
  }
  return discountBands.flatMap(({ band }) => {
    const a = acc.get(band);
    return a ? [{ band, lines: a.lines, revenue: fromUnits(a.revenue_e4), profit: fromUnits(a.profit_e4), margin: ratio(a.profit_e4, a.revenue_e4), loss_lines: a.loss, loss_share: ratio(a.loss, a.lines) }] : [];
  });
}

/** Revenue per calendar month (`YYYY-MM`), in month order. */
export function monthlyRevenueOf(lines: readonly Pick<SaleItem, 'order_date' | 'line_total'>[]): { month: string; revenue: number }[] {
  const months = new Map<string, number>();
  for (const l of lines) {
    const m = l.order_date.slice(0, 7);
    months.set(m, (months.get(m) ?? 0) + toUnits(l.line_total));
  }
  return [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, e4]) => ({ month, revenue: fromUnits(e4) }));
}

/**
 * Values counted in bins of equal width on a log scale, `perDecade` bins from one power of ten to the next (bin k
 * holds 10^(k/perDecade) ≤ v < 10^((k+1)/perDecade)); empty bins between the first and the last are kept at 0, so a
 * chart shows the gaps. Values below `floor` (zero included) count in the floor's bin.
 */
export function lineValueBins(values: readonly number[], perDecade = 8, floor = 0.01): { from: number; to: number; lines: number }[] {
  if (!values.length) return [];
  const counts = new Map<number, number>();
  for (const v of values) {
    // The epsilon keeps an exact power of ten (1000 → k = 24) out of the bin below when log10 rounds down.
    const k = Math.floor(Math.log10(Math.max(v, floor)) * perDecade + 1e-9);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const ks = [...counts.keys()];
  const [lo, hi] = [Math.min(...ks), Math.max(...ks)];
  const edge = (k: number) => Number((10 ** (k / perDecade)).toPrecision(6));
  return Array.from({ length: hi - lo + 1 }, (_, i) => ({ from: edge(lo + i), to: edge(lo + i + 1), lines: counts.get(lo + i) ?? 0 }));
}
