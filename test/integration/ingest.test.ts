/** The streaming ingest against the real broker and MongoDB-wire server: exact, idempotent, shared, poison-proof. */
import { loadErpData } from '../../src/pipeline/source/load';
import { produceErpData } from '../../src/pipeline/stream/produce';
import { startIngest, type IngestStats } from '../../src/pipeline/lake/ingest';
import { encodeEvent } from '../../src/pipeline/stream/events';
import { salesWithItems } from '../../src/pipeline/source/live';
import type { ErpData } from '../../src/pipeline/core/entities';
import { createTestEnv, lakeCaughtUp, lakeSummary, superstoreSummary, waitUntil, type TestEnv } from './helpers';
import { readTopicToEnd } from '../../src/pipeline/adapters/kafka';

let superstore: ErpData;
beforeAll(async () => {
  superstore = (await loadErpData()).data;
});

async function ingestUntilIdle(env: TestEnv): Promise<IngestStats> {
  const h = await startIngest({ kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log }, { untilIdle: true, idleMs: 1500, statsEveryMs: 500 });
  return h.done;
}

describe('ingest: the full Superstore end to end', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('e2e');
  });
  afterAll(() => env?.cleanup());

  it('stores 1,862 / 793 / 5,009 / 9,994 documents with the reference totals', async () => {
    const produced = await produceErpData(env, superstore);
    expect(produced.messages).toBe(1862 + 793 + 5009);
    const stats = await ingestUntilIdle(env);
    expect(stats.deadLetters).toBe(0);
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  });

  it('stamps ingested_at and keeps the numbers numeric', async () => {
    const item = await env.mongo.db.collection('sales_items').findOne({ _id: 'CA-2016-152156#2' as never });
    expect(item).toMatchObject({ sale_id: 'CA-2016-152156', product_id: 'FUR-CH-10000454', quantity: 3, line_total: 731.94, profit: 219.582, discount: 0 });
    expect(item!.ingested_at).toBeInstanceOf(Date);
    const sale = await env.mongo.db.collection('sales').findOne({ _id: 'CA-2016-152156' as never });
    expect(sale).toMatchObject({ order_date: '2016-11-08', total: 993.9, lines: 2 });
  });

  it('producing everything twice leaves counts, totals and ingested_at unchanged', async () => {
    const before = await env.mongo.db.collection('sales_items').findOne({ _id: 'CA-2016-152156#2' as never });
    await produceErpData(env, superstore);
    const stats = await ingestUntilIdle(env);
    expect(stats.messages).toBe(1862 + 793 + 5009);
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
    const after = await env.mongo.db.collection('sales_items').findOne({ _id: 'CA-2016-152156#2' as never });
    expect(after).toEqual(before);
  });
});

describe('ingest: three consumers in one group', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('group');
  });
  afterAll(() => env?.cleanup());

  it('share the partitions and build the same lake as one consumer', async () => {
    const deps = { kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log };
    const handles = await Promise.all([1, 2, 3].map(() => startIngest(deps, { statsEveryMs: 500 })));
    try {
      // Let the group settle (9 partitions over 3 members) before producing, so all three get work.
      await waitUntil(() => handles.every((h) => h.stats.assignedPartitions > 0) && handles.reduce((n, h) => n + h.stats.assignedPartitions, 0) === 9, 60000);
      await produceErpData(env, superstore);
      await waitUntil(() => lakeCaughtUp(env), 180000, 'the lake filled (every message committed)');
    } finally {
      await Promise.all(handles.map((h) => h.stop()));
    }
    expect(handles.every((h) => h.stats.messages > 0)).toBe(true);
    expect(handles.reduce((s, h) => s + h.stats.messages, 0)).toBeGreaterThanOrEqual(1862 + 793 + 5009);
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 300000);
});

describe('ingest: poison messages', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('poison');
  });
  afterAll(() => env?.cleanup());

  it('go to the DLQ with reason and origin while every valid message is stored', async () => {
    const small: ErpData = { products: superstore.products.slice(0, 20), customers: superstore.customers.slice(0, 10), sales: [], salesItems: [] };
    const good = salesWithItems(superstore).slice(0, 30);
    small.sales = good.map(({ items: _i, ...s }) => s);
    small.salesItems = good.flatMap((s) => s.items);
    await produceErpData(env, small);

    const valid = encodeEvent('sale', good[0]!);
    const env0 = JSON.parse(valid.value);
    const poison = [
      { key: 'bad-json', value: '{"schema":"erp.sale",' },
      { key: good[1]!.sale_id, value: JSON.stringify({ ...env0, v: 7 }) },
      { key: good[0]!.sale_id, value: JSON.stringify({ ...env0, data: { ...env0.data, customer_id: undefined } }) },
      { key: good[0]!.sale_id, value: JSON.stringify({ ...env0, data: { ...env0.data, total: 'lots' } }) },
      { key: good[0]!.sale_id, value: JSON.stringify({ ...env0, data: { ...env0.data, items: [{ ...env0.data.items[0], discount: 3 }], lines: 1 } }) },
      { key: 'x', value: JSON.stringify({ schema: 'erp.customer', v: 1, data: {} }) },
    ];
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({ topic: env.topics.sales, messages: poison });
    await producer.disconnect();

    const stats = await ingestUntilIdle(env);
    expect(stats.deadLetters).toBe(poison.length);
    const lake = await lakeSummary(env);
    expect(lake).toMatchObject({ products: 20, customers: 10, sales: 30, items: good.reduce((s, x) => s + x.items.length, 0) });

    const letters = (await readTopicToEnd(env.kafka, env.topics.dlq)).map((m) => JSON.parse(m.value ?? ''));
    expect(letters).toHaveLength(poison.length);
    const reasons = letters.map((l) => l.reason).sort();
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bad JSON/),
        expect.stringMatching(/unknown schema version 7/),
        expect.stringMatching(/invalid sale: customer_id/),
        expect.stringMatching(/invalid sale: total must be a number/),
        expect.stringMatching(/items\.0\.discount must be within 0\.\.1/),
        expect.stringMatching(/schema is "erp.customer", expected "erp.sale"/),
      ]),
    );
    for (const l of letters) {
      expect(l.origin).toMatchObject({ topic: env.topics.sales, partition: expect.any(Number), offset: expect.any(String) });
      expect(typeof l.value).toBe('string');
    }
  });
});
