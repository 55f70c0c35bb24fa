import { addObservation, correlation, createMoments, growth, mean, mergeMoments, quantiles, std } from '../../../../src/pipeline/warehouse/stats';

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

describe('growth', () => {
  it('is relative to the absolute base and null without one', () => {
    expect(growth(120, 100)).toBeCloseTo(0.2);
    expect(growth(-50, -100)).toBeCloseTo(0.5);
    expect(growth(10, 0)).toBeNull();
    expect(growth(10, undefined)).toBeNull();
  });
});
