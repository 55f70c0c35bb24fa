/**
 * `sales_statistics`: descriptive statistics of the lines (sales, quantity, discount, profit), their correlation
 * matrix, monthly revenue with month-over-month and year-over-year growth, and profit by discount band.
 * Grain: one document per kind (`_id`: descriptive, correlation, monthly, discount_bands).
 *
 * Medians and correlations cannot be summed in the database, so each month keeps exact partial results in
 * `sales_statistics_parts` (grain: one document per month): BigInt sums of values, squares and cross-products, and
 * value → count histograms. A build recomputes the touched months' parts and merges all of them.
 */
import type { Db } from 'mongodb';
import { collections } from '../mongo';
import type { LakeAccess } from './access';
import { addSync, syncDocs, type SyncResult } from './sync';
import { fromUnits } from '../money';
import { addObservation, correlation, createMoments, growth, histogramEntries, mean, mergeHistogram, mergeMoments, quantiles, std, type Histogram, type Moments } from './stats';
import { ratio, roundOrNull } from './measures';
import { matchIn, type Scope } from './scope';
import type { DailyDoc } from './daily';

/** Measures, as stored in the lake (integers) and their scale back to natural units. */
export const statMeasures = [
  { name: 'sales', field: 'line_total_e4', scale: 10_000 },
  { name: 'quantity', field: 'quantity', scale: 1 },
  { name: 'discount', field: 'discount_e4', scale: 10_000 },
  { name: 'profit', field: 'profit_e4', scale: 10_000 },
] as const;

export const discountBands = [
  { band: '0%', upTo: 0 },
  { band: '1-10%', upTo: 1000 },
  { band: '11-20%', upTo: 2000 },
  { band: '21-30%', upTo: 3000 },
  { band: '31-50%', upTo: 5000 },
  { band: '51-80%', upTo: 10000 },
] as const;

export function bandOf(discountE4: number): string {
  return (discountBands.find((b) => discountE4 <= b.upTo) ?? discountBands[discountBands.length - 1]!).band;
}

export interface BandTotals {
  lines: number;
  revenue_e4: number;
  profit_e4: number;
}

export interface StatsPart {
  month: string;
  moments: Moments;
  histograms: Histogram[];
  bands: Map<string, BandTotals>;
}

export function createPart(month: string): StatsPart {
  return { month, moments: createMoments(statMeasures.length), histograms: statMeasures.map(() => new Map()), bands: new Map() };
}

/** Adds one line: its integer measures in `statMeasures` order. */
export function addLine(part: StatsPart, values: readonly number[]): void {
  addObservation(part.moments, values);
  values.forEach((v, i) => part.histograms[i]!.set(v, (part.histograms[i]!.get(v) ?? 0) + 1));
  const band = bandOf(values[2]!);
  const b = part.bands.get(band) ?? { lines: 0, revenue_e4: 0, profit_e4: 0 };
  b.lines++;
  b.revenue_e4 += values[0]!;
  b.profit_e4 += values[3]!;
  part.bands.set(band, b);
}

export function mergeParts(parts: readonly StatsPart[]): StatsPart {
  const all = createPart('all');
  for (const p of [...parts].sort((a, b) => a.month.localeCompare(b.month))) {
    mergeMoments(all.moments, p.moments);
    p.histograms.forEach((h, i) => mergeHistogram(all.histograms[i]!, h));
    for (const [band, t] of p.bands) {
      const b = all.bands.get(band) ?? { lines: 0, revenue_e4: 0, profit_e4: 0 };
      b.lines += t.lines;
      b.revenue_e4 += t.revenue_e4;
      b.profit_e4 += t.profit_e4;
      all.bands.set(band, b);
    }
  }
  return all;
}

/**
 * A part as a MongoDB document and back: the cross-products are symmetric, so only their upper triangle is stored
 * (flat), and each histogram as an object of two arrays. BigInts as decimal strings (no BSON type holds them).
 */
export function partDocument(p: StatsPart) {
  const k = p.moments.sum.length;
  const cross: string[] = [];
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) cross.push(String(p.moments.cross[i]![j]));
  return {
    _id: p.month,
    month: p.month,
    n: p.moments.n,
    sum: p.moments.sum.map(String),
    cross,
    histograms: p.histograms.map((h, i) => {
      const entries = histogramEntries(h);
      return { measure: statMeasures[i]!.name, values: entries.map(([v]) => v), counts: entries.map(([, c]) => c) };
    }),
    bands: [...p.bands.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([band, t]) => ({ band, ...t })),
  };
}

export type PartDocument = ReturnType<typeof partDocument>;

function unflatten(upper: bigint[], k: number): bigint[][] {
  const out = Array.from({ length: k }, () => Array.from({ length: k }, () => 0n));
  let n = 0;
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out[i]![j] = upper[n++]!;
  return out;
}

export function partFromDocument(d: PartDocument): StatsPart {
  return {
    month: d.month,
    moments: { n: d.n, sum: d.sum.map((s) => BigInt(s)), cross: unflatten(d.cross.map((s) => BigInt(s)), d.sum.length) },
    histograms: d.histograms.map((h) => new Map(h.values.map((v, i) => [Number(v), Number(h.counts[i])]))),
    bands: new Map(d.bands.map((b) => [b.band, { lines: b.lines, revenue_e4: b.revenue_e4, profit_e4: b.profit_e4 }])),
  };
}

const round = (x: number | null, d = 6) => roundOrNull(x, d);

/** Pure: the statistics documents from all parts and the daily summary. */
export function buildStatisticsDocs(parts: readonly StatsPart[], daily: readonly DailyDoc[]) {
  const all = mergeParts(parts);
  const m = all.moments;
  if (m.n === 0) return [];
  const descriptive = Object.fromEntries(
    statMeasures.map((s, i) => {
      const h = all.histograms[i]!;
      const [min, q1, median, q3, max] = quantiles(h, [0, 0.25, 0.5, 0.75, 1]).map((v) => (v === null ? null : round(v / s.scale)));
      return [s.name, { count: m.n, mean: round(mean(m, i, s.scale)), std: round(std(m, i, s.scale)), min, q1, median, q3, max }];
    }),
  );
  // Rows as objects that name their field: readable as they are in a notebook or mongosh.
  const matrix = statMeasures.map((a, i) => ({ field: a.name, values: statMeasures.map((_, j) => (i === j ? (m.n > 1 ? 1 : null) : round(correlation(m, i, j)))) }));
  const months = new Map<string, { revenue_e4: number; profit_e4: number; orders: number }>();
  for (const d of daily) {
    const k = d.date.slice(0, 7);
    const x = months.get(k) ?? { revenue_e4: 0, profit_e4: 0, orders: 0 };
    x.revenue_e4 += d.revenue_e4;
    x.profit_e4 += d.profit_e4;
    x.orders += d.orders;
    months.set(k, x);
  }
  const monthly = [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, x]) => {
      const prev = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
      const lastYear = `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;
      return {
        month,
        orders: x.orders,
        revenue: fromUnits(x.revenue_e4),
        revenue_e4: x.revenue_e4,
        profit: fromUnits(x.profit_e4),
        mom_growth: round(growth(x.revenue_e4, months.get(prev)?.revenue_e4), 4),
        yoy_growth: round(growth(x.revenue_e4, months.get(lastYear)?.revenue_e4), 4),
      };
    });
  const bands = discountBands
    .filter((b) => all.bands.has(b.band))
    .map((b) => {
      const t = all.bands.get(b.band)!;
      return { band: b.band, lines: t.lines, revenue: fromUnits(t.revenue_e4), profit: fromUnits(t.profit_e4), margin: ratio(t.profit_e4, t.revenue_e4), profit_per_line: round(fromUnits(t.profit_e4) / t.lines, 4) };
    });
  return [
    { _id: 'descriptive', kind: 'descriptive', lines: m.n, measures: descriptive },
    { _id: 'correlation', kind: 'correlation', method: 'pearson', fields: statMeasures.map((s) => s.name), matrix },
    { _id: 'monthly', kind: 'monthly', months: monthly },
    { _id: 'discount_bands', kind: 'discount_bands', bands },
  ];
}

/** Reads the scope's lines (their measures packed by the server, a day per chunk) into monthly parts. */
export async function queryStatsParts(lake: LakeAccess, scope: Scope): Promise<StatsPart[]> {
  const parts = new Map<string, StatsPart>();
  const chunks = lake.columns(collections.salesItems, matchIn(scope, 'order_month', scope.months), { month: 'order_month', day: 'order_date' }, statMeasures.map((s) => s.field));
  for await (const { key, values } of chunks) {
    const month = String(key.month);
    let p = parts.get(month);
    if (!p) parts.set(month, (p = createPart(month)));
    for (const line of values) addLine(p, line.map((v) => Number(v ?? 0)));
  }
  return [...parts.values()];
}

/**
 * The statistics step: recomputes the scope's monthly parts from the lake, stores those that changed, then merges all
 * parts into the statistics documents. `names`: the two collections (parts, statistics).
 */
export async function syncStatistics(db: Db, lake: LakeAccess, scope: Scope, daily: readonly DailyDoc[], names: { parts: string; statistics: string }): Promise<{ docs: number; write: SyncResult }> {
  const parts = (await queryStatsParts(lake, scope)).map(partDocument);
  const w1 = await syncDocs(db, names.parts, scope.full ? {} : { month: { $in: [...scope.months] } }, parts);
  const all = (await db.collection<PartDocument>(names.parts).find({}).toArray()).map(partFromDocument);
  const docs = buildStatisticsDocs(all, daily);
  return { docs: docs.length, write: addSync(w1, await syncDocs(db, names.statistics, {}, docs)) };
}
