/**
 * `sales_statistics`: descriptive statistics, correlation, monthly growth and profit by discount band of the lines.
 * Grain: one document per kind; exact partial results per month in `sales_statistics_parts` (one document per month).
 */
import type { Db } from 'mongodb';
import { Binary, collections } from '../adapters/mongo';
import type { LakeAccess } from '../lake/access';
import { addSync, syncDocs, type SyncResult } from './sync';
import { fromUnits } from '../core/money';
import {
  addObservation,
  correlation,
  createMoments,
  decodeHistogram,
  encodeHistogram,
  growth,
  mean,
  mergeMoments,
  quantilesOfRuns,
  sortHistogram,
  std,
  type Histogram,
  type Moments,
  type SortedHistogram,
} from './stats';
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

/** A month's exact partial results, its histograms in `statMeasures` order. */
export interface StatsPart {
  month: string;
  moments: Moments;
  histograms: SortedHistogram[];
  bands: Map<string, BandTotals>;
}

/** A part while its lines are added: value → count maps, sorted once at the end (`finishPart`). */
export interface PartBuilder {
  month: string;
  moments: Moments;
  histograms: Histogram[];
  bands: Map<string, BandTotals>;
}

export function createPart(month: string): PartBuilder {
  return { month, moments: createMoments(statMeasures.length), histograms: statMeasures.map(() => new Map()), bands: new Map() };
}

/** Adds one line: its integer measures in `statMeasures` order. */
export function addLine(part: PartBuilder, values: readonly number[]): void {
  addObservation(part.moments, values);
  for (let i = 0; i < values.length; i++) {
    const h = part.histograms[i]!;
    h.set(values[i]!, (h.get(values[i]!) ?? 0) + 1);
  }
  const band = bandOf(values[2]!);
  let b = part.bands.get(band);
  if (!b) part.bands.set(band, (b = { lines: 0, revenue_e4: 0, profit_e4: 0 }));
  b.lines++;
  b.revenue_e4 += values[0]!;
  b.profit_e4 += values[3]!;
}

export function finishPart(p: PartBuilder): StatsPart {
  return { ...p, histograms: p.histograms.map(sortHistogram) };
}

/** The parts' moments and band totals added up (their histograms are read together by `quantilesOfRuns`). */
export function mergeTotals(parts: readonly StatsPart[]): { moments: Moments; bands: Map<string, BandTotals> } {
  const moments = createMoments(statMeasures.length);
  const bands = new Map<string, BandTotals>();
  for (const p of parts) {
    mergeMoments(moments, p.moments);
    for (const [band, t] of p.bands) {
      const b = bands.get(band) ?? { lines: 0, revenue_e4: 0, profit_e4: 0 };
      b.lines += t.lines;
      b.revenue_e4 += t.revenue_e4;
      b.profit_e4 += t.profit_e4;
      bands.set(band, b);
    }
  }
  return { moments, bands };
}

/**
 * A part as a MongoDB document and back: the cross-products are symmetric, so only their upper triangle is stored
 * (flat), and each histogram as bytes (`data`, see `encodeHistogram`). BigInts as decimal strings (no BSON type holds
 * them). Parts written before the bytes (each histogram as `values` and `counts` arrays) are still read.
 */
export interface PartDocument {
  _id: string;
  month: string;
  n: number;
  sum: string[];
  cross: string[];
  histograms: StoredHistogram[];
  bands: ({ band: string } & BandTotals)[];
}

/** A histogram as stored: bytes, or (written by an earlier version) the sorted values and their counts as arrays. */
export type StoredHistogram = { measure: string; data: Binary } | { measure: string; values: number[]; counts: number[] };

export function partDocument(p: StatsPart): PartDocument {
  const k = p.moments.sum.length;
  const cross: string[] = [];
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) cross.push(String(p.moments.cross[i]![j]));
  return {
    _id: p.month,
    month: p.month,
    n: p.moments.n,
    sum: p.moments.sum.map(String),
    cross,
    histograms: p.histograms.map((h, i) => ({ measure: statMeasures[i]!.name, data: new Binary(encodeHistogram(h)) })),
    bands: [...p.bands.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([band, t]) => ({ band, ...t })),
  };
}

function unflatten(upper: bigint[], k: number): bigint[][] {
  const out = Array.from({ length: k }, () => Array.from({ length: k }, () => 0n));
  let n = 0;
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out[i]![j] = upper[n++]!;
  return out;
}

/** Whether a stored part keeps its histograms as arrays (written before they were stored as bytes). */
export function hasArrayHistograms(d: PartDocument): boolean {
  return d.histograms.some((h) => !('data' in h));
}

function histogramFromDocument(d: PartDocument, h: StoredHistogram): SortedHistogram {
  // A corrupt part stops an incremental build; a full build rewrites it without reading it.
  if ('data' in h) return decodeHistogram(h.data.value(), `sales_statistics_parts ${d._id}, ${h.measure}`);
  return sortHistogram(new Map(h.values.map((v, i) => [Number(v), Number(h.counts[i])])));
}

export function partFromDocument(d: PartDocument): StatsPart {
  return {
    month: d.month,
    moments: { n: d.n, sum: d.sum.map((s) => BigInt(s)), cross: unflatten(d.cross.map((s) => BigInt(s)), d.sum.length) },
    histograms: d.histograms.map((h) => histogramFromDocument(d, h)),
    bands: new Map(d.bands.map((b) => [b.band, { lines: b.lines, revenue_e4: b.revenue_e4, profit_e4: b.profit_e4 }])),
  };
}

const round = (x: number | null, d = 6) => roundOrNull(x, d);

/** Pure: the statistics documents from all parts and the daily summary. */
export function buildStatisticsDocs(parts: readonly StatsPart[], daily: readonly DailyDoc[]) {
  const all = mergeTotals(parts);
  const m = all.moments;
  if (m.n === 0) return [];
  const descriptive = Object.fromEntries(
    statMeasures.map((s, i) => {
      const runs = parts.map((p) => p.histograms[i]!);
      const [min, q1, median, q3, max] = quantilesOfRuns(runs, [0, 0.25, 0.5, 0.75, 1]).map((v) => (v === null ? null : round(v / s.scale)));
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

/**
 * Reads the scope's lines (their measures packed by the server, a day per chunk) into monthly parts. Chunks come in
 * key order, month first, so each month is finished (its maps sorted into arrays and dropped) as soon as the next
 * begins: a full build holds one month's maps at a time.
 */
export async function queryStatsParts(lake: LakeAccess, scope: Scope): Promise<StatsPart[]> {
  const parts: StatsPart[] = [];
  let current: PartBuilder | undefined;
  const chunks = lake.columns(collections.salesItems, matchIn(scope, 'order_month', scope.months), { month: 'order_month', day: 'order_date' }, statMeasures.map((s) => s.field));
  for await (const { key, values } of chunks) {
    const month = String(key.month);
    if (current?.month !== month) {
      if (current) parts.push(finishPart(current));
      if (parts.some((p) => p.month === month)) throw new Error(`statistics: lines of ${month} came after another month's (expected chunks in month order)`);
      current = createPart(month);
    }
    for (const line of values) addLine(current, line.map((v) => Number(v ?? 0)));
  }
  if (current) parts.push(finishPart(current));
  return parts;
}

/**
 * The statistics step: recomputes the scope's monthly parts from the lake while it reads and decodes the stored parts
 * outside the scope, stores the parts that changed, then finds the statistics across the fresh parts and the kept
 * ones. Kept parts with histograms as arrays (an earlier version's) are read as they are and rewritten as bytes by the
 * same build, from what was read: the lake is not read again for them. `names`: the two collections (parts,
 * statistics).
 */
/** `daily`: the daily mart as built, asked for once the parts are read (they are synced meanwhile). */
export async function syncStatistics(db: Db, lake: LakeAccess, scope: Scope, daily: () => Promise<readonly DailyDoc[]>, names: { parts: string; statistics: string }): Promise<{ docs: number; write: SyncResult }> {
  const touched = new Set(scope.months);
  const outside = (d: PartDocument) => !scope.full && !touched.has(d.month);
  const readStored = async () => {
    const stored = await db.collection<PartDocument>(names.parts).find({}).toArray();
    return { stored, kept: stored.filter(outside).map((doc) => ({ doc, part: partFromDocument(doc) })) };
  };
  const [fresh, { stored, kept }, storedStatistics] = await Promise.all([queryStatsParts(lake, scope), readStored(), db.collection(names.statistics).find({}).toArray()]);
  const upgraded = kept.filter((k) => hasArrayHistograms(k.doc)).map((k) => partDocument(k.part));
  const upgradedIds = new Set(upgraded.map((d) => d._id));
  const slice = stored.filter((d) => !outside(d) || upgradedIds.has(d._id));
  // The statistics are computed while the server writes the parts.
  const [w1, docs] = await Promise.all([
    syncDocs(db, names.parts, { _id: { $in: [...new Set([...slice, ...fresh].map((d) => d.month))] } }, [...fresh.map(partDocument), ...upgraded], slice),
    (async () => buildStatisticsDocs([...fresh, ...kept.map((k) => k.part)], await daily()))(),
  ]);
  return { docs: docs.length, write: addSync(w1, await syncDocs(db, names.statistics, {}, docs, storedStatistics)) };
}
