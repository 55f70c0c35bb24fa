/** writeLake against the real MongoDB-wire server: insert-first, redeliveries absorbed, master data latest-wins. */
import { randomBytes } from 'node:crypto';
import { writeLake } from '../../src/pipeline/lake/write';
import { connectMongo, type MongoHandle } from '../../src/pipeline/adapters/mongo';
import { normalizeRows } from '../../src/pipeline/source/normalize';
import { salesWithItems } from '../../src/pipeline/source/live';
import { makeRow } from '../unit/rows';
import { testConfig } from './helpers';

let mongo: MongoHandle;
beforeAll(async () => {
  const cfg = testConfig();
  mongo = await connectMongo({ uri: cfg.mongo.uri, db: `it_lake_${Date.now().toString(36)}${randomBytes(2).toString('hex')}` });
});
afterAll(async () => {
  await mongo.db.dropDatabase().catch(() => undefined);
  await mongo.close();
});

describe('writeLake', () => {
  const { data } = normalizeRows([makeRow({}), makeRow({ line: 3, productId: 'P-2', productName: 'Desk', sales: 50.5, quantity: 1, discount: 0 })]);
  const first = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2026-01-02T00:00:00Z');

  it('a changed product is updated, an unchanged one left, and both keep the time of their first write', async () => {
    expect(await writeLake(mongo.db, { products: data.products, customers: data.customers, sales: salesWithItems(data) }, first)).toEqual({ inserted: 6, updated: 0, unchanged: 0 });
    const repriced = { ...data.products[0]!, unit_price: 70 };
    const result = await writeLake(mongo.db, { products: [repriced, data.products[1]!], customers: [], sales: [] }, later);
    expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    const stored = await mongo.db.collection('products').find({}, { sort: { _id: 1 } }).toArray();
    expect(stored).toEqual([
      { _id: 'P-1', ...repriced, ingested_at: first },
      { _id: 'P-2', ...data.products[1]!, ingested_at: first },
    ]);
  });

  it('a redelivered sale changes nothing, ingested_at included', async () => {
    const before = await mongo.db.collection('sales_items').find({}, { sort: { _id: 1 } }).toArray();
    expect(await writeLake(mongo.db, { products: [], customers: [], sales: salesWithItems(data) }, later)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await mongo.db.collection('sales_items').find({}, { sort: { _id: 1 } }).toArray()).toEqual(before);
    expect(before.map((d) => d.ingested_at)).toEqual([first, first]);
  });
});
