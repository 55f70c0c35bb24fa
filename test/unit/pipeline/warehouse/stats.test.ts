import {
  addObservation,
  CorruptHistogramError,
  correlation,
  createMoments,
  decodeHistogram,
  encodeHistogram,
  growth,
  mean,
  mergeMoments,
  quantiles,
  histogramOfSorted,
  sortHistogram,
  quantilesOfRuns,
  std,
  type Histogram,
  type SortedHistogram,
} from '../../../../src/pipeline/warehouse/stats';

/** Reference implementations, written plainly. */
const naiveMean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const naiveStd = (xs: number[]) => {
  const m = naiveMean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const naiveQuantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return lo === pos ? s[lo]! : s[lo]! + (s[lo + 1]! - s[lo]!) * (pos - lo);
};

describe('mergeable statistics', () => {
  const xs = [5, 1, 9, 3, 3, 12, -4, 7];
  const ys = [2, 0, 7, 1, 2, 10, -5, 4];

  it('mean and sample std match the textbook formulas', () => {
    const m = createMoments(2);
    xs.forEach((x, i) => addObservation(m, [x, ys[i]!]));
    expect(mean(m, 0)).toBeCloseTo(naiveMean(xs), 12);
    expect(std(m, 0)).toBeCloseTo(naiveStd(xs), 12);
  });

  it('Pearson correlation matches the definition and is symmetric', () => {
    const m = createMoments(2);
    xs.forEach((x, i) => addObservation(m, [x, ys[i]!]));
    const mx = naiveMean(xs);
    const my = naiveMean(ys);
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
    const expected = cov / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ys.reduce((s, y) => s + (y - my) ** 2, 0));
    expect(correlation(m, 0, 1)).toBeCloseTo(expected, 12);
    expect(correlation(m, 1, 0)).toBe(correlation(m, 0, 1));
  });

  it('merging two halves gives exactly the moments of the whole, in any order', () => {
    const whole = createMoments(2);
    const a = createMoments(2);
    const b = createMoments(2);
    xs.forEach((x, i) => {
      addObservation(whole, [x, ys[i]!]);
      addObservation(i % 2 ? a : b, [x, ys[i]!]);
    });
    const merged = createMoments(2);
    mergeMoments(merged, b);
    mergeMoments(merged, a);
    expect(merged).toEqual(whole);
  });

  it('a constant measure has no correlation rather than NaN', () => {
    const m = createMoments(2);
    [1, 2, 3].forEach((x) => addObservation(m, [x, 7]));
    expect(correlation(m, 0, 1)).toBeNull();
  });

  it('large amounts in ten-thousandths stay exact (beyond 2^53 when squared)', () => {
    const m = createMoments(1);
    const big = 226_384_800; // 22,638.48 in ten-thousandths
    addObservation(m, [big]);
    addObservation(m, [big + 1]);
    expect(std(m, 0)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('quantiles from a histogram', () => {
  it('interpolate linearly between order statistics like numpy', () => {
    const xs = [4, 1, 1, 9, 3, 3, 3, 12];
    const h = new Map<number, number>();
    xs.forEach((x) => h.set(x, (h.get(x) ?? 0) + 1));
    const qs = [0, 0.25, 0.5, 0.75, 1, 0.1];
    expect(quantiles(h, qs)).toEqual(qs.map((q) => naiveQuantile(xs, q)));
  });

  it('are null for no data', () => {
    expect(quantiles(new Map(), [0.5])).toEqual([null]);
  });
});

/** A seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const histogramOf = (xs: readonly number[]): Histogram => {
  const h = new Map<number, number>();
  for (const x of xs) h.set(x, (h.get(x) ?? 0) + 1);
  return h;
};

/** Integer values between lo and hi, with `distinct` of them at most, so some repeat. */
const randomValues = (next: () => number, n: number, lo: number, hi: number, distinct = n) => {
  const pool = Array.from({ length: distinct }, () => lo + Math.floor(next() * (hi - lo + 1)));
  return Array.from({ length: n }, () => pool[Math.floor(next() * distinct)]!);
};

/** The previous implementation, kept as the reference: the months' maps merged into one, then walked in value order. */
function mapQuantiles(hs: readonly Histogram[], qs: readonly number[]): (number | null)[] {
  const merged = new Map<number, number>();
  for (const h of hs) for (const [v, c] of h) merged.set(v, (merged.get(v) ?? 0) + c);
  const entries = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (!n) return qs.map(() => null);
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

const plain = (h: SortedHistogram) => ({ values: [...h.values], counts: [...h.counts] });

describe('sorted histograms', () => {
  const qs = [0, 0.25, 0.5, 0.75, 1, 0.1, 0.9, 1 / 3];

  it('sorting a value → count map lists each value once, ascending, with its count', () => {
    expect(plain(sortHistogram(histogramOf([3, -1, 3, 10, -1, 3])))).toEqual({ values: [-1, 3, 10], counts: [2, 3, 1] });
    expect(plain(sortHistogram(new Map()))).toEqual({ values: [], counts: [] });
  });

  it('quantiles of one sorted histogram equal numpy-style quantiles of its values, bit for bit, with ties and one value', () => {
    const next = random(11);
    const cases = [[42], [5, 5], [-3, 7], [1, 1, 1, 2, 2, 9]];
    for (let trial = 0; trial < 50; trial++) cases.push(randomValues(next, 1 + Math.floor(next() * 400), -2_000_000, 2_000_000, 1 + Math.floor(next() * 50)));
    for (const xs of cases) {
      const expected = qs.map((q) => naiveQuantile(xs, q));
      expect(mapQuantiles([histogramOf(xs)], qs)).toEqual(expected);
      expect(quantilesOfRuns([sortHistogram(histogramOf(xs))], qs)).toEqual(expected);
      expect(quantiles(histogramOf(xs), qs)).toEqual(expected);
    }
  });

  it('quantiles across several sorted histograms equal those of all their values together, on random runs sharing values', () => {
    const next = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const runs = Array.from({ length: 1 + Math.floor(next() * 12) }, () => randomValues(next, Math.floor(next() * 300), -5000, 5000, 1 + Math.floor(next() * 200)));
      const all = runs.flat();
      if (!all.length) continue;
      const found = quantilesOfRuns(runs.map((run) => sortHistogram(histogramOf(run))), qs);
      expect(found).toEqual(mapQuantiles(runs.map(histogramOf), qs));
      expect(found).toEqual(qs.map((q) => naiveQuantile(all, q)));
    }
  });

  it('quantiles across runs hold when one value is every order statistic, a value is alone, or runs are empty', () => {
    const runs = (...xss: number[][]) => xss.map((xs) => sortHistogram(histogramOf(xs)));
    expect(quantilesOfRuns(runs([7, 7], [], [7]), qs)).toEqual(qs.map(() => 7));
    expect(quantilesOfRuns(runs([], [-12_009_209], []), qs)).toEqual(qs.map(() => -12_009_209));
    expect(quantilesOfRuns(runs([1, 2], [3, 4], [2, 3]), [0.5])).toEqual([2.5]);
    expect(quantilesOfRuns(runs([], []), [0.5])).toEqual([null]);
    expect(quantilesOfRuns([], [0, 1])).toEqual([null, null]);
  });
});

describe('histogram encoding', () => {
  const roundTrip = (h: SortedHistogram) => plain(decodeHistogram(encodeHistogram(h)));

  it('an empty histogram and a single value round-trip', () => {
    expect(roundTrip(sortHistogram(new Map()))).toEqual({ values: [], counts: [] });
    expect(roundTrip(sortHistogram(new Map([[226_384_800, 1]])))).toEqual({ values: [226_384_800], counts: [1] });
    expect(roundTrip(sortHistogram(new Map([[0, 7]])))).toEqual({ values: [0], counts: [7] });
  });

  it('negative values (losses), zero and extreme magnitudes round-trip exactly', () => {
    const h = sortHistogram(histogramOf([-65_999_780, -1, 0, 0, 1, 2 ** 51, -(2 ** 51), 127, 128, 16_383, 16_384]));
    expect(roundTrip(h)).toEqual(plain(h));
    expect(roundTrip(sortHistogram(new Map([[5, 2 ** 52]])))).toEqual({ values: [5], counts: [2 ** 52] });
  });

  it('random histograms round-trip exactly and take a few bytes per value', () => {
    const next = random(17);
    for (let trial = 0; trial < 20; trial++) {
      const h = sortHistogram(histogramOf(randomValues(next, 2000, -70_000_000, 230_000_000, 1500)));
      const bytes = encodeHistogram(h);
      expect(plain(decodeHistogram(bytes))).toEqual(plain(h));
      expect(bytes.length).toBeLessThan(6 * h.values.length + 8);
    }
  });

  it('refuses values it cannot hold exactly, naming them', () => {
    expect(() => encodeHistogram(sortHistogram(new Map([[1.5, 1]])))).toThrow(/1\.5/);
    expect(() => encodeHistogram(sortHistogram(new Map([[2 ** 53, 1]])))).toThrow(RangeError);
    expect(() => encodeHistogram({ values: Float64Array.of(1), counts: Float64Array.of(0.5) })).toThrow(/count/);
  });

  it('refuses truncated, padded or unknown bytes instead of returning a wrong histogram, naming what they were', () => {
    const bytes = encodeHistogram(sortHistogram(histogramOf([1, 2, 300_000, 300_000])));
    const what = 'sales_statistics_parts 2017-12, profit';
    expect(() => decodeHistogram(bytes.subarray(0, bytes.length - 1), what)).toThrow(CorruptHistogramError);
    expect(() => decodeHistogram(bytes.subarray(0, bytes.length - 1), what)).toThrow(/^sales_statistics_parts 2017-12, profit .* ends inside a number.*--full/);
    expect(() => decodeHistogram(Uint8Array.from([...bytes, 0]), what)).toThrow(/1 bytes left over/);
    expect(() => decodeHistogram(Uint8Array.of(9, 0))).toThrow(/format 9/);
    expect(() => decodeHistogram(Uint8Array.of(1, 100, 0))).toThrow(/100 values cannot fit/);
  });
});

describe('growth', () => {
  it('is relative to the absolute base and null without one', () => {
    expect(growth(120, 100)).toBeCloseTo(0.2);
    expect(growth(-50, -100)).toBeCloseTo(0.5);
    expect(growth(10, 0)).toBeNull();
    expect(growth(10, undefined)).toBeNull();
  });
});

describe('histogramOfSorted', () => {
  it('counts the runs of equal values, as sortHistogram counts a Map of them', () => {
    const values = [3, -1, 3, 7, 7, 7, 0, -1, 3];
    const h = new Map<number, number>();
    for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
    expect(histogramOfSorted(Float64Array.from(values).sort())).toEqual(sortHistogram(h));
    expect(histogramOfSorted(new Float64Array(0))).toEqual({ values: new Float64Array(0), counts: new Float64Array(0) });
  });
});
