import { codeOfScore, scoreOfCode, scoreRfm, segmentOfScore, segmentRules } from '../../../../src/pipeline/warehouse/rfm';
import { quantiles } from '../../../../src/pipeline/warehouse/stats';

describe('RFM scores', () => {
  const customers = Array.from({ length: 10 }, (_, i) => ({ recencyDays: i * 30, orders: i + 1, revenue: (i + 1) * 100 }));

  it('score 1-5 by quintile, with the most recent buyer scoring highest on R', () => {
    const s = scoreRfm(customers);
    expect(s[0]).toMatchObject({ r: 5, f: 1, m: 1 });
    expect(s[9]).toMatchObject({ r: 1, f: 5, m: 5 });
    for (const x of s) for (const v of [x.r, x.f, x.m]) expect(v).toBeGreaterThanOrEqual(1);
  });

  it('give equal values the same score', () => {
    const s = scoreRfm([...customers, { recencyDays: 0, orders: 1, revenue: 100 }]);
    expect(s[10]).toEqual(s[0]);
  });

  it('segment by the first matching rule', () => {
    const s = scoreRfm(customers);
    expect(s[0]!.segment).toBe('New'); // recent, one order
    expect(s[9]!.segment).toBe('At risk'); // long gone, bought often
  });
});

describe('RFM scores at scale', () => {
  // The rule as first written: cut points from a value → count histogram, the segment by the first matching rule.
  function reference(customers: readonly { recencyDays: number; orders: number; revenue: number }[]) {
    const cuts = (values: number[]) => {
      const h = new Map<number, number>();
      for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
      return quantiles(h, [0.2, 0.4, 0.6, 0.8]).map((q) => q ?? 0);
    };
    const score = (v: number, c: number[]) => 1 + c.filter((x) => v > x).length;
    const [r, f, m] = [cuts(customers.map((c) => c.recencyDays)), cuts(customers.map((c) => c.orders)), cuts(customers.map((c) => c.revenue))];
    return customers.map((c) => {
      const s = { r: 6 - score(c.recencyDays, r), f: score(c.orders, f), m: score(c.revenue, m) };
      return { ...s, segment: segmentRules.find((rule) => rule.test(s))!.segment };
    });
  }

  it('give exactly the scores of the histogram rule, ties and interpolated cut points included', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (const n of [1, 2, 3, 5, 11, 250, 5000]) {
      const customers = Array.from({ length: n }, () => ({ recencyDays: rand(1400), orders: 1 + rand(9), revenue: rand(3) ? rand(2_000_000) : 12345 }));
      expect(scoreRfm(customers)).toEqual(reference(customers));
    }
  });

  it('score nobody when there is nobody', () => {
    expect(scoreRfm([])).toEqual([]);
  });
});

describe('RFM score codes', () => {
  it('name every score once, and a code names its score', () => {
    const seen = new Set<string>();
    for (let code = 0; code < 125; code++) {
      const s = scoreOfCode(code);
      expect(codeOfScore(s)).toBe(code);
      seen.add(`${s.r}${s.f}${s.m}`);
    }
    expect(seen.size).toBe(125);
  });

  it('refuse what is no code', () => {
    for (const bad of [-1, 125, 1.5, NaN]) expect(() => scoreOfCode(bad)).toThrow(RangeError);
  });
});

describe('RFM segment of a score', () => {
  it('is the first matching rule, as every score code holds it', () => {
    for (let code = 0; code < 125; code++) expect(segmentOfScore(scoreOfCode(code))).toBe(scoreOfCode(code).segment);
  });

  it('without the New rule, gives a recent one- or two-order customer the next rule that matches', () => {
    expect(segmentOfScore({ r: 5, f: 1, m: 1 })).toBe('New');
    expect(segmentOfScore({ r: 5, f: 1, m: 1 }, ['New'])).toBe('Potential loyalists');
    expect(segmentOfScore({ r: 5, f: 2, m: 5 }, ['New'])).toBe('Potential loyalists');
  });

  it('without the New rule, leaves every other score where the rules put it', () => {
    for (let code = 0; code < 125; code++) {
      const s = scoreOfCode(code);
      if (s.segment !== 'New') expect(segmentOfScore(s, ['New'])).toBe(s.segment);
    }
  });
});
