/**
 * Descriptive statistics that merge exactly. Values are integers (amounts in ten-thousandths), so the sums of values,
 * squares and cross-products kept as BigInt are exact and independent of the order the lines were read in: a month
 * recomputed on its own and merged with the others gives bit-for-bit the same figures as a full rebuild.
 * Quantiles come from exact value → count histograms (linear interpolation, as numpy and pandas by default).
 */

/** Sums over n observations of k integer measures. `cross[i][j]` (j ≥ i) is Σ xᵢ·xⱼ; the diagonal is Σ xᵢ². */
export interface Moments {
  n: number;
  sum: bigint[];
  cross: bigint[][];
}

export function createMoments(k: number): Moments {
  return { n: 0, sum: Array.from({ length: k }, () => 0n), cross: Array.from({ length: k }, () => Array.from({ length: k }, () => 0n)) };
}

export function addObservation(m: Moments, values: readonly number[]): void {
  const b = values.map((v) => BigInt(v));
  m.n++;
  for (let i = 0; i < b.length; i++) {
    m.sum[i]! += b[i]!;
    const row = m.cross[i]!;
    for (let j = i; j < b.length; j++) row[j]! += b[i]! * b[j]!;
  }
}

export function mergeMoments(into: Moments, other: Moments): void {
  into.n += other.n;
  for (let i = 0; i < into.sum.length; i++) {
    into.sum[i]! += other.sum[i]!;
    for (let j = i; j < into.sum.length; j++) into.cross[i]![j]! += other.cross[i]![j]!;
  }
}

/** n·Σxᵢxⱼ − ΣxᵢΣxⱼ, exactly: n² times the (population) covariance. */
function scaledCovariance(m: Moments, i: number, j: number): bigint {
  const [a, b] = i <= j ? [i, j] : [j, i];
  return BigInt(m.n) * m.cross[a]![b]! - m.sum[a]! * m.sum[b]!;
}

export function mean(m: Moments, i: number, scale = 1): number | null {
  return m.n ? Number(m.sum[i]!) / m.n / scale : null;
}

/** Sample standard deviation (n − 1), like pandas. */
export function std(m: Moments, i: number, scale = 1): number | null {
  if (m.n < 2) return null;
  return Math.sqrt(Number(scaledCovariance(m, i, i)) / (m.n * (m.n - 1))) / scale;
}

/** Pearson correlation; null when either measure is constant. */
export function correlation(m: Moments, i: number, j: number): number | null {
  const vi = scaledCovariance(m, i, i);
  const vj = scaledCovariance(m, j, j);
  if (vi === 0n || vj === 0n) return null;
  return Number(scaledCovariance(m, i, j)) / Math.sqrt(Number(vi) * Number(vj));
}

/** Exact value → count. */
export type Histogram = Map<number, number>;

export function mergeHistogram(into: Histogram, other: Iterable<readonly [number, number]>): void {
  for (const [v, c] of other) into.set(v, (into.get(v) ?? 0) + c);
}

export function histogramEntries(h: Histogram): [number, number][] {
  return [...h.entries()].sort((a, b) => a[0] - b[0]);
}

/** Quantiles q ∈ [0, 1] of the values a histogram counts, with linear interpolation between order statistics. */
export function quantiles(h: Histogram, qs: readonly number[]): (number | null)[] {
  const entries = histogramEntries(h);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (!n) return qs.map(() => null);
  // The value at 0-based rank r, by walking the cumulative counts.
  const at = (r: number) => {
    let seen = 0;
    for (const [v, c] of entries) {
      seen += c;
      if (r < seen) return v;
    }
    return entries[entries.length - 1]![0];
  };
  return qs.map((q) => {
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = at(lo);
    return frac === 0 ? a : a + (at(lo + 1) - a) * frac;
  });
}

/** Growth of `value` over `base` as a fraction; null when there is no base to compare with. */
export function growth(value: number, base: number | undefined): number | null {
  if (base === undefined || base === 0) return null;
  return (value - base) / Math.abs(base);
}
