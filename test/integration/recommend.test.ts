/** The real-time recommender against the real broker and MongoDB-wire server. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { encodeEvent } from '../../src/pipeline/stream/events';
import { createErpProducer, readTopicToEnd } from '../../src/pipeline/adapters/kafka';
import { parseDeadLetters } from '../../src/pipeline/stream/dlq';
import { trainModel } from '../../src/pipeline/reco/train';
import { saveModel } from '../../src/pipeline/reco/model';
import { decodeRecommendation } from '../../src/pipeline/reco/event';
import { recommendationsCollection, startRecommender, type RecommenderHandle } from '../../src/pipeline/reco/service';
import type { ErpData, SaleWithItems } from '../../src/pipeline/core/entities';
import { createTestEnv, waitUntil, type TestEnv } from './helpers';

describe('recommender: real-time service', () => {
  let env: TestEnv;
  let data: ErpData;
  let sales: SaleWithItems[];
  let handle: RecommenderHandle;
  const modelPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reco-')), 'item_sim.json');

  beforeAll(async () => {
    env = await createTestEnv('reco');
    data = (await loadErpData()).data;
    sales = salesWithItems(data);
    await writeLake(env.mongo.db, { products: [], customers: data.customers, sales: [] });
    // Order baskets first, so the reload test below sees the customer-level model replace it.
    saveModel(modelPath, trainModel(data.salesItems, data.products, { level: 'order' }));
    handle = await startRecommender({ kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log, modelPath }, { reloadEveryMs: 200 });
  });
  afterAll(async () => {
    await handle?.stop();
    await env?.cleanup();
  });

  const send = async (messages: { key: string; value: string }[]) => {
    const producer = createErpProducer(env.kafka);
    await producer.connect();
    await producer.send({ topic: env.topics.sales, acks: -1, messages });
    await producer.disconnect();
  };
  const stored = () => env.mongo.db.collection(recommendationsCollection).countDocuments();

  it('turns a produced sale into a valid recommendation on the topic and in MongoDB', async () => {
    const sale = sales.find((s) => s.items.length >= 3)!;
    await send([encodeEvent('sale', sale)]);
    await waitUntil(async () => (await stored()) === 1, 60000, 'recommendation stored');
    const doc = await env.mongo.db.collection(recommendationsCollection).findOne({ _id: sale.sale_id as never });
    expect(doc).toMatchObject({ sale_id: sale.sale_id, customer_id: sale.customer_id, branch_id: sale.branch_id });
    expect(doc!.customer_name).toBe(data.customers.find((c) => c.customer_id === sale.customer_id)!.name);
    expect(doc!.items.map((i: { product_id: string }) => i.product_id)).toEqual(sale.items.map((i) => i.product_id));
    expect(doc!.recommendations).toHaveLength(5);
    const basket = new Set(sale.items.map((i) => i.product_id));
    for (const [i, r] of (doc!.recommendations as { product_id: string; rank: number; relevance: number; confidence: number }[]).entries()) {
      expect(basket.has(r.product_id)).toBe(false);
      expect(r.rank).toBe(i + 1);
      expect(r.relevance).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(100);
    }
    const onTopic = (await readTopicToEnd(env.kafka, env.topics.recommendations)).map((m) => decodeRecommendation(m.value));
    expect(onTopic).toHaveLength(1);
    expect(onTopic[0]).toMatchObject({ sale_id: sale.sale_id, recommendations: doc!.recommendations });
  });

  it('a redelivered sale does not duplicate its recommendation', async () => {
    const sale = sales.find((s) => s.items.length >= 3)!;
    const before = handle.stats.alreadyStored;
    await send([encodeEvent('sale', sale)]);
    await waitUntil(() => handle.stats.alreadyStored > before, 60000, 'redelivery processed');
    expect(await stored()).toBe(1);
    expect(await readTopicToEnd(env.kafka, env.topics.recommendations)).toHaveLength(1);
  });

  it('a malformed sale lands in the dead-letter topic with its reason; the next good sale still gets recommendations', async () => {
    const good = sales[10]!;
    const lettered = handle.stats.deadLetters;
    await send([{ key: 'BAD-1', value: '{"schema":"erp.sale","v":1,"data":{"sale_id":"BAD-1"}}' }, encodeEvent('sale', good)]);
    // The two keys may land on different partitions, handled concurrently: wait for both outcomes.
    await waitUntil(async () => (await stored()) === 2 && handle.stats.deadLetters > lettered, 60000, 'good sale stored and bad one dead-lettered');
    const letters = parseDeadLetters(await readTopicToEnd(env.kafka, env.topics.dlq));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ key: 'BAD-1', consumer: env.topics.recommenderGroup, origin: { topic: env.topics.sales } });
    expect(letters[0]!.reason).toMatch(/invalid sale/);
  });

  it('a backlog of 1,000 sales is published in chunks under the broker size limit', async () => {
    const before = await stored();
    await send(sales.slice(100, 1100).map((s) => encodeEvent('sale', s)));
    await waitUntil(async () => (await stored()) === before + 1000, 120000, 'backlog stored');
    await waitUntil(async () => (await readTopicToEnd(env.kafka, env.topics.recommendations)).length === before + 1000, 30000, 'backlog published');
  });

  it('picks up a newly trained model without a restart', async () => {
    const loads = handle.stats.modelLoads;
    await new Promise((r) => setTimeout(r, 20));
    saveModel(modelPath, trainModel(data.salesItems, data.products, { level: 'customer' }));
    await waitUntil(() => handle.stats.modelLoads > loads, 10000, 'model reloaded');
    expect(handle.model().parameters.level).toBe('customer');
  });

  it('after a restart, commits were kept, and a sale the previous owner stored is not published again', async () => {
    await handle.stop();
    const publishedIds = async () => (await readTopicToEnd(env.kafka, env.topics.recommendations)).map((m) => decodeRecommendation(m.value)!.sale_id);
    const before = await publishedIds();
    const [storedBefore, fresh] = [sales[2000]!, sales[2001]!];
    // As if the previous owner stored (and published) it, then died before committing its offset.
    await env.mongo.db.collection(recommendationsCollection).insertOne({ _id: storedBefore.sale_id as never, sale_id: storedBefore.sale_id, recommendations: [] });
    await send([encodeEvent('sale', storedBefore), encodeEvent('sale', fresh)]);
    handle = await startRecommender({ kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log, modelPath });
    await waitUntil(() => handle.stats.sales >= 2, 60000, 'both sales handled');
    await new Promise((r) => setTimeout(r, 1000));
    expect(handle.stats.sales).toBe(2); // nothing from before the restart came back
    expect(handle.stats.alreadyStored).toBe(1);
    const after = await publishedIds();
    // The topic is read partition by partition: compare counts per sale, not positions.
    const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;
    expect(after).toHaveLength(before.length + 1);
    expect(count(after, fresh.sale_id)).toBe(count(before, fresh.sale_id) + 1);
    expect(count(after, storedBefore.sale_id)).toBe(count(before, storedBefore.sale_id));
  });
});
