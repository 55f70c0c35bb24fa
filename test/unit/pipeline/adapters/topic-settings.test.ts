import { KafkaJSAggregateError, KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { createErpProducer, ensureTopics, topicNames, topicPlan } from '../../../../src/pipeline/adapters/kafka';
import { createSender } from '../../../../src/pipeline/stream/produce';
import {
  describeTopicsToCreate,
  durabilityFor,
  isAuthorizationError,
  PRODUCER_DURABILITY,
  TopicCreationRefusedError,
  topicConfigEntries,
} from '../../../../src/pipeline/adapters/topic-settings';

/** kafkajs's error for a protocol error code, as its client builds it (the constructor's types only take a message). */
const protocolError = (type: string, message: string) => Object.assign(new KafkaJSProtocolError(message), { type, retriable: false });

describe('durabilityFor', () => {
  it('replicates min(3, brokers) times', () => {
    expect([1, 2, 3, 5, 12].map((b) => durabilityFor(b).replicationFactor)).toEqual([1, 2, 3, 3, 3]);
  });

  it('asks two in-sync replicas from three replicas on, one below (a single broker down never stops producers)', () => {
    expect(durabilityFor(1).minInsyncReplicas).toBe(1);
    expect(durabilityFor(2).minInsyncReplicas).toBe(1);
    expect(durabilityFor(3).minInsyncReplicas).toBe(2);
    expect(durabilityFor(6).minInsyncReplicas).toBe(2);
  });

  it('keeps a configured replication factor, with the matching min.insync.replicas', () => {
    expect(durabilityFor(6, 2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(durabilityFor(6, 5)).toEqual({ replicationFactor: 5, minInsyncReplicas: 2 });
  });

  it('refuses a configured replication factor above the broker count, naming KAFKA_REPLICATION_FACTOR', () => {
    expect(() => durabilityFor(1, 3)).toThrow(/KAFKA_REPLICATION_FACTOR=3 is more than the 1 broker\(s\)/);
  });
});

describe('topic configuration', () => {
  const settings = { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 };

  it('compacts entity topics and sets min.insync.replicas on every topic', () => {
    expect(topicConfigEntries({ topic: 'erp.products', compacted: true }, settings)).toEqual([
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.insync.replicas', value: '2' },
    ]);
    expect(topicConfigEntries({ topic: 'erp.sales', compacted: false }, settings)).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
  });

  it('describes each topic to create with its partitions, replication and configuration', () => {
    expect(describeTopicsToCreate(topicPlan(topicNames('erp')).slice(0, 3), settings)).toEqual([
      'erp.products  --partitions 3 --replication-factor 3 --config cleanup.policy=compact --config min.insync.replicas=2',
      'erp.customers  --partitions 3 --replication-factor 3 --config cleanup.policy=compact --config min.insync.replicas=2',
      'erp.sales  --partitions 3 --replication-factor 3 --config min.insync.replicas=2',
    ]);
  });
});

describe('isAuthorizationError', () => {
  it('recognises authorization failures, alone or aggregated', () => {
    const denied = protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics: [Topic authorization failed]');
    expect(isAuthorizationError(denied)).toBe(true);
    expect(isAuthorizationError(new KafkaJSAggregateError('x', [denied, denied]))).toBe(true);
    expect(isAuthorizationError({ type: 'CLUSTER_AUTHORIZATION_FAILED' })).toBe(true);
  });

  it('does not take other failures for one', () => {
    expect(isAuthorizationError(protocolError('INVALID_REPLICATION_FACTOR', 'Replication factor is invalid'))).toBe(false);
    expect(isAuthorizationError(new Error('connection refused'))).toBe(false);
    expect(isAuthorizationError(undefined)).toBe(false);
  });
});

/** A kafkajs client whose admin answers from a fake cluster of `brokers` brokers and records what it is asked. */
function fakeKafka(brokers: number, existing: string[], createTopics: (req: unknown) => Promise<boolean> = async () => true) {
  const requests: unknown[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => existing,
    describeCluster: async () => ({ brokers: Array.from({ length: brokers }, (_, i) => ({ nodeId: i + 1, host: 'h', port: 1 })), controller: 1, clusterId: 'c' }),
    createTopics: async (req: unknown) => {
      requests.push(req);
      return createTopics(req);
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({ topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) }),
  };
  return { kafka: { admin: () => admin } as unknown as Pick<Kafka, 'admin'>, requests };
}

describe('ensureTopics', () => {
  const plan = topicPlan(topicNames('erp'));

  it('creates the missing topics with replication 3 and min.insync.replicas 2 on a three-broker cluster', async () => {
    const { kafka, requests } = fakeKafka(3, ['erp.products']);
    const { created, settings } = await ensureTopics(kafka, plan, 6);
    expect(created).toEqual(['erp.customers', 'erp.sales', 'erp.dlq', 'erp.recommendations']);
    expect(settings).toEqual({ partitions: 6, replicationFactor: 3, minInsyncReplicas: 2 });
    const req = requests[0] as { topics: { topic: string; numPartitions: number; replicationFactor: number; configEntries: unknown[] }[] };
    expect(req.topics.map((t) => [t.topic, t.numPartitions, t.replicationFactor])).toEqual(created.map((t) => [t, 6, 3]));
    expect(req.topics[1]!.configEntries).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
  });

  it('uses replication 1 on a single broker, and creates nothing when every topic exists', async () => {
    const single = fakeKafka(1, []);
    expect((await ensureTopics(single.kafka, plan, 3)).settings).toEqual({ partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 });
    const all = fakeKafka(3, plan.map((p) => p.topic));
    expect((await ensureTopics(all.kafka, plan, 3)).created).toEqual([]);
    expect(all.requests).toEqual([]);
  });

  it('names every missing topic and its settings when the cluster refuses to create them', async () => {
    const denied = protocolError('TOPIC_AUTHORIZATION_FAILED', 'Topic authorization failed');
    const { kafka } = fakeKafka(3, ['erp.products', 'erp.customers'], async () => {
      throw new KafkaJSAggregateError('Topic creation errors', [denied]);
    });
    const err = await ensureTopics(kafka, plan, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopicCreationRefusedError);
    const e = err as TopicCreationRefusedError;
    expect(e.topics).toEqual(['erp.sales', 'erp.dlq', 'erp.recommendations']);
    expect(e.retriable).toBe(false);
    expect(e.message).toContain('erp.sales  --partitions 3 --replication-factor 3 --config min.insync.replicas=2');
    expect(e.message).toContain('KAFKA_SASL_USERNAME');
    expect(e.message).not.toContain('erp.products  --');
  });

  it('passes other creation failures through unchanged', async () => {
    const { kafka } = fakeKafka(3, [], async () => {
      throw new Error('broker went away');
    });
    await expect(ensureTopics(kafka, plan, 3)).rejects.toThrow('broker went away');
  });
});

describe('producer durability', () => {
  it('states acks=all (-1) with an idempotent producer, one request in flight', () => {
    expect(PRODUCER_DURABILITY).toEqual({ acks: -1, idempotent: true, maxInFlightRequests: 1 });
  });

  it('creates the ERP producer idempotent with one request in flight, and sends every batch with acks -1', async () => {
    const configs: Record<string, unknown>[] = [];
    const sends: { acks?: number }[] = [];
    const producer = { send: async (r: { acks?: number }) => void sends.push(r) };
    const kafka = { producer: (c: Record<string, unknown>) => (configs.push(c), producer) } as unknown as Kafka;
    createErpProducer(kafka);
    expect(configs[0]).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    const sender = createSender(producer as never, { batchSize: 2 });
    const product = { product_id: 'P1', product_name: 'x', category: 'c', sub_category: 's' };
    await sender.send('erp.products', 'product', [product, product, product] as never);
    expect(sends.map((s) => s.acks)).toEqual([-1, -1]);
  });
});
