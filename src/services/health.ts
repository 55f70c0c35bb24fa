/** Protocol-level readiness checks: an open port is not enough, the service must answer a real request. */
import type { Config } from '../config';
import { createKafka } from '../pipeline/kafka';
import { connectMongo } from '../pipeline/mongo';
import type { PartitionMetadata } from './kafka-cluster';
import { isPortOpen, kafkaEndpoint, mongoEndpoint, type Endpoint } from './probe';

/** A closed port fails in milliseconds, where a driver would retry until its timeout. Only for single-host configs. */
const closed = async (ep: Endpoint | undefined, timeoutMs: number) => ep !== undefined && !(await isPortOpen(ep.host, ep.port, timeoutMs));

/**
 * True when a Kafka metadata request (describeCluster) succeeds and names at least `minBrokers` brokers (a cluster
 * is ready once every node registered). Quiet: no kafkajs logs, no retries.
 */
export async function kafkaAnswers(cfg: Config, timeoutMs = 3000, minBrokers = 1): Promise<boolean> {
  if (cfg.kafka.brokers.length === 1 && (await closed(kafkaEndpoint(cfg.kafka.brokers), timeoutMs))) return false;
  const kafka = createKafka(cfg.kafka, undefined, {
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= Math.max(1, minBrokers) && cluster.controller !== null && cluster.controller >= 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every topic's partitions with their leader and replicas, or undefined when the cluster does not answer. Quiet. */
export async function kafkaTopicMetadata(cfg: Config, timeoutMs = 3000): Promise<PartitionMetadata[] | undefined> {
  const kafka = createKafka(cfg.kafka, undefined, { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, retry: { retries: 0 } });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    return topics.length ? (await admin.fetchTopicMetadata({ topics })).topics : [];
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when the MongoDB endpoint answers `ping`. */
export async function mongoAnswers(cfg: Config, timeoutMs = 3000): Promise<boolean> {
  const singleHost = !/^mongodb:\/\/(?:[^@/]*@)?[^/?]*,/.test(cfg.mongo.uri);
  if (singleHost && (await closed(mongoEndpoint(cfg.mongo.uri), timeoutMs))) return false;
  let handle: Awaited<ReturnType<typeof connectMongo>> | undefined;
  try {
    handle = await connectMongo(cfg.mongo, { timeoutMs });
    const res = await handle.db.admin().command({ ping: 1 });
    return res.ok === 1;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
