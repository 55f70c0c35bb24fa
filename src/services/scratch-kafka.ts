/**
 * A Kafka of a run's own: N KRaft nodes on free loopback ports in a directory of its own, started from the project's
 * jars and stopped (data deleted, logs kept) at the end. The configured Kafka is never touched, so what needs N
 * brokers (the failover drills, the benchmarks' three-broker half) runs beside whatever the configuration names.
 */
import fs from 'node:fs';
import type { Config } from '../config';
import type { Logger } from '../log';
import { durabilityFor } from '../pipeline/adapters/topic-settings';
import { kafkaAnswers } from './health';
import { installLocalServices, servicePaths } from './install';
import { bootstrapList } from './kafka-cluster';
import { filesOf, kafkaTlsFiles, localKafkaAt, startKafka, stopKafka, type LocalKafka } from './kafka-local';
import { kafkaCredentialsPath, readCredentials } from '../config/credentials';
import { isPortOpen, waitFor } from './probe';

export interface ScratchKafka {
  cluster: LocalKafka;
  dir: string;
  /** KAFKA_BROKERS for the plaintext listeners. */
  brokers: string;
  /** The settings a client of the SASL_SSL listeners needs, as environment variables. */
  secureEnv: Record<string, string>;
  /** True when every node answers. */
  allUp(): Promise<boolean>;
  stop(): Promise<void>;
}

/** The first base port from `from` up (steps of 100) whose 3N ports (plaintext, controller, SASL_SSL) are all free. */
export async function freeBasePort(brokers: number, from: number): Promise<number> {
  for (let base = from; base < from + 10000; base += 100) {
    const busy = await Promise.all(Array.from({ length: 3 * brokers }, (_, i) => isPortOpen('127.0.0.1', base + i, 300)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error(`no ${3 * brokers} free loopback ports between ${from} and ${from + 10000} for a scratch Kafka`);
}

/**
 * `cfg` pointed at a scratch cluster's plaintext listeners: no TLS or SASL, and the replication its broker count
 * gives (min(3, N)), whatever KAFKA_REPLICATION_FACTOR says for the configured cluster.
 */
export function scratchConfig(cfg: Config, scratch: Pick<ScratchKafka, 'brokers' | 'cluster'>): Config {
  const { replicationFactor } = durabilityFor(scratch.cluster.nodes.length);
  return { ...cfg, kafka: { ...cfg.kafka, brokers: scratch.brokers.split(','), ssl: false, sslCaFile: undefined, sasl: undefined, replicationFactor } };
}

export interface ScratchOptions {
  /** Where its nodes keep their data, pid files and logs; created if missing. */
  dir: string;
  brokers: number;
  log: Logger;
  /** The lowest base port tried (steps of 100 up to the first free one). */
  fromPort?: number;
}

/** Starts the cluster and waits (up to 3 minutes) until every node answers; a failed start stops what it started. */
export async function startScratchKafka(cfg: Config, opts: ScratchOptions): Promise<ScratchKafka> {
  const { dir, brokers, log } = opts;
  await installLocalServices(cfg, log, { kafka: true, mongo: false }); // the jars, when the configured Kafka is not local
  const base = await freeBasePort(brokers, opts.fromPort ?? 29092);
  const cluster = localKafkaAt({ dir, libs: servicePaths(cfg).kafkaLibs, configured: [{ host: '127.0.0.1', port: base }], requested: brokers });
  const list = bootstrapList(cluster.nodes);
  const plain = scratchConfig(cfg, { brokers: list, cluster });
  const allUp = () => kafkaAnswers(plain, 3000, brokers);
  startKafka(cluster, log);
  const scratch: ScratchKafka = {
    cluster,
    dir,
    brokers: list,
    secureEnv: {},
    allUp,
    stop: async () => {
      await stopKafka(cluster);
      // The logs stay for a reader of a failure; the data, keys, password and whatever a run wrote beside them go.
      for (const f of fs.readdirSync(dir)) if (!f.endsWith('.log')) fs.rmSync(`${dir}/${f}`, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(allUp, { what: `the scratch Kafka on ${list}`, timeoutMs: 180000, logFile: filesOf(cluster, cluster.nodes[0]!).managed.logFile });
  } catch (err) {
    await scratch.stop();
    throw err;
  }
  const creds = readCredentials(kafkaCredentialsPath(dir));
  if (creds) {
    scratch.secureEnv = {
      KAFKA_BROKERS: cluster.nodes.map((n) => `${n.secure.host}:${n.secure.port}`).join(','),
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: kafkaTlsFiles(dir).caCert,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: creds.user,
      KAFKA_SASL_PASSWORD: creds.password,
    };
  }
  return scratch;
}
