import fs from 'node:fs';
import path from 'node:path';
import type { GroupOptions, LakeAccess } from '../../../src/pipeline/lake/access';
import { sumChunks } from '../../../src/pipeline/lake/access';
import { scoreCodes, scoreOfCode } from '../../../src/pipeline/warehouse/rfm';
import { parsePeriod } from '../../../src/reports/period';
import { countNewCustomers, loadCustomersToDate, rfmDefinition, rfmInputsAsOf, rfmSegmentsAsOf, segmentCustomersAsOf, type CustomerToDate } from '../../../src/reports/rfm';

const november = parsePeriod('2016-11');

// A tiny hand-made set, as of 2016-11-30. Among A-D (E had not ordered yet), the quintile cut points are
// recency [0, 1, 5, 548] → 0.6, 1.8, 4.2, 222.2 days; orders [1, 1, 2, 9] → 1, 1.2, 1.8, 4.8; revenue [50, 100, 300,
// 9000] → 80, 160, 260, 3780. So A scores R 4 F 5 M 5, B R 2 F 4 M 4, C R 1 F 1 M 1, D R 5 F 1 M 2.
const customers: CustomerToDate[] = [
  { customer_id: 'A', first: '2014-01-10', last: '2016-11-29', orders: 9, revenue_e4: 90_000_000 }, // loyal, a day ago
  { customer_id: 'B', first: '2016-11-05', last: '2016-11-25', orders: 2, revenue_e4: 3_000_000 }, // first order in November
  { customer_id: 'C', first: '2015-03-01', last: '2015-06-01', orders: 1, revenue_e4: 500_000 }, // gone for 548 days
  { customer_id: 'D', first: '2016-10-01', last: '2016-11-30', orders: 1, revenue_e4: 1_000_000 }, // recent, one order, but not new
  { customer_id: 'E', first: '2016-12-03', last: '2017-02-01', orders: 4, revenue_e4: 8_000_000 }, // had not ordered by 2016-11-30
];

describe('RFM inputs as of the period end', () => {
  it('leave out a customer whose orders are all after the period end', () => {
    expect(rfmInputsAsOf(customers, november.to).map((c) => c.customer_id)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('count recency in days from the last order to the period end, not to the newest order', () => {
    const recency = Object.fromEntries(rfmInputsAsOf(customers, november.to).map((c) => [c.customer_id, c.recencyDays]));
    expect(recency).toEqual({ A: 1, B: 5, C: 548, D: 0 });
  });

  it('score orders and revenue as given (the orders up to the period end)', () => {
    const a = rfmInputsAsOf(customers, november.to)[0]!;
    expect([a.orders, a.revenue]).toEqual([9, 90_000_000]);
  });
});

describe('RFM segments as of the period end', () => {
  const segmentOf = () => Object.fromEntries(segmentCustomersAsOf(customers, november).map((c) => [c.customer_id, c.segment]));

  it('make New exactly the customers whose first order falls in the period', () => {
    const segments = segmentOf();
    expect(Object.keys(segments).filter((id) => segments[id] === 'New')).toEqual(['B']);
    expect(countNewCustomers(customers, november)).toBe(1);
  });

  it('give a recent one-order customer who is not new the next rule that matches instead of New', () => {
    // D scores R 5, F 1: the warehouse's "New" rule, but D first ordered in October.
    const inputs = rfmInputsAsOf(customers, november.to);
    const scores = Array.from(
      scoreCodes(
        inputs.map((c) => c.recencyDays),
        inputs.map((c) => c.orders),
        inputs.map((c) => c.revenue),
      ),
      scoreOfCode,
    );
    expect(scores.map(({ r, f, m }) => [r, f, m])).toEqual([[4, 5, 5], [2, 4, 4], [1, 1, 1], [5, 1, 2]]);
    expect(scores[3]!.segment).toBe('New');
    expect(segmentOf().D).toBe('Potential loyalists');
  });

  it('segment the others by the warehouse rules', () => {
    expect(segmentOf()).toMatchObject({ A: 'Champions', C: 'Hibernating' });
  });

  it('share the customers who had ordered by the period end and sum their revenue up to it', () => {
    const table = rfmSegmentsAsOf(customers, november);
    expect(table.reduce((s, r) => s + r.customers, 0)).toBe(4);
    expect(table.find((r) => r.segment === 'New')).toEqual({ segment: 'New', customers: 1, revenue: 300, share: 0.25 });
    expect(table.find((r) => r.segment === 'Champions')).toEqual({ segment: 'Champions', customers: 1, revenue: 9000, share: 0.25 });
  });

  it('list ties in the order of the rules', () => {
    expect(rfmSegmentsAsOf(customers, november).map((r) => r.segment)).toEqual(['Champions', 'New', 'Potential loyalists', 'Hibernating']);
  });

  it('are empty before the first order', () => {
    expect(rfmSegmentsAsOf(customers, parsePeriod('2013-06'))).toEqual([]);
  });
});

/** A lake of sales in memory: `group` applies the `$match` (`$lte`, `$gte`, `$in` or a value) and groups as the server would. */
function fakeLake(sales: Record<string, unknown>[]): LakeAccess {
  const matches = (doc: Record<string, unknown>, match: Record<string, unknown> = {}) =>
    Object.entries(match).every(([field, cond]) => {
      const v = doc[field] as string;
      if (typeof cond !== 'object' || cond === null) return v === cond;
      return Object.entries(cond).every(([op, x]) => {
        if (op === '$lte') return v <= (x as string);
        if (op === '$gte') return v >= (x as string);
        if (op === '$in') return (x as unknown[]).includes(v);
        throw new Error(`the fake lake does not know ${op}`);
      });
    });
  const group = async (_: string, opts: GroupOptions) => {
    const fields = [...(opts.by === null ? [] : typeof opts.by === 'string' ? [opts.by] : Object.values(opts.by)), ...opts.fields, ...(opts.extremes ?? [])];
    const values = sales.filter((s) => matches(s, opts.match)).map((s) => fields.map((f) => s[f] ?? null));
    return sumChunks((async function* () { yield { key: {}, values }; })(), opts);
  };
  return { group, groupMany: group, columns: () => { throw new Error('not used'); } };
}

describe('customers to date from the lake', () => {
  const sale = (customer_id: string, order_date: string, total_e4: number) => ({ customer_id, order_date, total_e4 });
  const lake = fakeLake([
    sale('X', '2016-10-01', 10_000),
    sale('X', '2016-11-15', 20_000),
    sale('X', '2016-12-05', 40_000),
    sale('Y', '2016-12-10', 80_000),
    sale('Z', '2016-11-30', 5_000),
  ]);

  it('count only the orders up to the period end, and nobody whose orders all come after it', async () => {
    const found = (await loadCustomersToDate(lake, '2016-11-30')).sort((a, b) => a.customer_id.localeCompare(b.customer_id));
    expect(found).toEqual([
      { customer_id: 'X', first: '2016-10-01', last: '2016-11-15', orders: 2, revenue_e4: 30_000 },
      { customer_id: 'Z', first: '2016-11-30', last: '2016-11-30', orders: 1, revenue_e4: 5_000 },
    ]);
  });
});

describe('the RFM definition', () => {
  it('is the one docs/reports.md states', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../../docs/reports.md'), 'utf8');
    const quotes = (docs.match(/^> .*(\n> .*)*/gm) ?? []).map((quote) => quote.replace(/^> /gm, '').replace(/\n/g, ' '));
    expect(quotes).toContain(rfmDefinition);
  });
});
