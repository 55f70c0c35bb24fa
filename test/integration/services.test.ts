/**
 * Proves the configured services answer for real (start them first: `npx tsx scripts/services.ts up`).
 * Kafka: topic create → produce → consume the same message → delete. MongoDB: insert → find → drop database.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createKafka } from '../../src/pipeline/adapters/kafka';
import { connectMongo, type MongoHandle } from '../../src/pipeline/adapters/mongo';

const cfg = loadConfig();
const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

describe('Kafka', () => {
  const topic = `${cfg.kafka.topicPrefix}.it-services-${suffix}`;
  const groupId = `it-services-${suffix}`;
  let kafka: Kafka;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(() => {
    kafka = createKafka(cfg.kafka, silentLogger);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic], timeout: 10000 });
      if (consumer) await admin.deleteGroups([groupId]);
    } finally {
      await admin.disconnect();
    }
  });

  it('round-trips one message through a fresh topic', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }

    const value = JSON.stringify({ hello: 'services', suffix });
    producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: suffix, value }] });

    consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = await new Promise<{ key?: string; value?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within 60 s`)), 60000);
      void consumer!.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({ key: message.key?.toString(), value: message.value?.toString() });
        },
      });
    });
    expect(received).toEqual({ key: suffix, value });
  });
});

describe('MongoDB', () => {
  const dbName = `${cfg.mongo.db}_it_${suffix}`;
  let mongo: MongoHandle;

  beforeAll(async () => {
    mongo = await connectMongo({ uri: cfg.mongo.uri, db: dbName });
  });

  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('answers ping, inserts and finds a document', async () => {
    expect((await mongo.db.admin().command({ ping: 1 })).ok).toBe(1);
    const items = mongo.db.collection<{ _id: string; qty: number; tags: string[] }>('items');
    await items.insertOne({ _id: `item-${suffix}`, qty: 3, tags: ['a', 'b'] });
    const found = await items.findOne({ _id: `item-${suffix}` });
    expect(found).toEqual({ _id: `item-${suffix}`, qty: 3, tags: ['a', 'b'] });
    expect(await items.countDocuments({ qty: { $gte: 3 } })).toBe(1);
  });
});
