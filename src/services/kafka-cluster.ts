/**
 * The local Kafka cluster's shape, pure: which node listens where, each node's server.properties, the marker that
 * remembers how many brokers a cluster was created with, and who leads which partition. No IO here; kafka-local.ts
 * writes and starts what this describes.
 */
import { durabilityFor } from '../pipeline/adapters/topic-settings';
import { formatEndpoint, formatHost, type Endpoint } from './probe';

/** More than this many JVMs on one laptop is a mistake, not a test. */
export const MAX_LOCAL_BROKERS = 5;

export interface KafkaNode {
  /** node.id, 1-based. */
  id: number;
  broker: Endpoint;
  controller: Endpoint;
  /** The SASL_SSL listener (SCRAM-SHA-512 over TLS), as a managed cluster's. */
  secure: Endpoint;
}

/**
 * The nodes of a local cluster of `brokers` brokers from the first configured endpoint. One broker: the broker on
 * its port, the controller on the next (9092/9093, as ever). Several: node i on base + 2(i-1) and the port after
 * (9092/9093, 9094/9095, 9096/9097), every node a broker and a controller voter. The SASL_SSL listeners follow, one
 * per node (one broker: 9094; three: 9098, 9099, 9100).
 */
export function kafkaNodes(base: Endpoint, brokers: number): KafkaNode[] {
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_LOCAL_BROKERS) {
    throw new Error(`--brokers expects a whole number from 1 to ${MAX_LOCAL_BROKERS}, got ${brokers}`);
  }
  const last = base.port + 3 * brokers - 1;
  if (last > 65535) throw new Error(`KAFKA_BROKERS port ${base.port} leaves no room for ${brokers} brokers (ports up to ${last}): choose a lower port`);
  return Array.from({ length: brokers }, (_, i) => ({
    id: i + 1,
    broker: { host: base.host, port: base.port + 2 * i },
    controller: { host: base.host, port: base.port + 2 * i + 1 },
    secure: { host: base.host, port: base.port + 2 * brokers + i },
  }));
}

/** KAFKA_BROKERS for a cluster: every broker, so a client still finds the cluster when one of them is down. */
export const bootstrapList = (nodes: readonly KafkaNode[]): string => nodes.map((n) => formatEndpoint(n.broker)).join(',');

/**
 * A configured broker list that is not part of the local cluster would send clients somewhere else. Returns the
 * problem, or undefined when every listed endpoint is one of the cluster's brokers.
 */
export function checkBootstrap(configured: readonly Endpoint[], nodes: readonly KafkaNode[]): string | undefined {
  const ours = new Set(nodes.map((n) => formatEndpoint(n.broker)));
  const strangers = configured.map(formatEndpoint).filter((e) => !ours.has(e));
  if (!strangers.length) return undefined;
  return `KAFKA_BROKERS lists ${strangers.join(', ')}, which is not a broker of the local ${nodes.length}-broker cluster (${bootstrapList(nodes)}): set KAFKA_BROKERS=${bootstrapList(nodes)}`;
}

/** Heap per broker: one broker gets more; three on a 2-core laptop beside PostgreSQL get less each. */
export const kafkaHeap = (brokers: number): string[] => (brokers === 1 ? ['-Xms256m', '-Xmx512m'] : ['-Xms128m', '-Xmx384m']);

/** The JAAS line that makes a listener check SCRAM logins against the credentials in the cluster's metadata. */
const SCRAM_SERVER = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * server.properties for one loopback node of `nodes`. Pure: same inputs, same text. With `secure`, the node also
 * opens its SASL_SSL listener: SCRAM-SHA-512 logins over TLS with the PEM key and certificate in `secure.keystore`
 * (brokers and controllers keep talking plaintext among themselves, on loopback).
 */
export function kafkaProperties(node: KafkaNode, nodes: readonly KafkaNode[], dataDir: string, secure?: { keystore: string }): string {
  const ctl = `${formatHost(node.controller.host)}:${node.controller.port}`;
  const sasl = `SASL_SSL://${formatEndpoint(node.secure)}`;
  const voters = nodes.map((n) => `${n.id}@${formatHost(n.controller.host)}:${n.controller.port}`).join(',');
  // Internal topics follow the same rule as ours: replication min(3, brokers), min.insync.replicas 2 from 3 on.
  const { replicationFactor: rf, minInsyncReplicas: isr } = durabilityFor(nodes.length);
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://${formatEndpoint(node.broker)},CONTROLLER://${ctl}${secure ? `,${sasl}` : ''}`,
    'advertised.listeners': `PLAINTEXT://${formatEndpoint(node.broker)}${secure ? `,${sasl}` : ''}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(secure
      ? {
          'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
          'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': SCRAM_SERVER,
          'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
          'listener.name.sasl_ssl.ssl.keystore.location': secure.keystore,
        }
      : {}),
    'log.dirs': dataDir,
    'num.partitions': 3, // for auto-created topics; same as docker-compose.yml
    'default.replication.factor': rf,
    'min.insync.replicas': isr,
    // Internal topics default to replication 3: with one node, consumers would wait for a group coordinator forever.
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': isr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': isr,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
    'delete.topic.enable': 'true',
    // An acknowledged write must never be lost to a replica that missed it, even if that means waiting.
    'unclean.leader.election.enable': 'false',
    'log.retention.hours': 168,
    'log.segment.bytes': 104857600,
    // The log cleaner (compacted topics) allocates its dedupe buffer on the heap at start: 128 MB by default, a
    // quarter of this heap, kept for good. It made the collector run a marking cycle every 10-20 s with 15-26 ms
    // pauses. 16 MB still holds over 600,000 keys per pass (24 bytes a key, 90 % full).
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    // Several brokers share two cores: fewer request threads each than the defaults (3 network, 8 I/O).
    ...(nodes.length > 1 ? { 'num.network.threads': 2, 'num.io.threads': 4 } : {}),
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** What a multi-broker cluster remembers about itself (SERVICES_DIR/kafka-cluster.json). */
export interface ClusterMarker {
  brokers: number;
  clusterId: string;
  /** The first broker's endpoint when the cluster was formatted: its nodes' ports follow from it. */
  base: Endpoint;
}

/** Parses the marker; a file that is not one is an error naming the file and the fix. */
export function parseClusterMarker(text: string, file: string): ClusterMarker {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const m = v as Partial<ClusterMarker> | undefined;
  const ok = m && Number.isInteger(m.brokers) && (m.brokers ?? 0) >= 1 && typeof m.clusterId === 'string' && m.clusterId && typeof m.base?.host === 'string' && Number.isInteger(m.base?.port);
  if (!ok) throw new Error(`${file} is not a Kafka cluster marker written by \`services up\`: run \`npm run services -- reset\` (deletes the local topics) and \`up\` again`);
  return { brokers: m.brokers!, clusterId: m.clusterId!, base: { host: m.base!.host, port: m.base!.port } };
}

/**
 * The broker count `up` uses: the one asked for, else the one the cluster was created with, else 1. Asking for a
 * different count than the existing cluster's is an error: its storage is formatted for its voters.
 */
export function resolveBrokerCount(requested: number | undefined, existing: number | undefined): number {
  if (requested !== undefined && existing !== undefined && requested !== existing) {
    throw new Error(
      `the local Kafka was created with ${existing} broker${existing === 1 ? '' : 's'}, not ${requested}: run \`npm run services -- reset\` ` +
        `(stops the services and deletes the local topics and databases), then \`npm run services -- up --brokers ${requested}\`; ` +
        `or \`up\` without --brokers to start the existing cluster`,
    );
  }
  return requested ?? existing ?? 1;
}

export interface PartitionMetadata {
  name: string;
  partitions: { partitionId: number; leader: number; isr?: number[]; replicas?: number[] }[];
}

/** Per node id, the partitions it leads as `topic/partition`, sorted; internal topics (`__…`) left out. */
export function leadersByNode(topics: readonly PartitionMetadata[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const t of [...topics].sort((a, b) => a.name.localeCompare(b.name))) {
    if (t.name.startsWith('__')) continue;
    for (const p of [...t.partitions].sort((a, b) => a.partitionId - b.partitionId)) {
      if (p.leader < 0) continue;
      const list = out.get(p.leader) ?? [];
      list.push(`${t.name}/${p.partitionId}`);
      out.set(p.leader, list);
    }
  }
  return out;
}

/** Partitions whose in-sync replicas are fewer than their replicas: a broker is down or catching up. */
export function underReplicated(topics: readonly PartitionMetadata[]): string[] {
  return topics.flatMap((t) => t.partitions.filter((p) => (p.isr?.length ?? 0) < (p.replicas?.length ?? 0)).map((p) => `${t.name}/${p.partitionId}`));
}

/** One `status` line per broker: id, endpoint, pid or state, and what it leads (the first few, then a count). */
export function formatBrokerLine(node: KafkaNode, state: string, leads: readonly string[] | undefined, shown = 6): string {
  const head = `broker ${node.id}  ${formatEndpoint(node.broker)}  ${state}`;
  if (leads === undefined) return `${head}  (leaders unknown: the cluster does not answer)`;
  if (!leads.length) return `${head}  leads no partition`;
  const more = leads.length > shown ? ` … (+${leads.length - shown})` : '';
  return `${head}  leads ${leads.length} partition${leads.length === 1 ? '' : 's'}: ${leads.slice(0, shown).join(', ')}${more}`;
}
