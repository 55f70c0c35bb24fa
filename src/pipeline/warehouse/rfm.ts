/**
 * RFM segmentation (recency, frequency, monetary), the rule documented in docs/warehouse.md:
 * - each of R, F and M is scored 1-5 against the quintile cut points of all customers (ties share a score; a shorter
 *   recency scores higher);
 * - the segment is the first rule that matches, in the order of `segmentRules`.
 */

export interface RfmInput {
  recencyDays: number;
  orders: number;
  revenue: number;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

export type RfmSegment = 'Champions' | 'Loyal' | 'Potential loyalists' | 'New' | 'At risk' | 'Hibernating' | 'Needs attention';

export const segmentRules: readonly { segment: RfmSegment; rule: string; test: (s: { r: number; f: number; m: number }) => boolean }[] = [
  { segment: 'Champions', rule: 'R ≥ 4 and F ≥ 4 and M ≥ 4', test: (s) => s.r >= 4 && s.f >= 4 && s.m >= 4 },
  { segment: 'Loyal', rule: 'R ≥ 3 and F ≥ 4', test: (s) => s.r >= 3 && s.f >= 4 },
  { segment: 'New', rule: 'R = 5 and F ≤ 2', test: (s) => s.r === 5 && s.f <= 2 },
  { segment: 'Potential loyalists', rule: 'R ≥ 4 and F ≤ 3', test: (s) => s.r >= 4 && s.f <= 3 },
  { segment: 'At risk', rule: 'R ≤ 2 and F ≥ 3', test: (s) => s.r <= 2 && s.f >= 3 },
  { segment: 'Hibernating', rule: 'R ≤ 2 and F ≤ 2', test: (s) => s.r <= 2 && s.f <= 2 },
  { segment: 'Needs attention', rule: 'everyone else', test: () => true },
];

/** 1 + the number of cut points strictly below the value: 1..5. */
function score(value: number, cuts: Float64Array): number {
  let s = 1;
  for (let i = 0; i < cuts.length; i++) if (value > cuts[i]!) s++;
  return s;
}

const cutQuantiles = [0.2, 0.4, 0.6, 0.8];

/**
 * The quintile cut points, interpolated linearly between order statistics (as numpy and `quantiles`), from the values
 * sorted once: a histogram of tens of thousands of distinct revenues would cost a hash entry each.
 */
function cutPoints(values: Float64Array): Float64Array {
  const sorted = values.slice().sort();
  return Float64Array.from(cutQuantiles, (q) => {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = sorted[lo]!;
    return frac === 0 ? a : a + (sorted[lo + 1]! - a) * frac;
  });
}

/** The segment of every score, r, f and m in 1..5, at index `25 (r - 1) + 5 (f - 1) + m - 1`. */
const segmentOf: readonly RfmSegment[] = Array.from({ length: 125 }, (_, i) => {
  const s = { r: Math.floor(i / 25) + 1, f: (Math.floor(i / 5) % 5) + 1, m: (i % 5) + 1 };
  return segmentRules.find((rule) => rule.test(s))!.segment;
});

/** The segment of scores r, f and m, each 1..5. */
export function segmentOfScore(r: number, f: number, m: number): RfmSegment {
  const valid = (x: number) => Number.isInteger(x) && x >= 1 && x <= 5;
  if (!valid(r) || !valid(f) || !valid(m)) throw new RangeError(`RFM scores must be 1..5: r ${r}, f ${f}, m ${m}`);
  return segmentOf[25 * (r - 1) + 5 * (f - 1) + m - 1]!;
}

export function scoreRfm(customers: readonly RfmInput[]): RfmScore[] {
  if (!customers.length) return [];
  const column = (pick: (c: RfmInput) => number) => Float64Array.from(customers, pick);
  const rCuts = cutPoints(column((c) => c.recencyDays));
  const fCuts = cutPoints(column((c) => c.orders));
  const mCuts = cutPoints(column((c) => c.revenue));
  return customers.map((c) => {
    const r = 6 - score(c.recencyDays, rCuts);
    const f = score(c.orders, fCuts);
    const m = score(c.revenue, mCuts);
    return { r, f, m, segment: segmentOfScore(r, f, m) };
  });
}
