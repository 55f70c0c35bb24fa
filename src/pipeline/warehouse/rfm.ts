/**
 * RFM segmentation (recency, frequency, monetary), the rule documented in docs/warehouse.md:
 * - each of R, F and M is scored 1-5 against the quintile cut points of all customers (ties share a score; a shorter
 *   recency scores higher);
 * - the segment is the first rule that matches, in the order of `segmentRules`.
 */
import { quantiles } from './stats';

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
function score(value: number, cuts: readonly number[]): number {
  let s = 1;
  for (const c of cuts) if (value > c) s++;
  return s;
}

function cutPoints(values: readonly number[]): number[] {
  const h = new Map<number, number>();
  for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
  return quantiles(h, [0.2, 0.4, 0.6, 0.8]).map((q) => q ?? 0);
}

export function scoreRfm(customers: readonly RfmInput[]): RfmScore[] {
  const rCuts = cutPoints(customers.map((c) => c.recencyDays));
  const fCuts = cutPoints(customers.map((c) => c.orders));
  const mCuts = cutPoints(customers.map((c) => c.revenue));
  return customers.map((c) => {
    const s = { r: 6 - score(c.recencyDays, rCuts), f: score(c.orders, fCuts), m: score(c.revenue, mCuts) };
    return { ...s, segment: segmentRules.find((rule) => rule.test(s))!.segment };
  });
}
