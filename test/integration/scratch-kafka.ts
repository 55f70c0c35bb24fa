/**
 * A Kafka of the suite's own: N KRaft nodes on free loopback ports, in test-artifacts/<name>-<pid>, started from the
 * project's jars and stopped (data deleted, logs kept) at the end. The shared services are never touched, so these
 * suites run wherever the integration tests run, CI included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import { kafkaAnswers } from '../../src/services/health';
import { testConfig } from './helpers';
import { installLocalServices, servicePaths } from '../../src/services/install';
import { bootstrapList } from '../../src/services/kafka-cluster';
import { filesOf, kafkaTlsFiles, localKafkaAt, startKafka, stopKafka, type LocalKafka } from '../../src/services/kafka-local';
import { isPortOpen, waitFor } from '../../src/services/probe';
import { kafkaCredentialsPath, readCredentials } from '../../src/services/credentials';

const root = path.resolve(__dirname, '../..');

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
async function freeBasePort(brokers: number, from: number): Promise<number> {
  for (let base = from; base < from + 10000; base += 100) {
    const busy = await Promise.all(Array.from({ length: 3 * brokers }, (_, i) => isPortOpen('127.0.0.1', base + i, 300)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error(`no ${3 * brokers} free loopback ports between ${from} and ${from + 10000} for a scratch Kafka`);
}

export async function startScratchKafka(name: string, brokers: number, log: Logger, fromPort = 29092): Promise<ScratchKafka> {
  const cfg = loadConfig();
  await installLocalServices(cfg, log, { kafka: true, mongo: false }); // the jars, when the shared Kafka is not local
  const dir = path.join(root, 'test-artifacts', `${name}-${process.pid}`);
  const base = await freeBasePort(brokers, fromPort);
  const cluster = localKafkaAt({ dir, libs: servicePaths(cfg).kafkaLibs, configured: [{ host: '127.0.0.1', port: base }], requested: brokers });
  const list = bootstrapList(cluster.nodes);
  const allUp = () => kafkaAnswers(testConfig({ KAFKA_BROKERS: list }), 3000, brokers);
  startKafka(cluster, log);
  const scratch: ScratchKafka = {
    cluster,
    dir,
    brokers: list,
    secureEnv: {},
    allUp,
    stop: async () => {
      await stopKafka(cluster);
      // The logs stay for a reader of a failure; the data, keys, password and whatever a test wrote beside them go.
      for (const f of fs.readdirSync(dir)) if (!f.endsWith('.log')) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    },
  };
  try {
    await waitFor(allUp, { what: `the ${name} Kafka on ${list}`, timeoutMs: 180000, logFile: filesOf(cluster, cluster.nodes[0]!).managed.logFile });
  } catch (err) {
    await scratch.stop();
    throw err;
  }
  const creds = readCredentials(kafkaCredentialsPath(dir))!;
  scratch.secureEnv = {
    KAFKA_BROKERS: cluster.nodes.map((n) => `${n.secure.host}:${n.secure.port}`).join(','),
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: kafkaTlsFiles(dir).caCert,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: creds.user,
    KAFKA_SASL_PASSWORD: creds.password,
  };
  return scratch;
}

/** A scratch path inside the Kafka's directory, deleted by stop(). */
export const scratchPath = (k: ScratchKafka, name: string) => path.join(k.dir, `scratch-${name}`);
