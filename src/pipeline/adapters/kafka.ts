/** Kafka adapter: the only module that builds kafkajs clients. Works with one local broker or a SASL/SSL cluster. */
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { CompressionTypes, Kafka, logLevel as KafkaLogLevel, Partitioners, type Admin, type KafkaConfig as KafkaJsConfig, type LogEntry, type Producer, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../../config';
import type { Logger } from '../../log';
import { isRetriableProtocolMessage } from './kafka-errors';
import { describeTopicsToCreate, durabilityFor, isAuthorizationError, PRODUCER_DURABILITY, topicConfigEntries, TopicCreationRefusedError, type TopicSettings, type TopicSpec } from './topic-settings';

/** TLS options: off, the system's CAs, or only the configured CA file (a private cluster's). */
function tlsOptions(cfg: KafkaConfig): boolean | ConnectionOptions {
  if (!cfg.ssl) return false;
  return cfg.sslCaFile ? { ca: [fs.readFileSync(cfg.sslCaFile, 'utf8')] } : true;
}

export function createKafka(cfg: KafkaConfig, log?: Logger, overrides: Partial<KafkaJsConfig> = {}): Kafka {
  return new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    ssl: tlsOptions(cfg),
    // kafkajs types SASL as a union per mechanism; our config has already validated the triple.
    sasl: cfg.sasl as SASLOptions | undefined,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    // About a minute of retries (300 ms doubling to 5 s, 15 times): enough to ride out a broker restart or a
    // leader election, short enough that a wrong address fails in a reasonable time.
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 15 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...rest } = entry.log;
      // A v2 migration notice printed for every producer; ours choose their partitioner explicitly.
      if (message.includes('switched default partitioner')) return;
      const fields = { ...rest } as Record<string, unknown>;
      delete fields.timestamp;
      delete fields.logger;
      if (entry.level <= KafkaLogLevel.ERROR && !isRetriableKafkaLog(message, fields)) log.error(`kafka: ${message}`, fields);
      else log.warn(`kafka: ${message}`, fields);
    },
    ...overrides,
  });
}

/**
 * kafkajs logs at ERROR what it is about to retry: a coordinator still loading after a broker start, a leader
 * moving, a broker restarting (connection refused). Those are warnings; a failure that survives the retries reaches
 * our code as a thrown error and is reported there.
 */
export function isRetriableKafkaLog(message: string, fields: Record<string, unknown>): boolean {
  const error = typeof fields.error === 'string' ? fields.error : '';
  if (isRetriableProtocolMessage(error)) return true;
  // "Failed to send messages: <reason>" carries the reason in the message itself.
  const reason = message.slice(message.indexOf(': ') + 2);
  if (message.includes(': ') && isRetriableProtocolMessage(reason)) return true;
  return /^Connection error|^Connection timeout/.test(message) || /ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(error);
}

/** The pipeline's producers. `idempotent` (the default) for the ERP simulator; the consumers' own producers (dead
 * letters, recommendations) are not: their sends are keyed and a redelivery is absorbed downstream. */
export function createErpProducer(kafka: Pick<Kafka, 'producer'>, idempotent = true): Producer {
  // The default (murmur2) partitioner, as the Java client uses: a key lands on the same partition from any client.
  const base = { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner };
  if (!idempotent) return kafka.producer(base);
  // kafkajs marks idempotence experimental; it needs one request in flight and unbounded retries (a broker that is
  // down, or a leader moving, makes the producer wait, not fail), so that a retried batch is never written twice.
  const { idempotent: on, maxInFlightRequests } = PRODUCER_DURABILITY;
  return kafka.producer({ ...base, idempotent: on, maxInFlightRequests, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10000 } });
}

/** kafkajs's codec for a send. */
export const compressionCodec = (name: 'gzip' | 'none'): CompressionTypes => (name === 'none' ? CompressionTypes.None : CompressionTypes.GZIP);

/** Runs `work` with a connected admin client, and disconnects it whatever happens. */
export async function withAdmin<T>(kafka: Pick<Kafka, 'admin'>, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics of `prefix` that exist (benchmarks and throw-away runs clean up after themselves). */
export async function deleteTopicsOf(kafka: Kafka, prefix: string): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const mine = topicPlan(topicNames(prefix)).map((p) => p.topic).filter((t) => existing.has(t));
    if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  });
}

/** The topic names, in one place. A prefix lets several environments share a cluster. */
export function topicNames(prefix: string) {
  return {
    products: `${prefix}.products`,
    customers: `${prefix}.customers`,
    sales: `${prefix}.sales`,
    dlq: `${prefix}.dlq`,
    recommendations: `${prefix}.recommendations`,
    /** Consumer groups are cluster-wide, so they carry the prefix too: two environments never share one. */
    lakeGroup: `${prefix}.lake`,
    recommenderGroup: `${prefix}.recommender`,
  } as const;
}
export type TopicNames = ReturnType<typeof topicNames>;

export type TopicPlan = TopicSpec;

/** The topics the pipeline needs: entity topics compacted by key (latest state per ID), the rest time-retained. */
export function topicPlan(topics: TopicNames): TopicPlan[] {
  return [
    { topic: topics.products, compacted: true },
    { topic: topics.customers, compacted: true },
    { topic: topics.sales, compacted: false },
    { topic: topics.dlq, compacted: false },
    { topic: topics.recommendations, compacted: false },
  ];
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > end) throw err;
    }
    if (Date.now() > end) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The settings topics get on this cluster: the configured replication factor, or min(3, the brokers it has), and
 * min.insync.replicas to match (see topic-settings.ts).
 */
export async function topicSettingsFor(admin: Pick<Admin, 'describeCluster'>, partitions: number, replicationFactor?: number): Promise<TopicSettings> {
  const brokers = (await admin.describeCluster()).brokers.length;
  return { partitions, ...durabilityFor(brokers, replicationFactor) };
}

/**
 * Create missing topics (existing ones are left as they are). Returns the names it created and the settings used.
 * `replicationFactor` undefined: min(3, brokers). A cluster that refuses (no right to create topics) gets a
 * TopicCreationRefusedError naming each topic and its settings, for an administrator to create them.
 */
export async function ensureTopics(kafka: Pick<Kafka, 'admin'>, plan: TopicPlan[], partitions: number, replicationFactor?: number): Promise<{ created: string[]; settings: TopicSettings }> {
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = plan.filter((t) => !existing.has(t.topic));
    const settings = await topicSettingsFor(admin, partitions, replicationFactor);
    if (missing.length) {
      try {
        await admin.createTopics({
          // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker answers for a moment after
          // creating (or deleting) topics; we wait for leaders ourselves below.
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: settings.partitions,
            replicationFactor: settings.replicationFactor,
            configEntries: topicConfigEntries(t, settings),
          })),
        });
      } catch (err) {
        if (!isAuthorizationError(err)) throw err;
        const type = (err as { type?: string }).type ?? 'TOPIC_AUTHORIZATION_FAILED';
        throw new TopicCreationRefusedError(missing.map((t) => t.topic), describeTopicsToCreate(missing, settings), type);
      }
      await waitForLeaders(admin, missing.map((t) => t.topic));
    }
    return { created: missing.map((t) => t.topic), settings };
  });
}

/** Messages a consumer group has yet to commit, per topic (a new group counts everything retained). */
export async function fetchLag(kafka: Kafka, groupId: string, topics: string[]): Promise<{ total: number; byTopic: Record<string, number> }> {
  return withAdmin(kafka, async (admin) => {
    const committed = await admin.fetchOffsets({ groupId, topics });
    const byTopic: Record<string, number> = {};
    let total = 0;
    for (const t of topics) {
      const ends = await admin.fetchTopicOffsets(t);
      const done = new Map((committed.find((c) => c.topic === t)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      let lag = 0;
      for (const p of ends) {
        const c = done.get(p.partition) ?? -1;
        lag += Number(p.high) - (c >= 0 ? c : Number(p.low));
      }
      byTopic[t] = lag;
      total += lag;
    }
    return { total, byTopic };
  });
}

/** How many partitions each topic has. */
export async function fetchPartitionCounts(kafka: Pick<Kafka, 'admin'>, topics: string[]): Promise<Map<string, number>> {
  const meta = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics }));
  return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
}

/** Messages retained in a topic (high - low watermark over its partitions). */
export async function countMessages(kafka: Kafka, topic: string): Promise<number> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
}

/**
 * Reads a topic from its start up to the end it has now (high watermarks taken first), with a throwaway group.
 * For small topics (dead letters, test checks), not for the sales stream.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, timeoutMs = 30000): Promise<{ key: string | null; value: string | null; partition: number; offset: string }[]> {
  // Partitions with nothing retained (low = high) are already read to their end.
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const ends = new Map(offsets.filter((p) => BigInt(p.low) < BigInt(p.high)).map((p) => [p.partition, BigInt(p.high)]));
  const out: { key: string | null; value: string | null; partition: number; offset: string }[] = [];
  if (!ends.size) return out;
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${out.length} messages so far`)), timeoutMs);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, partition, offset: message.offset });
          const end = ends.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
          if (!ends.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
