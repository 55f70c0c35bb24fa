/**
 * Engine conformance, dates and money: date operators on real Date values and on 'YYYY-MM-DD' strings, and Decimal128
 * sums that are exact to the cent where the same sum in doubles is not.
 * Runs against whatever MONGODB_URI names: `MONGODB_URI='mongodb+srv://…' npm run test:engine`.
 */
import { Decimal128, type Collection } from 'mongodb';
import { collections } from '../../src/pipeline/adapters/mongo';
import { openConformanceDb, seedLake, type ConformanceDb } from './engine';
import { centsOf, decimalToCents, groupBy, isoDay, sorted, sumBy, type SaleLine } from './lake';

let conn: ConformanceDb;
let items: Collection<SaleLine>;
let lines: SaleLine[];

beforeAll(async () => {
  conn = await openConformanceDb('dates_money');
  items = conn.db.collection<SaleLine>(collections.salesItems);
  lines = await seedLake(conn.db);
});

afterAll(async () => {
  await conn?.dispose();
});

describe('engine: date operators', () => {
  it('$year and $month of a Date group the lines by calendar month, across the year end', async () => {
    const rows = await items
      .aggregate<{ _id: { y: number; m: number }; n: number; units: number }>([
        { $group: { _id: { y: { $year: '$ordered_at' }, m: { $month: '$ordered_at' } }, n: { $sum: 1 }, units: { $sum: '$quantity' } } },
      ])
      .toArray();
    const expected = groupBy(lines, (l) => `${l.ordered_at.getUTCFullYear()}-${l.ordered_at.getUTCMonth() + 1}`);
    expect(new Set([...expected.keys()].map((k) => k.slice(0, 4))).size).toBe(2);
    expect(sorted(rows.map((r) => `${r._id.y}-${r._id.m}`))).toEqual(sorted([...expected.keys()]));
    for (const row of rows) {
      const group = expected.get(`${row._id.y}-${row._id.m}`)!;
      expect({ n: row.n, units: row.units }).toEqual({ n: group.length, units: sumBy(group, (l) => l.quantity) });
    }
  });

  it('$dateToString with %Y-%m-%d turns each Date into its order_date string', async () => {
    const rows = await items
      .aggregate<{ _id: string; day: string; stamp: string }>([
        { $project: { day: { $dateToString: { date: '$ordered_at', format: '%Y-%m-%d' } }, stamp: { $dateToString: { date: '$ordered_at', format: '%Y-%m-%dT%H:%M:%S' } } } },
      ])
      .toArray();
    const byId = new Map(lines.map((l) => [l._id, l]));
    expect(rows).toHaveLength(lines.length);
    for (const row of rows) {
      const line = byId.get(row._id)!;
      expect(row.day).toBe(line.order_date);
      expect(row.stamp).toBe(line.ordered_at.toISOString().slice(0, 19));
    }
  });

  it('$dateFromString reads a YYYY-MM-DD string as that day’s UTC midnight', async () => {
    const rows = await items
      .aggregate<{ _id: string; day: Date }>([{ $project: { day: { $dateFromString: { dateString: '$order_date', format: '%Y-%m-%d' } } } }])
      .toArray();
    const byId = new Map(lines.map((l) => [l._id, l]));
    expect(rows).toHaveLength(lines.length);
    for (const row of rows) {
      expect(row.day).toBeInstanceOf(Date);
      expect(row.day.toISOString()).toBe(`${byId.get(row._id)!.order_date}T00:00:00.000Z`);
    }
  });

  it('$dateTrunc to the month gives the first instant of each line’s month', async () => {
    const rows = await items
      .aggregate<{ _id: Date; n: number }>([{ $group: { _id: { $dateTrunc: { date: '$ordered_at', unit: 'month' } }, n: { $sum: 1 } } }])
      .toArray();
    const expected = groupBy(lines, (l) => `${l.order_date.slice(0, 7)}-01T00:00:00.000Z`);
    expect(Object.fromEntries(rows.map((r) => [r._id.toISOString(), r.n]))).toEqual(Object.fromEntries([...expected].map(([k, v]) => [k, v.length])));
  });

  it('a find on a Date range returns exactly the lines ordered in January 2017', async () => {
    const found = await items
      .find({ ordered_at: { $gte: new Date('2017-01-01T00:00:00Z'), $lt: new Date('2017-02-01T00:00:00Z') } }, { projection: { _id: 1, ordered_at: 1 } })
      .toArray();
    const january = lines.filter((l) => isoDay(l.ordered_at).startsWith('2017-01'));
    expect(january.length).toBeGreaterThan(0);
    expect(sorted(found.map((d) => d._id))).toEqual(sorted(january.map((l) => l._id)));
    for (const d of found) expect(d.ordered_at).toBeInstanceOf(Date);
  });
});

describe('engine: Decimal128 money', () => {
  it('a Decimal128 $sum over every line is exact to the cent, where the same sum in doubles is not', async () => {
    const [row] = await items.aggregate<{ total: Decimal128 }>([{ $group: { _id: null, total: { $sum: '$line_total_dec' } } }]).toArray();
    const exact = BigInt(sumBy(lines, centsOf));
    // The premise: summed as doubles, these amounts miss the exact total.
    expect(sumBy(lines, (l) => l.line_total)).not.toBe(Number(exact) / 100);
    expect(row!.total).toBeInstanceOf(Decimal128);
    expect(decimalToCents(row!.total)).toBe(exact);
  });

  it('Decimal128 sums per category are each exact to the cent', async () => {
    const rows = await items.aggregate<{ _id: string; total: Decimal128 }>([{ $group: { _id: '$category', total: { $sum: '$line_total_dec' } } }]).toArray();
    const expected = groupBy(lines, (l) => l.category);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expect(decimalToCents(row.total)).toBe(BigInt(sumBy(expected.get(row._id as SaleLine['category'])!, centsOf)));
  });

  it('Decimal128 arithmetic ($multiply by a count, $subtract) stays exact', async () => {
    const rows = await items
      .aggregate<{ _id: string; triple: Decimal128; less: Decimal128 }>([
        { $project: { triple: { $multiply: ['$line_total_dec', 3] }, less: { $subtract: ['$line_total_dec', Decimal128.fromString('0.01')] } } },
      ])
      .toArray();
    const byId = new Map(lines.map((l) => [l._id, centsOf(l)]));
    expect(rows).toHaveLength(lines.length);
    for (const row of rows) {
      const cents = BigInt(byId.get(row._id)!);
      expect({ triple: decimalToCents(row.triple), less: decimalToCents(row.less) }).toEqual({ triple: cents * 3n, less: cents - 1n });
    }
  });

  it('a Decimal128 stored comes back as the same Decimal128', async () => {
    const line = lines[7]!;
    const doc = await items.findOne({ _id: line._id });
    expect(doc!.line_total_dec).toBeInstanceOf(Decimal128);
    expect(doc!.line_total_dec.toString()).toBe(line.line_total_dec.toString());
  });
});
