/**
 * The queries that filter use indexes, on whatever engine the config names: each test explains the very query the
 * code runs (a day's sales, a period's lines, what changed since the last build, the latest recommendations).
 */
import type { Document } from 'mongodb';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { ensureLakeIndexes, writeLake } from '../../src/pipeline/lake/write';
import { collections, groupPipeline } from '../../src/pipeline/adapters/mongo';
import { daySales, recommendationsCollection, recommendationsSince } from '../../src/pipeline/lake/slices';
import { ensureIndexes } from '../../src/pipeline/lake/write';
import { indexesUsed, usesIndex } from '../support/explain';
import { matchDays, matchIn, scopeFromSales } from '../../src/pipeline/warehouse/scope';
import { buildWarehouse } from '../../src/pipeline/warehouse/build';
import { createTestEnv, type TestEnv } from './helpers';

describe('queries that filter use their index', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('idx');
    const { data } = await loadErpData();
    const sales = salesWithItems(data).slice(0, 2000);
    await ensureLakeIndexes(env.mongo.db);
    await writeLake(env.mongo.db, { products: data.products, customers: data.customers, sales });
    await ensureIndexes(env.mongo.db, recommendationsCollection, [{ recommended_at: 1 }]);
    await env.mongo.db.collection(recommendationsCollection).insertMany(
      Array.from({ length: 500 }, (_, i) => ({ sale_id: `S${i}`, recommended_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), recommendations: [] })),
    );
  });
  afterAll(async () => env?.cleanup());

  const expectIndex = (explain: Document, index: string) => expect([index, indexesUsed(explain)]).toEqual([index, expect.arrayContaining([index])]);

  it("a first load leaves the indexes to the lake's readers: a warehouse build over a bare lake creates them", async () => {
    const bare = env.mongo.client.db(`${env.mongo.db.databaseName}_bare`);
    try {
      const { data } = await loadErpData();
      await writeLake(bare, { products: data.products, customers: data.customers, sales: salesWithItems(data).slice(0, 300) });
      const names = async (c: string) => (await bare.collection(c).listIndexes().toArray()).map((i) => i.name as string).sort();
      expect(await names(collections.salesItems)).toEqual(['_id_']);
      await buildWarehouse(bare, { full: true });
      expect(await names(collections.salesItems)).toEqual(['_id_', 'customer_id_1', 'order_month_1_order_date_1', 'product_id_1_order_year_1']);
      expect(await names(collections.sales)).toEqual(['_id_', 'customer_id_1', 'ingested_at_1', 'order_date_1', 'order_month_1']);
    } finally {
      await bare.dropDatabase();
    }
  });

  it("a day's sales (real-time dashboard) read the order_date index", async () => {
    const explain = await daySales(env.mongo.db, '2014-09-07').explain('queryPlanner');
    expect(usesIndex(explain, 'order_date_1')).toBe(true);
  });

  it("a period's lines (report, warehouse) are grouped after a month index scan", async () => {
    const match = { order_month: { $in: ['2016-11', '2016-12'] } };
    for (const [collection, index] of [[collections.salesItems, 'order_month_1_order_date_1'], [collections.sales, 'order_month_1']] as const) {
      const explain = await env.mongo.db.collection(collection).aggregate(groupPipeline({ by: { d: 'order_date' }, fields: ['profit_e4'], match })).explain('queryPlanner');
      expectIndex(explain, index);
    }
  });

  it("an incremental build's days (daily mart, touched products) are read through the (order_month, order_date) index on lines", async () => {
    const match = matchDays(scopeFromSales([{ order_date: '2016-11-03', customer_id: 'C1' }, { order_date: '2016-12-24', customer_id: 'C2' }]));
    const explain = await env.mongo.db.collection(collections.salesItems).aggregate(groupPipeline({ by: { d: 'order_date', b: 'branch_id' }, fields: [], match })).explain('queryPlanner');
    expectIndex(explain, 'order_month_1_order_date_1');
    const sales = await env.mongo.db.collection(collections.sales).aggregate(groupPipeline({ by: { d: 'order_date', b: 'branch_id' }, fields: [], match })).explain('queryPlanner');
    expect(indexesUsed(sales).some((i) => i === 'order_month_1' || i === 'order_date_1')).toBe(true);
  });

  it('a lake indexed by an earlier version gets the day index and loses the month-only one on lines', async () => {
    const db = env.mongo.client.db(`${env.mongo.db.databaseName}_old`);
    try {
      await db.collection(collections.salesItems).insertOne({ _id: 'x', order_month: '2016-11', order_date: '2016-11-03' } as never);
      await db.collection(collections.salesItems).createIndex({ order_month: 1 });
      await ensureLakeIndexes(db);
      const names = (await db.collection(collections.salesItems).listIndexes().toArray()).map((i) => i.name as string).sort();
      expect(names).toEqual(['_id_', 'customer_id_1', 'order_month_1_order_date_1', 'product_id_1_order_year_1']);
    } finally {
      await db.dropDatabase();
    }
  });

  it("an incremental build's customers are read through the customer_id index, lines and sales alike", async () => {
    const match = matchIn(scopeFromSales([{ order_date: '2016-11-03', customer_id: 'CG-12520' }]), 'customer_id', ['CG-12520']);
    for (const collection of [collections.salesItems, collections.sales]) {
      const explain = await env.mongo.db.collection(collection).aggregate(groupPipeline({ by: { c: 'customer_id' }, fields: [], match })).explain('queryPlanner');
      expectIndex(explain, 'customer_id_1');
    }
  });

  it("an incremental build's products are summed over their year's lines through the (product_id, order_year) index", async () => {
    const match = { product_id: { $in: ['TEC-CO-10004722', 'OFF-PA-10001970'] }, order_year: { $in: [2017] } };
    const explain = await env.mongo.db.collection(collections.salesItems).aggregate(groupPipeline({ by: { p: 'product_id', y: 'order_year' }, fields: ['line_total_e4'], match })).explain('queryPlanner');
    expectIndex(explain, 'product_id_1_order_year_1');
  });

  it('what changed since the last build (incremental warehouse) reads the ingested_at index', async () => {
    const explain = await env.mongo.db.collection(collections.sales).aggregate(groupPipeline({ by: { d: 'order_date', c: 'customer_id' }, fields: [], match: { ingested_at: { $gt: new Date() } } })).explain('queryPlanner');
    expectIndex(explain, 'ingested_at_1');
  });

  it('the latest recommendations (dashboard) read the recommended_at index', async () => {
    const explain = await recommendationsSince(env.mongo.db, '2026-01-01T06:00:00.000Z', 10).explain('queryPlanner');
    expectIndex(explain, 'recommended_at_1');
    const latest = await recommendationsSince<{ sale_id: string }>(env.mongo.db, '2026-01-01T06:00:00.000Z', 3).toArray();
    expect(latest.map((r) => r.sale_id)).toEqual(['S499', 'S498', 'S497']);
  });
});
