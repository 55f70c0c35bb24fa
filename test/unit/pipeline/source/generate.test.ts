import { generateRows } from '../../../../src/pipeline/source/generate';
import { superstoreHeader } from '../../../../src/pipeline/source/columns';
import { validateRecord } from '../../../../src/pipeline/source/validate';
import { createNormalizer } from '../../../../src/pipeline/source/normalize';

const collect = (lines: number, seed: number) => [...generateRows({ lines, seed })];

describe('generator', () => {
  it('writes exactly the asked number of lines after a Superstore header', () => {
    const rows = collect(5000, 1);
    expect(rows[0]).toEqual(superstoreHeader);
    expect(rows).toHaveLength(5001);
  });

  it('gives the same rows for the same seed and different rows for another', () => {
    expect(collect(2000, 7)).toEqual(collect(2000, 7));
    expect(collect(2000, 8)).not.toEqual(collect(2000, 7));
  });

  it('makes rows that pass validation and normalise without conflicts', () => {
    const [header, ...rows] = collect(20000, 3);
    const idx = new Map(header!.map((h, i) => [h, i]));
    const n = createNormalizer();
    for (const [i, r] of rows.entries()) {
      const v = validateRecord((c) => r[idx.get(c)!] ?? '', i + 2, 'iso');
      if (!v.ok) throw new Error(JSON.stringify(v.rejects));
      expect(n.add(v.row)).toBeUndefined();
    }
    const data = n.finish();
    const sizes = data.sales.map((s) => s.lines);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(14);
    expect(sizes.filter((s) => s === 1).length / sizes.length).toBeGreaterThan(0.4);
    // Customers come back: far fewer customers than orders.
    expect(data.customers.length).toBeLessThan(data.sales.length / 2);
  });

  it('has seasonality and growth: Q4 busier than Q1, 2017 busier than 2014', () => {
    const rows = collect(20000, 5).slice(1);
    const count = (pred: (d: string) => boolean) => rows.filter((r) => pred(r[2]!)).length;
    expect(count((d) => d.slice(5, 7) >= '10')).toBeGreaterThan(count((d) => d.slice(5, 7) <= '03'));
    expect(count((d) => d.startsWith('2017'))).toBeGreaterThan(count((d) => d.startsWith('2014')));
  });
});
