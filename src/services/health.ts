/** Protocol-level readiness checks: an open port is not enough, the service must answer a real request. */
import net from 'node:net';
import type { Config } from '../config';
import { createKafka } from '../pipeline/adapters/kafka';
import { explainKafkaFailure, KafkaSetupError } from '../pipeline/adapters/kafka-errors';
import { connectMongo } from '../pipeline/adapters/mongo';
import type { PartitionMetadata } from './kafka-cluster';
import { mailpitInfo, smtpEndpoint } from './mailpit';
import { isPortOpen, kafkaEndpoint, mongoEndpoint, type Endpoint } from './probe';

/** A closed port fails in milliseconds, where a driver would retry until its timeout. Only for single-host configs. */
const closed = async (ep: Endpoint | undefined, timeoutMs: number) => ep !== undefined && !(await isPortOpen(ep.host, ep.port, timeoutMs));

export interface KafkaProbe {
  ok: boolean;
  /** Why it cannot work with these settings (a refused login, an untrusted certificate…), naming the one to fix. */
  problem?: string;
}

/**
 * One describeCluster request, no retries: ok when it names at least `minBrokers` brokers (a cluster is ready once
 * every node registered); a failure no retry can cure comes back as `problem`. Quiet: no kafkajs logs.
 */
export async function probeKafka(cfg: Config, timeoutMs = 3000, minBrokers = 1): Promise<KafkaProbe> {
  if (cfg.kafka.brokers.length === 1 && (await closed(kafkaEndpoint(cfg.kafka.brokers), timeoutMs))) return { ok: false };
  const kafka = createKafka(cfg.kafka, undefined, {
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { ok: cluster.brokers.length >= Math.max(1, minBrokers) && cluster.controller !== null && cluster.controller >= 0 };
  } catch (err) {
    return { ok: false, problem: explainKafkaFailure(err, cfg.kafka) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when Kafka answers with at least `minBrokers` brokers. */
export async function kafkaAnswers(cfg: Config, timeoutMs = 3000, minBrokers = 1): Promise<boolean> {
  return (await probeKafka(cfg, timeoutMs, minBrokers)).ok;
}

/**
 * Fails at once, with the setting to fix, when these settings cannot work (wrong password, untrusted certificate,
 * TLS mismatch); anything else (a broker still starting) is left to the clients' own retries.
 */
export async function checkKafkaSettings(cfg: Config, timeoutMs = 5000): Promise<void> {
  const { problem } = await probeKafka(cfg, timeoutMs);
  if (problem) throw new KafkaSetupError(problem);
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

/** True when an SMTP server on `ep` greets with 220 within timeoutMs (plain SMTP; says QUIT after). Never rejects. */
export function smtpGreets(ep: Endpoint, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ep.host, port: ep.port });
    let received = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false)); // after a verdict too: a reset while saying goodbye changes nothing
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.includes('\n')) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      const greeted = received.startsWith('220');
      // A polite goodbye keeps "connection lost" lines out of the server's log.
      if (greeted) socket.end('QUIT\r\n');
      else socket.destroy();
      resolve(greeted);
    };
    socket.on('data', onData);
  });
}

/** True when the local Mailpit answers: its SMTP greeting and its API (GET /api/v1/info). */
export async function mailAnswers(cfg: Config, timeoutMs = 3000): Promise<boolean> {
  const [smtp, api] = await Promise.all([smtpGreets(smtpEndpoint(cfg.mail.smtpUrl), timeoutMs), mailpitInfo(cfg.mail.mailpitUrl, timeoutMs)]);
  return smtp && api !== undefined;
}
