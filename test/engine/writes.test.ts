/**
 * Engine conformance, writes: $merge into a mart (and again, unchanged), $out, upserts by business key, unique-index
 * violations, bulkWrite, $inc and findOneAndUpdate. Each test writes its own collection; the lake is only read.
 * Runs against whatever MONGODB_URI names: `MONGODB_URI='mongodb+srv://…' npm run test:engine`.
 */
import { MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { collections } from '../../src/pipeline/adapters/mongo';
import { openConformanceDb, seedLake, type ConformanceDb } from './engine';
import { groupBy, sorted, sumBy, type SaleLine } from './lake';

let conn: ConformanceDb;
let db: Db;
let lines: SaleLine[];

beforeAll(async () => {
  conn = await openConformanceDb('writes');
  db = conn.db;
  lines = await seedLake(db);
});

afterAll(async () => {
  await conn?.dispose();
});

/** One document per order day: its lines, units and revenue (the daily mart's grain). */
interface DailyDoc {
  _id: string;
  lines: number;
  units: number;
  revenue: number;
}

const mergeDaily = (into: string) =>
  db
    .collection(collections.salesItems)
    .aggregate([
      { $group: { _id: '$order_date', lines: { $sum: 1 }, units: { $sum: '$quantity' }, revenue: { $sum: '$line_total' } } },
      { $merge: { into, on: '_id', whenMatched: 'replace', whenNotMatched: 'insert' } },
    ])
    .toArray();

function expectDaily(docs: DailyDoc[]) {
  const expected = groupBy(lines, (l) => l.order_date);
  expect(sorted(docs.map((d) => d._id))).toEqual(sorted([...expected.keys()]));
  for (const doc of docs) {
    const day = expected.get(doc._id)!;
    expect({ lines: doc.lines, units: doc.units }).toEqual({ lines: day.length, units: sumBy(day, (l) => l.quantity) });
    expect(doc.revenue).toBeCloseTo(sumBy(day, (l) => l.line_total), 6);
  }
}

describe('engine: $merge and $out', () => {
  it('$merge writes one document per day into another collection', async () => {
    await mergeDaily('daily_once');
    expectDaily(await db.collection<DailyDoc>('daily_once').find().toArray());
  });

  it('$merge run again leaves the same documents (idempotent), and replaces a stale one', async () => {
    await mergeDaily('daily_twice');
    const first = await db.collection<DailyDoc>('daily_twice').find().sort({ _id: 1 }).toArray();
    const stale = first[0]!._id;
    await db.collection<DailyDoc>('daily_twice').updateOne({ _id: stale }, { $set: { units: -1 } });
    await mergeDaily('daily_twice');
    const second = await db.collection<DailyDoc>('daily_twice').find().sort({ _id: 1 }).toArray();
    expect(second).toEqual(first);
    expectDaily(second);
  });

  it('$merge with whenMatched "merge" adds fields to the existing documents and keeps theirs', async () => {
    await mergeDaily('daily_enriched');
    await db
      .collection(collections.salesItems)
      .aggregate([
        { $group: { _id: '$order_date', customers: { $addToSet: '$customer_id' } } },
        { $project: { customers: { $size: '$customers' } } },
        { $merge: { into: 'daily_enriched', on: '_id', whenMatched: 'merge', whenNotMatched: 'discard' } },
      ])
      .toArray();
    const docs = await db.collection<DailyDoc & { customers: number }>('daily_enriched').find().toArray();
    expectDaily(docs);
    const expected = groupBy(lines, (l) => l.order_date);
    for (const doc of docs) expect(doc.customers).toBe(new Set(expected.get(doc._id)!.map((l) => l.customer_id)).size);
  });

  it('$out replaces the whole target collection with the pipeline’s result', async () => {
    const target = db.collection<{ _id: string; n: number }>('category_out');
    await target.insertMany([{ _id: 'left over', n: 0 }]);
    await db
      .collection(collections.salesItems)
      .aggregate([{ $group: { _id: '$category', n: { $sum: 1 } } }, { $out: 'category_out' }])
      .toArray();
    const docs = await target.find().toArray();
    expect(Object.fromEntries(docs.map((d) => [d._id, d.n]))).toEqual(Object.fromEntries([...groupBy(lines, (l) => l.category)].map(([k, v]) => [k, v.length])));
  });
});

describe('engine: upserts, unique keys and bulk writes', () => {
  it('updateOne with upsert by business key inserts once, then updates the same document', async () => {
    const c = db.collection<{ product_id: string; name: string; price: number }>('products_upsert');
    await c.createIndex({ product_id: 1 }, { unique: true, name: 'product_id_unique' });
    const first = await c.updateOne({ product_id: 'P01' }, { $set: { name: 'Chair', price: 129.95 } }, { upsert: true });
    const second = await c.updateOne({ product_id: 'P01' }, { $set: { name: 'Chair', price: 119.95 } }, { upsert: true });
    expect({ upserted: first.upsertedCount, matched: first.matchedCount }).toEqual({ upserted: 1, matched: 0 });
    expect({ upserted: second.upsertedCount, matched: second.matchedCount, modified: second.modifiedCount }).toEqual({ upserted: 0, matched: 1, modified: 1 });
    const docs = await c.find({}, { projection: { _id: 0 } }).toArray();
    expect(docs).toEqual([{ product_id: 'P01', name: 'Chair', price: 119.95 }]);
  });

  it('replaceOne with upsert by business key leaves one document, the latest', async () => {
    const c = db.collection<{ customer_id: string; segment: string; version: number }>('customers_replace');
    for (let version = 1; version <= 3; version++) {
      await c.replaceOne({ customer_id: 'C01' }, { customer_id: 'C01', segment: version < 3 ? 'Consumer' : 'Corporate', version }, { upsert: true });
    }
    expect(await c.countDocuments({ customer_id: 'C01' })).toBe(1);
    expect(await c.findOne({ customer_id: 'C01' }, { projection: { _id: 0 } })).toEqual({ customer_id: 'C01', segment: 'Corporate', version: 3 });
  });

  it('inserting a duplicate of a unique key fails with a MongoServerError, code 11000 (duplicate key)', async () => {
    const c = db.collection<{ order_id: string; line_no: number }>('lines_unique');
    await c.createIndex({ order_id: 1, line_no: 1 }, { unique: true, name: 'order_line_unique' });
    await c.insertOne({ order_id: 'O0001', line_no: 1 });
    const err = await c.insertOne({ order_id: 'O0001', line_no: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(11000);
    expect(await c.countDocuments()).toBe(1);
  });

  it('an unordered insertMany with duplicates inserts the rest and reports each duplicate as 11000', async () => {
    const c = db.collection<{ _id: string }>('lines_bulk_dup');
    const existing = [lines[0]!._id, lines[5]!._id];
    await c.insertMany(existing.map((_id) => ({ _id })));
    // The first ten lines (two of them stored already), then the first one once more.
    const attempt = [...lines.slice(0, 10), lines[0]!].map((l) => ({ _id: l._id }));
    const err = await c.insertMany(attempt, { ordered: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err as MongoBulkWriteError;
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    const duplicates = attempt.map((d, i) => ({ d, i })).filter(({ d }) => existing.includes(d._id)).map(({ i }) => i);
    expect(writeErrors.map((e) => ({ index: e.index, code: e.code }))).toEqual(duplicates.map((index) => ({ index, code: 11000 })));
    expect(sorted((await c.find().toArray()).map((d) => d._id))).toEqual(sorted([...new Set(attempt.map((d) => d._id))]));
  });

  it('bulkWrite with mixed operations reports each kind of count', async () => {
    const c = db.collection<{ _id: string; qty: number; tag?: string }>('bulk_mixed');
    await c.insertMany([
      { _id: 'a', qty: 1 },
      { _id: 'b', qty: 2 },
      { _id: 'c', qty: 3 },
    ]);
    const r = await c.bulkWrite(
      [
        { insertOne: { document: { _id: 'd', qty: 4 } } },
        { insertOne: { document: { _id: 'e', qty: 5 } } },
        { updateOne: { filter: { _id: 'a' }, update: { $inc: { qty: 10 } } } },
        { updateMany: { filter: { qty: { $gte: 2 } }, update: { $set: { tag: 'big' } } } },
        { deleteOne: { filter: { _id: 'b' } } },
        { replaceOne: { filter: { _id: 'z' }, replacement: { qty: 26 }, upsert: true } },
      ],
      { ordered: true },
    );
    // updateMany sees a (11), b, c, d, e at that point: five matched, all modified.
    expect({ inserted: r.insertedCount, matched: r.matchedCount, modified: r.modifiedCount, deleted: r.deletedCount, upserted: r.upsertedCount }).toEqual({
      inserted: 2,
      matched: 6,
      modified: 6,
      deleted: 1,
      upserted: 1,
    });
    const docs = await c.find().sort({ _id: 1 }).toArray();
    expect(docs).toEqual([
      { _id: 'a', qty: 11, tag: 'big' },
      { _id: 'c', qty: 3, tag: 'big' },
      { _id: 'd', qty: 4, tag: 'big' },
      { _id: 'e', qty: 5, tag: 'big' },
      { _id: 'z', qty: 26 },
    ]);
  });

  it('$inc from many concurrent updates adds every increment', async () => {
    const c = db.collection<{ _id: string; units: number; lines: number }>('counters');
    await c.insertOne({ _id: 'all', units: 0, lines: 0 });
    await Promise.all(lines.map((l) => c.updateOne({ _id: 'all' }, { $inc: { units: l.quantity, lines: 1 } })));
    expect(await c.findOne({ _id: 'all' })).toEqual({ _id: 'all', units: sumBy(lines, (l) => l.quantity), lines: lines.length });
  });

  it('findOneAndUpdate with returnDocument "after" returns the updated document', async () => {
    const c = db.collection<{ _id: string; stock: number; reserved: number }>('stock');
    await c.insertOne({ _id: 'P05', stock: 40, reserved: 0 });
    const after = await c.findOneAndUpdate({ _id: 'P05', stock: { $gte: 3 } }, { $inc: { stock: -3, reserved: 3 } }, { returnDocument: 'after' });
    expect(after).toEqual({ _id: 'P05', stock: 37, reserved: 3 });
    const before = await c.findOneAndUpdate({ _id: 'P05' }, { $inc: { stock: -1 } }, { returnDocument: 'before' });
    expect(before).toEqual({ _id: 'P05', stock: 37, reserved: 3 });
    expect(await c.findOneAndUpdate({ _id: 'P05', stock: { $gte: 100 } }, { $inc: { stock: -100 } }, { returnDocument: 'after' })).toBeNull();
  });
});
