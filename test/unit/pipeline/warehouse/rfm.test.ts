import { scoreRfm } from '../../../../src/pipeline/warehouse/rfm';

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
