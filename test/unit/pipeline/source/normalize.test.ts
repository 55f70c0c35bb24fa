import { loadErpData } from '../../../../src/pipeline/source/load';
import { createNormalizer, listUnitPrice, medianOfCounts } from '../../../../src/pipeline/source/normalize';
import { sumMoney, roundCents } from '../../../../src/pipeline/core/money';
import { makeRow } from '../../rows';
import type { ErpData } from '../../../../src/pipeline/core/entities';

describe('normalising the real Superstore', () => {
  let data: ErpData;
  beforeAll(async () => {
    const r = await loadErpData();
    expect(r.rejects).toEqual([]);
    data = r.data;
  });

  it('gives exactly 1,862 products, 793 customers, 5,009 sales and 9,994 sales_items', () => {
    expect(data.products).toHaveLength(1862);
    expect(data.customers).toHaveLength(793);
    expect(data.sales).toHaveLength(5009);
    expect(data.salesItems).toHaveLength(9994);
  });

  it('matches the reference sales, profit and quantity to the cent', () => {
    expect(roundCents(sumMoney(data.salesItems.map((i) => i.line_total)))).toBe(2297200.86);
    expect(roundCents(sumMoney(data.salesItems.map((i) => i.profit)))).toBe(286397.02);
    expect(data.salesItems.reduce((s, i) => s + i.quantity, 0)).toBe(37873);
    expect(roundCents(sumMoney(data.sales.map((s) => s.total)))).toBe(2297200.86);
  });

  it('matches the reference revenue of every year', () => {
    const byYear = new Map<string, number[]>();
    for (const i of data.salesItems) {
      const y = i.order_date.slice(0, 4);
      byYear.set(y, [...(byYear.get(y) ?? []), i.line_total]);
    }
    const got = Object.fromEntries([...byYear].map(([y, v]) => [y, roundCents(sumMoney(v))]));
    expect(got).toEqual({ '2014': 484247.5, '2015': 470532.51, '2016': 609205.6, '2017': 733215.26 });
  });

  it('keeps order shape: 2,538 single-line orders, at most 14 lines', () => {
    expect(data.sales.filter((s) => s.lines === 1)).toHaveLength(2538);
    expect(Math.max(...data.sales.map((s) => s.lines))).toBe(14);
  });

  it('gives the most used name to a product ID with two names and keeps the other', () => {
    const clock = data.products.find((p) => p.product_id === 'FUR-FU-10004848')!;
    expect(clock.name).toBe('Howard Miller 13-3/4" Diameter Brushed Chrome Round Wall Clock');
    expect(clock.alt_names).toEqual(['DAX Solid Wood Frames']);
    expect(data.products.filter((p) => p.alt_names.length > 0)).toHaveLength(32);
  });

  it('keys lines by sale and line number, since a product can repeat within an order', () => {
    const ids = new Set(data.salesItems.map((i) => i.item_id));
    expect(ids.size).toBe(9994);
    expect(data.salesItems[0]!.item_id).toBe('CA-2016-152156#1');
  });
});

const row = makeRow;

describe('createNormalizer', () => {
  it('rejects a line that gives its order another customer, naming the earlier line', () => {
    const n = createNormalizer();
    expect(n.add(row({}))).toBeUndefined();
    expect(n.add(row({ line: 3, productId: 'P-2', customerId: 'C-2', customerName: 'Bo' }))).toEqual({
      line: 3, column: 'Customer ID', value: 'C-2', reason: 'Customer of order O-1 was "C-1" on line 2; this line says "C-2"',
    });
    expect(n.finish().salesItems).toHaveLength(1);
  });

  it('breaks a tie between two product names in favour of the first seen', () => {
    const n = createNormalizer();
    n.add(row({ productName: 'First' }));
    n.add(row({ line: 3, orderId: 'O-2', productName: 'Second' }));
    expect(n.finish().products[0]).toMatchObject({ name: 'First', alt_names: ['Second'] });
  });

  it('derives the list price before discount', () => {
    expect(listUnitPrice(100, 2, 0.2)).toBe(62.5);
    expect(listUnitPrice(10, 4, 1)).toBe(2.5);
  });

  it('is deterministic, synthetic fields included', () => {
    const a = createNormalizer();
    const b = createNormalizer();
    a.add(row({}));
    b.add(row({}));
    expect(a.finish()).toEqual(b.finish());
  });
});

describe('medianOfCounts', () => {
  it('is the median of the values repeated by their counts, odd and even', () => {
    expect(medianOfCounts(new Map([[3, 1], [1, 1], [2, 1]]))).toBe(2);
    expect(medianOfCounts(new Map([[10, 2], [1, 2]]))).toBe(5.5);
    expect(medianOfCounts(new Map([[5, 3], [1, 1]]))).toBe(5);
    expect(medianOfCounts(new Map([[4, 1]]))).toBe(4);
  });
});
