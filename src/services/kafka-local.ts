/**
 * The local Apache Kafka (KRaft) run from the Maven jars in .cache/kafka/libs: one node (broker+controller in one
 * JVM), or a cluster of several such nodes on loopback, each with its own ports, log directory and node id, all of
 * them controller voters (three voters ride out one node down). The shape comes from kafka-cluster.ts (pure).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { servicePaths } from './install';
import { ensureCertificates, tlsFilesIn, type TlsFiles } from './certificates';
import { ensureCredentials, kafkaCredentialsPath, LOCAL_KAFKA_USER, type LocalCredentials } from '../config/credentials';
import { checkBootstrap, kafkaHeap, kafkaNodes, kafkaProperties, parseClusterMarker, resolveBrokerCount, type ClusterMarker, type KafkaNode } from './kafka-cluster';
import { formatEndpoint, kafkaEndpoint, parseHostPort, randomClusterId, type Endpoint } from './probe';
import { runningPid, startDetached, stopManaged, type Managed } from './process';

/**
 * The JVM options Kafka's own start script uses (KAFKA_JVM_PERFORMANCE_OPTS): G1 aiming at 20 ms pauses instead of
 * its default 200 ms, which would otherwise show up in every produce and fetch that waits on a collection.
 */
export const KAFKA_JVM = ['-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15'];

/** A local Kafka: where its state lives, where its jars are, and its nodes. */
export interface LocalKafka {
  /** SERVICES_DIR: node directories, pid files, logs and the cluster marker. */
  dir: string;
  libs: string;
  nodes: KafkaNode[];
}

export interface NodeFiles {
  dir: string;
  data: string;
  props: string;
  log4j: string;
  gcLog: string;
  managed: Managed;
}

/**
 * The files of node `id` of a `brokers`-node Kafka in `servicesDir`. One node keeps the names it always had
 * (kafka/, kafka.pid, kafka.log); a cluster's nodes are kafka-<id>.
 */
export function nodeFiles(servicesDir: string, brokers: number, id: number): NodeFiles {
  const name = brokers === 1 ? 'kafka' : `kafka-${id}`;
  const dir = path.join(servicesDir, name);
  const props = path.join(dir, 'server.properties');
  return {
    dir,
    data: path.join(dir, 'data'),
    props,
    log4j: path.join(dir, 'log4j2.properties'),
    gcLog: path.join(servicesDir, `${name}-gc.log`),
    // The properties path is unique to this checkout and node, so another Kafka on the machine is never taken for ours.
    managed: { name, pidFile: path.join(servicesDir, `${name}.pid`), logFile: path.join(servicesDir, `${name}.log`), marker: props },
  };
}

export const clusterMarkerFile = (dir: string) => path.join(dir, 'kafka-cluster.json');

export function readClusterMarker(dir: string): ClusterMarker | undefined {
  const file = clusterMarkerFile(dir);
  return fs.existsSync(file) ? parseClusterMarker(fs.readFileSync(file, 'utf8'), file) : undefined;
}

/** How many brokers the cluster in `dir` was created with: its marker, 1 for a formatted single node, else unknown. */
export function existingBrokerCount(dir: string): number | undefined {
  const marker = readClusterMarker(dir);
  if (marker) return marker.brokers;
  return fs.existsSync(path.join(dir, 'kafka', 'data', 'meta.properties')) ? 1 : undefined;
}

/**
 * The local Kafka in `dir`: `requested` brokers (`up --brokers`), else as many as it was created with, else one.
 * A cluster keeps the ports it was created with; a KAFKA_BROKERS naming other ones is an error saying what to set.
 */
export function localKafkaAt(opts: { dir: string; libs: string; configured: Endpoint[]; requested?: number }): LocalKafka {
  const marker = readClusterMarker(opts.dir);
  const brokers = resolveBrokerCount(opts.requested, existingBrokerCount(opts.dir));
  const base = brokers > 1 && marker ? marker.base : opts.configured[0]!;
  const nodes = kafkaNodes(base, brokers);
  const problem = checkBootstrap(opts.configured, nodes);
  if (problem) throw new Error(problem);
  return { dir: opts.dir, libs: opts.libs, nodes };
}

export function localKafka(cfg: Config, requested?: number): LocalKafka {
  kafkaEndpoint(cfg.kafka.brokers); // a clear error for an empty list
  const configured = cfg.kafka.brokers.map((b) => parseHostPort(b));
  return localKafkaAt({ dir: cfg.paths.services, libs: servicePaths(cfg).kafkaLibs, configured, requested });
}

/**
 * Every Kafka process `up` may have started in `dir`, whatever the count asked now: the single node and the nodes
 * of the cluster its marker describes. What `down` stops.
 */
export function allKafkaManaged(dir: string): Managed[] {
  const single = nodeFiles(dir, 1, 1).managed;
  const marker = readClusterMarker(dir);
  if (!marker || marker.brokers === 1) return [single];
  return [single, ...Array.from({ length: marker.brokers }, (_, i) => nodeFiles(dir, marker.brokers, i + 1).managed)];
}

/** The brokers' TLS files (kept by reset): CA, server certificate and key, and both in one PEM key store for Kafka. */
export const kafkaTlsFiles = (dir: string): TlsFiles & { keystore: string } => {
  const f = tlsFilesIn(path.join(dir, 'kafka-tls'));
  return { ...f, keystore: path.join(f.tlsDir, 'server.pem') };
};

/** Written into a node's log directory when it was formatted with the SCRAM user: its SASL_SSL listener can open. */
const secureMarker = (f: NodeFiles) => path.join(f.data, 'erp-sasl-ssl.json');

/**
 * Whether the node opens its SASL_SSL listener: a node formatted from now on does (its SCRAM user is written at
 * format time, the only way without Kafka's admin tools); storage formatted before that does not until `reset`.
 */
export const nodeIsSecure = (k: LocalKafka, node: KafkaNode): boolean => {
  const f = filesOf(k, node);
  return fs.existsSync(secureMarker(f)) || !fs.existsSync(path.join(f.data, 'meta.properties'));
};

/** The CA, the server certificate and key store, and the SCRAM user's generated password, each made once. */
export function ensureKafkaSecurity(dir: string, log: Logger): { tls: ReturnType<typeof kafkaTlsFiles>; creds: LocalCredentials } {
  const tls = kafkaTlsFiles(dir);
  ensureCertificates(tls, log, "the Kafka brokers' SASL_SSL listener");
  if (!fs.existsSync(tls.keystore)) {
    fs.writeFileSync(tls.keystore, fs.readFileSync(tls.serverKey, 'utf8') + fs.readFileSync(tls.serverCert, 'utf8'), { mode: 0o600 });
  }
  const { creds, created } = ensureCredentials(kafkaCredentialsPath(dir), LOCAL_KAFKA_USER);
  if (created) log.info('made a local Kafka SCRAM-SHA-512 user with a generated password', { user: creds.user, file: kafkaCredentialsPath(dir) });
  return { tls, creds };
}

/** A node's files within its cluster. */
export const filesOf = (k: LocalKafka, node: KafkaNode): NodeFiles => nodeFiles(k.dir, k.nodes.length, node.id);

/** Data a reset deletes: every node's log directory and the cluster marker. */
export function kafkaDataPaths(dir: string): string[] {
  const marker = readClusterMarker(dir);
  const clusterDirs = marker && marker.brokers > 1 ? Array.from({ length: marker.brokers }, (_, i) => nodeFiles(dir, marker.brokers, i + 1).data) : [];
  return [nodeFiles(dir, 1, 1).data, ...clusterDirs, clusterMarkerFile(dir)];
}

/** Log4j 2 configuration: everything to stdout (the CLI redirects it to kafka.log), chatty loggers quieter. */
export const KAFKA_LOG4J = `status = warn
# Log4j's own shutdown hook would drop Kafka's last shutdown lines.
shutdownHook = disable
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.statechange.name = state.change.logger
logger.statechange.level = warn
`;

const javaArgs = (k: LocalKafka, f: NodeFiles, extra: string[]) => [
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${f.log4j}`,
  '-cp',
  path.join(k.libs, '*'),
  ...extra,
];

/** The cluster id every node is formatted with: a cluster's is kept in its marker, written before any node is. */
function clusterIdFor(k: LocalKafka): string | undefined {
  if (k.nodes.length === 1) return undefined;
  const marker = readClusterMarker(k.dir);
  if (marker) return marker.clusterId;
  const created: ClusterMarker = { brokers: k.nodes.length, clusterId: randomClusterId(), base: k.nodes[0]!.broker };
  fs.mkdirSync(k.dir, { recursive: true });
  fs.writeFileSync(clusterMarkerFile(k.dir), JSON.stringify(created, null, 2) + '\n');
  return created.clusterId;
}

/**
 * Writes one node's configuration and, the first time only, formats its storage with the SCRAM user. Returns the
 * java command.
 */
function prepareNode(k: LocalKafka, node: KafkaNode, clusterId: string | undefined, log: Logger): { cmd: string; args: string[] } {
  const f = filesOf(k, node);
  // Without openssl the broker still starts, plaintext only: the secure listener is an extra, not a requirement.
  let security: ReturnType<typeof ensureKafkaSecurity> | undefined;
  try {
    security = ensureKafkaSecurity(k.dir, log);
  } catch (err) {
    log.warn('starting Kafka without its SASL_SSL listener', { error: (err as Error).message });
  }
  fs.mkdirSync(f.data, { recursive: true });
  const formatted = fs.existsSync(path.join(f.data, 'meta.properties'));
  const secure = security !== undefined && (!formatted || fs.existsSync(secureMarker(f)));
  fs.writeFileSync(f.props, kafkaProperties(node, k.nodes, f.data, secure ? { keystore: security!.tls.keystore } : undefined));
  fs.writeFileSync(f.log4j, KAFKA_LOG4J);
  if (!formatted) {
    const id = clusterId ?? randomClusterId();
    const creds = security?.creds;
    log.info('formatting Kafka storage (first start only)', { node: node.id, dir: f.data, clusterId: id, scramUser: creds?.user ?? 'none' });
    // The password is on this short-lived command line (loopback, our own user): Kafka has no other way to create
    // a SCRAM user without its admin tools. The generated password is base64url, safe inside [...].
    const scram = creds ? ['--add-scram', `SCRAM-SHA-512=[name=${creds.user},password=${creds.password}]`] : [];
    const res = spawnSync('java', javaArgs(k, f, ['kafka.tools.StorageTool', 'format', '-t', id, '-c', f.props, ...scram]), { encoding: 'utf8' });
    if (res.status !== 0) {
      const out = creds ? `${res.stdout}${res.stderr}`.split(creds.password).join('***') : `${res.stdout}${res.stderr}`;
      throw new Error(`Kafka storage format failed for node ${node.id} (exit ${res.status}):\n${out.trim().slice(-2000)}`);
    }
    if (creds) fs.writeFileSync(secureMarker(f), JSON.stringify({ user: creds.user, mechanism: 'SCRAM-SHA-512', formattedAt: new Date().toISOString() }) + '\n');
  }
  // The collector's log (rotated, as Kafka's script does) shows whether a slow request waited on a pause.
  const gcLog = `-Xlog:gc*:file=${f.gcLog}:time,tags:filecount=3,filesize=10M`;
  return { cmd: 'java', args: [...kafkaHeap(k.nodes.length), ...KAFKA_JVM, gcLog, ...javaArgs(k, f, ['kafka.Kafka', f.props])] };
}

/** Starts one node unless it runs; returns its pid. */
export function startNode(k: LocalKafka, node: KafkaNode, log: Logger): number {
  const f = filesOf(k, node);
  const running = runningPid(f.managed);
  if (running !== undefined) return running;
  const { cmd, args } = prepareNode(k, node, clusterIdFor(k), log);
  const pid = startDetached(f.managed, cmd, args, { cwd: k.dir });
  log.info(`started ${f.managed.name}`, { pid, endpoint: formatEndpoint(node.broker), log: f.managed.logFile });
  return pid;
}

/** Starts every node that does not run; returns their pids (running ones included). */
export function startKafka(k: LocalKafka, log: Logger): number[] {
  return k.nodes.map((n) => startNode(k, n, log));
}

/** Stops every node of `k` that `startNode` started (clean shutdown, SIGKILL after 30 s). */
export async function stopKafka(k: LocalKafka): Promise<void> {
  await Promise.all(k.nodes.map((n) => stopManaged(filesOf(k, n).managed)));
}

/** Every port the nodes listen on, with the process that owns it (a busy port is only ours while it runs). */
export function kafkaPorts(k: LocalKafka): [number, Managed][] {
  return k.nodes.flatMap((n) => {
    const m = filesOf(k, n).managed;
    const ports: [number, Managed][] = [[n.broker.port, m], [n.controller.port, m]];
    if (nodeIsSecure(k, n)) ports.push([n.secure.port, m]);
    return ports;
  });
}
