import { historicalMix } from '../../../src/bench/historical-mix';
import { parseHistorical, type HistoricalFilter } from '../../../src/dashboard/params';
import { filterQuery } from '../../../src/dashboard/view-cache';

/** The warehouse's values for Superstore. */
const superstore = { years: [2014, 2015, 2016, 2017], branches: ['BR-CENTRAL', 'BR-EAST', 'BR-SOUTH', 'BR-WEST'], categories: ['Furniture', 'Office Supplies', 'Technology'] };
const parse = (q: string, known = superstore) => parseHistorical(new URLSearchParams(q.replace(/^\?/, '')), known);

describe('historicalMix', () => {
  const mix = historicalMix(superstore);
  const filters = mix.map((q) => parse(q));
  const count = (test: (f: HistoricalFilter) => boolean) => filters.filter(test).length;

  it('has 20 distinct filters, each valid and canonical', () => {
    expect(mix).toHaveLength(20);
    expect(new Set(mix).size).toBe(20);
    for (const [i, q] of mix.entries()) expect([q, filterQuery(filters[i]!)]).toEqual([q, q]);
  });

  it('holds each year, year × branch, month, year × month × branch and category filters', () => {
    expect(mix.slice(0, 5)).toEqual(['', '?year=2014', '?year=2015', '?year=2016', '?year=2017']);
    expect(count((f) => f.year !== null && f.branch !== null && f.month === null)).toBe(4);
    expect(count((f) => f.month !== null && f.branch === null)).toBe(3);
    expect(count((f) => f.month !== null && f.branch !== null)).toBe(2);
    expect(count((f) => f.category !== null && f.year !== null)).toBe(3);
    expect(count((f) => f.category !== null && f.year === null)).toBe(3);
    expect(mix).toContain('?year=2017&month=12&branch=BR-CENTRAL');
    expect(mix).toContain('?category=Office+Supplies');
  });

  it('fills up to 20 from the values a smaller warehouse has, all valid for it', () => {
    const small = { years: [2017], branches: ['BR-WEST'], categories: ['Technology'] };
    const m = historicalMix(small);
    expect(new Set(m).size).toBe(20);
    for (const q of m) expect(() => parse(q, small)).not.toThrow();
  });

  it('says so when the warehouse is empty, or offers fewer views than asked for', () => {
    expect(() => historicalMix({ years: [], branches: [], categories: [] })).toThrow(/no year of sales: build it/);
    expect(() => historicalMix(superstore, 1000)).toThrow(/offers \d+ distinct views, fewer than the 1000/);
  });
});
