/**
 * Engine conformance, aggregation: grouping, accumulators, joins, facets, buckets and projections, each answer
 * checked against the same figure computed in plain TypeScript from the inserted lines.
 * Runs against whatever MONGODB_URI names: `MONGODB_URI='mongodb+srv://…' npm run test:engine`.
 */
import type { Collection, Db } from 'mongodb';
import { collections } from '../../src/pipeline/adapters/mongo';
import { columnsPipeline, createLakeAccess } from '../../src/pipeline/lake/access';
import { openConformanceDb, seedLake, type ConformanceDb } from './engine';
import { customers, groupBy, products, sorted, sumBy, unknownCustomerId, type SaleLine } from './lake';

let conn: ConformanceDb;
let db: Db;
let items: Collection<SaleLine>;
let lines: SaleLine[];

beforeAll(async () => {
  conn = await openConformanceDb('aggregate');
  db = conn.db;
  items = db.collection<SaleLine>(collections.salesItems);
  lines = await seedLake(db);
});

afterAll(async () => {
  await conn?.dispose();
});

const byCategory = () => groupBy(lines, (l) => l.category);
const knownCustomer = new Map(customers.map((c) => [c._id, c]));

describe('engine: $group and its accumulators', () => {
  it('a $group with three accumulators computes all three', async () => {
    const rows = await items
      .aggregate<{ _id: string; revenue: number; units: number; lines: number }>([
        { $group: { _id: '$category', revenue: { $sum: '$line_total' }, units: { $sum: '$quantity' }, lines: { $sum: 1 } } },
      ])
      .toArray();
    const expected = byCategory();
    expect(sorted(rows.map((r) => r._id))).toEqual(sorted([...expected.keys()]));
    for (const row of rows) {
      const group = expected.get(row._id as SaleLine['category'])!;
      expect(row.revenue).toBeCloseTo(sumBy(group, (l) => l.line_total), 6);
      expect(row.units).toBe(sumBy(group, (l) => l.quantity));
      expect(row.lines).toBe(group.length);
    }
  });

  it('a $group over the whole collection computes every accumulator, not only the first (the FerretDB v1 bug)', async () => {
    const [row] = await items
      .aggregate<{ units: number; discounted: number; n: number }>([
        { $group: { _id: null, units: { $sum: '$quantity' }, discounted: { $sum: { $cond: [{ $gt: ['$discount', 0] }, 1, 0] } }, n: { $sum: 1 } } },
      ])
      .toArray();
    expect(row).toEqual({
      _id: null,
      units: sumBy(lines, (l) => l.quantity),
      discounted: lines.filter((l) => l.discount > 0).length,
      n: lines.length,
    });
  });

  it('$avg, $min and $max per category match the lines, on numbers and on date strings', async () => {
    const rows = await items
      .aggregate<{ _id: string; avgTotal: number; minPrice: number; maxPrice: number; first: string; last: string }>([
        {
          $group: {
            _id: '$category',
            avgTotal: { $avg: '$line_total' },
            minPrice: { $min: '$unit_price' },
            maxPrice: { $max: '$unit_price' },
            first: { $min: '$order_date' },
            last: { $max: '$order_date' },
          },
        },
      ])
      .toArray();
    expect(rows).toHaveLength(byCategory().size);
    for (const row of rows) {
      const group = byCategory().get(row._id as SaleLine['category'])!;
      const prices = group.map((l) => l.unit_price);
      const days = sorted(group.map((l) => l.order_date));
      expect(row.avgTotal).toBeCloseTo(sumBy(group, (l) => l.line_total) / group.length, 6);
      expect(row.minPrice).toBe(Math.min(...prices));
      expect(row.maxPrice).toBe(Math.max(...prices));
      expect(row.first).toBe(days[0]);
      expect(row.last).toBe(days[days.length - 1]);
    }
  });

  it('$push keeps every value per group, repeats included', async () => {
    const rows = await items.aggregate<{ _id: string; cats: string[] }>([{ $group: { _id: '$customer_id', cats: { $push: '$category' } } }]).toArray();
    const expected = groupBy(lines, (l) => l.customer_id);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expect(sorted(row.cats)).toEqual(sorted(expected.get(row._id)!.map((l) => l.category)));
  });

  it('$push of an array of fields packs each line’s values per chunk, a missing field as null (the warehouse’s columns read)', async () => {
    const rows = await items.aggregate<{ _id: { day: string }; values: unknown[][] }>(columnsPipeline(undefined, { day: 'order_date' }, ['quantity', 'line_total', 'no_such_field']), { allowDiskUse: true }).toArray();
    const expected = groupBy(lines, (l) => l.order_date);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const want = expected.get(row._id.day)!.map((l) => [l.quantity, l.line_total, null]);
      expect(sorted(row.values.map((v) => JSON.stringify(v)))).toEqual(sorted(want.map((v) => JSON.stringify(v))));
    }
  });

  it('groupMany (values packed by the server, summed here) answers exactly what groupSums ($group) does, on integers', async () => {
    // Integers, as the lake keeps money (e4 units): a sum of doubles depends on the order it is added in.
    const lake = createLakeAccess(db);
    for (const opts of [
      { by: { c: 'customer_id', k: 'category' }, fields: ['quantity', 'line_no'], extremes: ['order_date'] },
      { by: 'product_id', fields: ['quantity'] },
      { by: null, fields: ['quantity'], match: { category: 'Furniture' } },
    ]) {
      const server = await lake.group(collections.salesItems, opts);
      const here = await lake.groupMany(collections.salesItems, opts);
      expect(new Map([...here].sort(([a], [b]) => a.localeCompare(b)))).toEqual(new Map([...server].sort(([a], [b]) => a.localeCompare(b))));
    }
  });

  it('$addToSet keeps each value once per group', async () => {
    const rows = await items.aggregate<{ _id: string; cats: string[] }>([{ $group: { _id: '$customer_id', cats: { $addToSet: '$category' } } }]).toArray();
    const expected = groupBy(lines, (l) => l.customer_id);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expect(sorted(row.cats)).toEqual(sorted([...new Set(expected.get(row._id)!.map((l) => l.category))]));
  });

  it('a $group on a compound key (category, month cut from the date string) sums each cell', async () => {
    const rows = await items
      .aggregate<{ _id: { category: string; month: string }; units: number }>([
        { $group: { _id: { category: '$category', month: { $substrCP: ['$order_date', 0, 7] } }, units: { $sum: '$quantity' } } },
      ])
      .toArray();
    const expected = groupBy(lines, (l): string => `${l.category}|${l.order_date.slice(0, 7)}`);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expect(row.units).toBe(sumBy(expected.get(`${row._id.category}|${row._id.month}`)!, (l) => l.quantity));
  });
});

describe('engine: $lookup, $facet, $bucket and friends', () => {
  it('$lookup + $unwind joins each line to its customer, and drops lines whose customer is unknown', async () => {
    const rows = await items
      .aggregate<{ _id: string; revenue: number; lines: number }>([
        { $lookup: { from: collections.customers, localField: 'customer_id', foreignField: '_id', as: 'customer' } },
        { $unwind: '$customer' },
        { $group: { _id: '$customer.segment', revenue: { $sum: '$line_total' }, lines: { $sum: 1 } } },
      ])
      .toArray();
    const joined = lines.filter((l) => knownCustomer.has(l.customer_id));
    const expected = groupBy(joined, (l) => knownCustomer.get(l.customer_id)!.segment);
    expect(joined.length).toBeLessThan(lines.length);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const group = expected.get(row._id as 'Consumer')!;
      expect(row.lines).toBe(group.length);
      expect(row.revenue).toBeCloseTo(sumBy(group, (l) => l.line_total), 6);
    }
  });

  it('$unwind with preserveNullAndEmptyArrays keeps the lines whose customer is unknown', async () => {
    const rows = await items
      .aggregate<{ _id: string }>([
        { $lookup: { from: collections.customers, localField: 'customer_id', foreignField: '_id', as: 'customer' } },
        { $unwind: { path: '$customer', preserveNullAndEmptyArrays: true } },
        { $match: { customer: { $exists: false } } },
        { $project: { _id: 1 } },
      ])
      .toArray();
    const orphans = lines.filter((l) => l.customer_id === unknownCustomerId).map((l) => l._id);
    expect(orphans.length).toBeGreaterThan(0);
    expect(sorted(rows.map((r) => r._id))).toEqual(sorted(orphans));
  });

  it('a $lookup from customers to their lines counts each customer’s lines, zero included', async () => {
    const rows = await db
      .collection(collections.customers)
      .aggregate<{ _id: string; n: number }>([
        { $lookup: { from: collections.salesItems, localField: '_id', foreignField: 'customer_id', as: 'lines' } },
        { $project: { n: { $size: '$lines' } } },
      ])
      .toArray();
    const expected = Object.fromEntries(customers.map((c) => [c._id, lines.filter((l) => l.customer_id === c._id).length]));
    expect(Object.values(expected)).toContain(0);
    expect(Object.fromEntries(rows.map((r) => [r._id, r.n]))).toEqual(expected);
  });

  it('$facet answers several groupings over the same lines in one pass', async () => {
    const [row] = await items
      .aggregate<{ byCategory: { _id: string; n: number }[]; totals: { units: number; lines: number }[]; top: { _id: string }[] }>([
        {
          $facet: {
            byCategory: [{ $group: { _id: '$category', n: { $sum: 1 } } }],
            totals: [{ $group: { _id: null, units: { $sum: '$quantity' }, lines: { $sum: 1 } } }],
            top: [{ $sort: { line_total: -1, _id: 1 } }, { $limit: 3 }, { $project: { _id: 1 } }],
          },
        },
      ])
      .toArray();
    expect(Object.fromEntries(row!.byCategory.map((r) => [r._id, r.n]))).toEqual(
      Object.fromEntries([...byCategory()].map(([k, v]) => [k, v.length])),
    );
    expect(row!.totals).toEqual([{ _id: null, units: sumBy(lines, (l) => l.quantity), lines: lines.length }]);
    const top = [...lines].sort((a, b) => b.line_total - a.line_total || (a._id < b._id ? -1 : 1)).slice(0, 3);
    expect(row!.top.map((r) => r._id)).toEqual(top.map((l) => l._id));
  });

  it('$bucket puts each line in its amount band, with the rest in the default bucket', async () => {
    const boundaries = [0, 10, 100, 1000];
    const rows = await items
      .aggregate<{ _id: number | string; n: number; units: number }>([
        { $bucket: { groupBy: '$line_total', boundaries, default: 'large', output: { n: { $sum: 1 }, units: { $sum: '$quantity' } } } },
      ])
      .toArray();
    const band = (v: number): number | string => {
      for (let i = boundaries.length - 2; i >= 0; i--) if (v >= boundaries[i]! && v < boundaries[i + 1]!) return boundaries[i]!;
      return 'large';
    };
    const expected = groupBy(lines, (l) => String(band(l.line_total)));
    expect(expected.has('large')).toBe(true);
    expect(rows.map((r) => String(r._id)).sort()).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      const group = expected.get(String(row._id))!;
      expect({ n: row.n, units: row.units }).toEqual({ n: group.length, units: sumBy(group, (l) => l.quantity) });
    }
  });

  it('$sortByCount counts lines per category, largest first', async () => {
    const rows = await items.aggregate<{ _id: string; count: number }>([{ $sortByCount: '$category' }]).toArray();
    expect(Object.fromEntries(rows.map((r) => [r._id, r.count]))).toEqual(Object.fromEntries([...byCategory()].map(([k, v]) => [k, v.length])));
    const counts = rows.map((r) => r.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('$count after a $match counts the discounted lines', async () => {
    const rows = await items.aggregate<{ n: number }>([{ $match: { discount: { $gt: 0 } } }, { $count: 'n' }]).toArray();
    expect(rows).toEqual([{ n: lines.filter((l) => l.discount > 0).length }]);
  });

  it('$match on a range of YYYY-MM-DD strings selects exactly December 2016', async () => {
    const [row] = await items
      .aggregate<{ n: number; revenue: number }>([
        { $match: { order_date: { $gte: '2016-12-01', $lt: '2017-01-01' } } },
        { $group: { _id: null, n: { $sum: 1 }, revenue: { $sum: '$line_total' } } },
      ])
      .toArray();
    const december = lines.filter((l) => l.order_date.startsWith('2016-12'));
    expect(december.length).toBeGreaterThan(0);
    expect(row!.n).toBe(december.length);
    expect(row!.revenue).toBeCloseTo(sumBy(december, (l) => l.line_total), 6);
  });

  it('$project computes $multiply and $round per line', async () => {
    const rows = await items
      .aggregate<{ _id: string; gross: number; discountPct: number }>([
        { $project: { gross: { $round: [{ $multiply: ['$quantity', '$unit_price'] }, 2] }, discountPct: { $round: [{ $multiply: ['$discount', 100] }, 0] } } },
      ])
      .toArray();
    const price = new Map(products.map((p) => [p._id, p.price_cents]));
    const expected = new Map(lines.map((l) => [l._id, { gross: (l.quantity * price.get(l.product_id)!) / 100, discountPct: Math.round(l.discount * 100) }]));
    expect(rows).toHaveLength(lines.length);
    for (const row of rows) {
      const want = expected.get(row._id)!;
      expect(row.gross).toBeCloseTo(want.gross, 9);
      expect(row.discountPct).toBe(want.discountPct);
    }
  });
});
