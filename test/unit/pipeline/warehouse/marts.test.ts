import { buildDailyDocs } from '../../../../src/pipeline/warehouse/daily';
import { buildProductDocs, sumAllTime, updateAllTime } from '../../../../src/pipeline/warehouse/products';
import { buildCustomerBases, rfmAsOf, scoreCustomers } from '../../../../src/pipeline/warehouse/customers';
import { buildStoreDocs } from '../../../../src/pipeline/warehouse/stores';
import { scopeFromSales } from '../../../../src/pipeline/warehouse/scope';
import { bandOf } from '../../../../src/pipeline/warehouse/statistics';
import { scoreRfm } from '../../../../src/pipeline/warehouse/rfm';

const t = (revenue_e4: number, profit_e4: number, lines = 1, units = 1, discount_e4 = 0) => ({ lines, units, revenue_e4, profit_e4, discount_e4 });

describe('daily summary', () => {
  const docs = buildDailyDocs(
    [
      { date: '2017-01-02', branch_id: 'BR-EAST', totals: t(10_0000, 2_0000, 2, 3, 4000) },
      { date: '2017-01-02', branch_id: 'BR-WEST', totals: t(5_0001, -1_0000, 1, 1, 0) },
      { date: '2017-01-01', branch_id: 'BR-WEST', totals: t(1_0000, 0) },
    ],
    [
      { date: '2017-01-02', branch_id: 'BR-EAST', branch_name: 'East', orders: 1 },
      { date: '2017-01-02', branch_id: 'BR-WEST', branch_name: 'West', orders: 2 },
      { date: '2017-01-01', branch_id: 'BR-WEST', branch_name: 'West', orders: 1 },
    ],
  );

  it('gives one document per day, in date order, summing branches exactly', () => {
    expect(docs.map((d) => d._id)).toEqual(['2017-01-01', '2017-01-02']);
    expect(docs[1]).toMatchObject({ orders: 3, lines: 3, units: 4, revenue: 15.0001, revenue_e4: 15_0001, profit: 1, margin: 0.0667, avg_order_value: 5 });
  });

  it('averages the discount over lines and nests each branch', () => {
    expect(docs[1]!.avg_discount).toBe(0.1333);
    expect(docs[1]!.by_branch.map((b) => [b.branch_name, b.orders])).toEqual([['East', 1], ['West', 2]]);
  });
});

describe('top products', () => {
  const rows = [
    { period: '2016', product_id: 'B', lines: 1, units: 5, revenue_e4: 100, profit_e4: 10 },
    { period: '2016', product_id: 'A', lines: 1, units: 1, revenue_e4: 100, profit_e4: 50 },
    { period: '2017', product_id: 'A', lines: 2, units: 2, revenue_e4: 300, profit_e4: -5 },
  ];
  const info = new Map([['A', { name: 'Alpha', category: 'C', sub_category: 'S' }]]);

  it('orders each period by revenue, highest first, ties by product_id, and stores no ranks', () => {
    const docs = buildProductDocs(rows, info);
    expect(docs.map((d) => d._id)).toEqual(['2016|A', '2016|B', '2017|A']);
    expect(Object.keys(docs[0]!).filter((k) => k.startsWith('rank'))).toEqual([]);
    expect(docs.find((d) => d.product_id === 'B')!.name).toBe('B');
  });

  it('all-time sums the years', () => {
    const all = sumAllTime(rows);
    expect(all.find((r) => r.product_id === 'A')).toMatchObject({ period: 'all', lines: 3, units: 3, revenue_e4: 400, profit_e4: 45 });
  });

  it('an incremental all-time equals the all-time summed again from every year', () => {
    const before = rows.map((r) => ({ ...r }));
    const changedYear = [...before.filter((r) => r.period !== '2016'), { period: '2017', product_id: 'A', lines: 2, units: 5, revenue_e4: 900, profit_e4: 90 }, { period: '2017', product_id: 'N', lines: 1, units: 1, revenue_e4: 7, profit_e4: 1 }]
      .filter((r) => r.period === '2017')
      .reduce((m, r) => m.set(r.product_id, r), new Map<string, (typeof rows)[number]>());
    const after = [...before.filter((r) => r.period !== '2017'), ...changedYear.values()];
    const oldYear = before.filter((r) => r.period === '2017');
    const updated = updateAllTime(sumAllTime(before), oldYear, [...changedYear.values()]);
    const byId = (xs: ReturnType<typeof sumAllTime>) => [...xs].sort((a, b) => a.product_id.localeCompare(b.product_id));
    expect(byId(updated)).toEqual(byId(sumAllTime(after)));
  });

  it('an incremental all-time drops a product left without lines', () => {
    const only = [{ period: '2017', product_id: 'Z', lines: 1, units: 1, revenue_e4: 5, profit_e4: 1 }];
    expect(updateAllTime(sumAllTime(only), only, [])).toEqual([]);
  });
});

describe('customer analysis', () => {
  const bases = buildCustomerBases(
    [
      { customer_id: 'C1', first: '2017-02-01', last: '2017-03-01', branch_id: 'BR-EAST', orders: 2, revenue_e4: 30_0000, profit_e4: 3_0000 },
      { customer_id: 'C1', first: '2016-01-05', last: '2016-01-05', branch_id: 'BR-WEST', orders: 1, revenue_e4: 10_0000, profit_e4: 1_0000 },
      { customer_id: 'C2', first: '2017-12-30', last: '2017-12-30', branch_id: 'BR-WEST', orders: 1, revenue_e4: 5_0000, profit_e4: 0 },
    ],
    [
      { customer_id: 'C1', category: 'Technology', revenue_e4: 20_0000 },
      { customer_id: 'C1', category: 'Furniture', revenue_e4: 20_0000 },
    ],
    new Map([['C1', { name: 'Ann', segment: 'Consumer' }]]),
  );

  it('first and last order, orders, basket, favourite category (ties by name) and branches', () => {
    expect(bases[0]).toMatchObject({ first_order: '2016-01-05', last_order: '2017-03-01', orders: 3, revenue: 40, avg_basket: 13.33, favourite_category: 'Furniture', branches: ['BR-EAST', 'BR-WEST'] });
    expect(bases[1]).toMatchObject({ name: 'C2', favourite_category: null });
  });

  it('recency is counted to the latest order in the data, which the build records once, not on each customer', () => {
    expect(rfmAsOf(bases)).toBe('2017-12-30');
    expect(rfmAsOf([])).toBeNull();
    const docs = scoreCustomers(bases);
    // C2 ordered on the as-of day, C1 304 days before: C2 is the more recent.
    expect(docs[1]!.rfm.r).toBeGreaterThan(docs[0]!.rfm.r);
    expect(Object.keys(docs[0]!.rfm).sort()).toEqual(['f', 'm', 'r']);
    expect(docs[0]).not.toHaveProperty('recency_days');
  });

  it('RFM scores do not move when every recency moves by the same days, so a later as-of day alone rewrites nobody', () => {
    const customers = Array.from({ length: 50 }, (_, i) => ({ recencyDays: (i * 37) % 400, orders: 1 + (i % 7), revenue: 1000 * ((i * 13) % 29) }));
    expect(scoreRfm(customers.map((c) => ({ ...c, recencyDays: c.recencyDays + 45 })))).toEqual(scoreRfm(customers));
  });

  it('store analysis counts each customer once per branch', () => {
    const stores = buildStoreDocs([], bases);
    expect(stores).toEqual([]);
    const daily = buildDailyDocs([{ date: '2017-01-02', branch_id: 'BR-WEST', totals: t(10_0000, 1_0000) }], [{ date: '2017-01-02', branch_id: 'BR-WEST', branch_name: 'West', orders: 1 }]);
    expect(buildStoreDocs(daily, bases)[0]).toMatchObject({ branch_id: 'BR-WEST', customers: 2, revenue: 10, revenue_share: 1 });
  });
});

describe('scope and bands', () => {
  it('a scope lists touched days, months, years and customers once each', () => {
    const s = scopeFromSales([{ order_date: '2017-02-01', customer_id: 'B' }, { order_date: '2016-12-31', customer_id: 'A' }, { order_date: '2017-02-01', customer_id: 'A' }]);
    expect(s).toEqual({ full: false, days: ['2016-12-31', '2017-02-01'], months: ['2016-12', '2017-02'], years: [2016, 2017], customers: ['A', 'B'] });
  });

  it('discount bands include their upper bound', () => {
    expect([0, 1000, 1500, 2000, 3200, 8000].map(bandOf)).toEqual(['0%', '1-10%', '11-20%', '11-20%', '31-50%', '51-80%']);
  });
});

