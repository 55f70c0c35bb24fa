/**
 * Engine conformance, indexes and simple reads: sort + limit on an index, `explain` naming the index an equality
 * filter reads (through `usesIndex`, which accepts MongoDB's and DocumentDB's explain output), countDocuments, distinct.
 * Runs against whatever MONGODB_URI names: `MONGODB_URI='mongodb+srv://…' npm run test:engine`.
 */
import type { Collection } from 'mongodb';
import { collections } from '../../src/pipeline/adapters/mongo';
import { indexesUsed, usesIndex } from '../support/explain';
import { openConformanceDb, seedLake, type ConformanceDb } from './engine';
import { sorted, type SaleLine } from './lake';

let conn: ConformanceDb;
let items: Collection<SaleLine>;
let lines: SaleLine[];

const index = { customer: 'customer_id_1', day: 'order_date_1', latest: 'ordered_at_-1__id_1' } as const;

beforeAll(async () => {
  conn = await openConformanceDb('indexes');
  items = conn.db.collection<SaleLine>(collections.salesItems);
  lines = await seedLake(conn.db);
  await items.createIndexes([
    { key: { customer_id: 1 }, name: index.customer },
    { key: { order_date: 1 }, name: index.day },
    { key: { ordered_at: -1, _id: 1 }, name: index.latest },
  ]);
});

afterAll(async () => {
  await conn?.dispose();
});

const byLatest = (a: SaleLine, b: SaleLine) => b.ordered_at.getTime() - a.ordered_at.getTime() || (a._id < b._id ? -1 : 1);

describe('engine: indexes', () => {
  it('lists the indexes it was asked to create, beside _id', async () => {
    const names = (await items.listIndexes().toArray()).map((i) => String(i.name));
    expect(sorted(names)).toEqual(sorted(['_id_', ...Object.values(index)]));
  });

  it('sort + limit on an indexed field returns the latest lines in order', async () => {
    const found = await items.find({}, { projection: { _id: 1 } }).sort({ ordered_at: -1, _id: 1 }).limit(5).toArray();
    expect(found.map((d) => d._id)).toEqual([...lines].sort(byLatest).slice(0, 5).map((l) => l._id));
  });

  it('sort + skip + limit pages through the same order without gaps or repeats', async () => {
    const pages: string[] = [];
    for (let skip = 0; skip < 20; skip += 5) {
      const page = await items.find({}, { projection: { _id: 1 } }).sort({ ordered_at: -1, _id: 1 }).skip(skip).limit(5).toArray();
      pages.push(...page.map((d) => d._id));
    }
    expect(pages).toEqual([...lines].sort(byLatest).slice(0, 20).map((l) => l._id));
  });

  it('explain shows a find with an equality filter reading its index', async () => {
    const customer = lines[0]!.customer_id;
    const plan = await items.find({ customer_id: customer }).explain('queryPlanner');
    expect(indexesUsed(plan)).toEqual([index.customer]);
    expect(usesIndex(plan, index.customer)).toBe(true);
  });

  it('explain shows an aggregate that starts with an equality $match reading its index', async () => {
    const customer = lines[0]!.customer_id;
    const plan = await items.aggregate([{ $match: { customer_id: customer } }, { $group: { _id: '$category', n: { $sum: 1 } } }]).explain('queryPlanner');
    expect(usesIndex(plan, index.customer)).toBe(true);
  });

  it('explain shows a one-day filter on the date string reading the order_date index', async () => {
    const plan = await items.find({ order_date: lines[3]!.order_date }).explain('queryPlanner');
    expect(usesIndex(plan, index.day)).toBe(true);
  });

  it('explain of a filter on an unindexed field names no index', async () => {
    const plan = await items.find({ quantity: 3 }).explain('queryPlanner');
    expect(indexesUsed(plan)).toEqual([]);
    expect(usesIndex(plan, index.customer)).toBe(false);
  });

  it('an equality find on the indexed field returns exactly that customer’s lines', async () => {
    const customer = lines[0]!.customer_id;
    const found = await items.find({ customer_id: customer }, { projection: { _id: 1 } }).toArray();
    expect(sorted(found.map((d) => d._id))).toEqual(sorted(lines.filter((l) => l.customer_id === customer).map((l) => l._id)));
  });
});

describe('engine: countDocuments and distinct', () => {
  it('countDocuments with a filter counts the matching lines', async () => {
    const filter = { category: 'Technology', quantity: { $gte: 5 } } as const;
    expect(await items.countDocuments(filter)).toBe(lines.filter((l) => l.category === 'Technology' && l.quantity >= 5).length);
    expect(await items.countDocuments()).toBe(lines.length);
  });

  it('distinct returns each category once', async () => {
    expect(sorted(await items.distinct('category'))).toEqual(sorted([...new Set(lines.map((l) => l.category))]));
  });

  it('distinct with a filter returns the customers of one category', async () => {
    const got = await items.distinct('customer_id', { category: 'Furniture' });
    expect(sorted(got)).toEqual(sorted([...new Set(lines.filter((l) => l.category === 'Furniture').map((l) => l.customer_id))]));
  });
});
