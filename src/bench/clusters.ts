/**
 * The Kafka clusters a benchmark runs on (`--brokers 1,3`): the configured one when it has that many brokers, else a
 * scratch cluster of that size started for the run on free loopback ports and removed afterwards, so one command
 * measures one broker and three side by side without touching the configured services.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { createKafka, withAdmin } from '../pipeline/adapters/kafka';
import { durabilityFor, PRODUCER_DURABILITY, type Durability } from '../pipeline/adapters/topic-settings';
import { MAX_LOCAL_BROKERS } from '../services/kafka-cluster';
import { scratchConfig, startScratchKafka } from '../services/scratch-kafka';

export interface BenchCluster {
  brokers: number;
  durability: Durability;
  /** What the tables print: brokers, replication, min.insync.replicas, acks; and whether it was started for the run. */
  label: string;
  /** The configuration that reaches it (children get it through kafkaEnv). */
  cfg: Config;
}

/** `--brokers 1,3` → [1, 3]: distinct counts from 1 to MAX_LOCAL_BROKERS, in the order given. */
export function parseBrokerCounts(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const counts = parts.map(Number);
  const bad = parts.filter((p, i) => !/^\d+$/.test(p) || counts[i]! < 1 || counts[i]! > MAX_LOCAL_BROKERS);
  if (bad.length || !parts.length) throw new Error(`--brokers expects broker counts from 1 to ${MAX_LOCAL_BROKERS} separated by commas (e.g. 1,3), got ${JSON.stringify(value)}`);
  return [...new Set(counts)];
}

/** "3 brokers, RF 3, min ISR 2, acks=all". */
export function clusterLabel(brokers: number, d: Durability, scratch: boolean): string {
  const acks = PRODUCER_DURABILITY.acks === -1 ? 'all' : String(PRODUCER_DURABILITY.acks);
  return `${brokers} broker${brokers === 1 ? '' : 's'}, RF ${d.replicationFactor}, min ISR ${d.minInsyncReplicas}, acks=${acks}${scratch ? ' (scratch cluster)' : ''}`;
}

/** How many brokers the configured cluster has. */
export async function configuredBrokerCount(cfg: Config): Promise<number> {
  return withAdmin(createKafka(cfg.kafka), async (admin) => (await admin.describeCluster()).brokers.length);
}

/**
 * Runs `work` on a cluster of `brokers` brokers: the configured one when its size matches, else a scratch cluster in
 * .cache/bench/ (deleted when done; its logs are kept when the run failed). Ctrl-C stops the scratch nodes too: they
 * run detached, and would otherwise outlive the benchmark.
 */
export async function onCluster<T>(cfg: Config, brokers: number, log: Logger, work: (c: BenchCluster) => Promise<T>): Promise<T> {
  const configured = await configuredBrokerCount(cfg);
  if (configured === brokers) {
    const durability = durabilityFor(brokers, cfg.kafka.replicationFactor);
    return work({ brokers, durability, label: clusterLabel(brokers, durability, false), cfg });
  }
  const dir = path.join(cfg.paths.cache, 'bench', `kafka-${brokers}-${process.pid}`);
  log.info(`starting a scratch Kafka of ${brokers} brokers (the configured one has ${configured})`, { dir });
  const scratch = await startScratchKafka(cfg, { dir, brokers, log, fromPort: 39092 });
  const onSignal = (signal: NodeJS.Signals) => {
    log.warn(`${signal}: stopping the scratch Kafka`, { dir });
    void scratch.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  try {
    const c = scratchConfig(cfg, scratch);
    const durability = durabilityFor(brokers, c.kafka.replicationFactor);
    const result = await work({ brokers, durability, label: clusterLabel(brokers, durability, true), cfg: c });
    ok = true;
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await scratch.stop();
    if (ok) fs.rmSync(dir, { recursive: true, force: true });
    else log.warn('the scratch Kafka is stopped; its logs are kept', { dir });
  }
}

/**
 * Runs `work` on each cluster size asked for, in order (each scratch cluster starts once), or once on the configured
 * cluster when no size is asked for (its label then undefined: the tables name the configured brokers).
 */
export async function onClusters<T>(cfg: Config, counts: readonly number[] | undefined, log: Logger, work: (cfg: Config, label: string | undefined) => Promise<T>): Promise<T[]> {
  if (!counts) return [await work(cfg, undefined)];
  const out: T[] = [];
  for (const n of counts) out.push(await onCluster(cfg, n, log, (c) => work(c.cfg, c.label)));
  return out;
}
