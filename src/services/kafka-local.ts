/** A single-node Apache Kafka (KRaft, broker+controller in one JVM) run from the Maven jars in .cache/kafka/libs. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { servicePaths } from './install';
import { formatEndpoint, formatHost, randomClusterId, type Endpoint } from './probe';
import type { Managed } from './process';

export const KAFKA_HEAP = ['-Xms256m', '-Xmx512m'];
/**
 * The JVM options Kafka's own start script uses (KAFKA_JVM_PERFORMANCE_OPTS): G1 aiming at 20 ms pauses instead of
 * its default 200 ms, which would otherwise show up in every produce and fetch that waits on a collection.
 */
export const KAFKA_JVM = ['-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15'];

export function kafkaFiles(cfg: Config) {
  const dir = path.join(cfg.paths.services, 'kafka');
  return {
    dir,
    data: path.join(dir, 'data'),
    props: path.join(dir, 'server.properties'),
    log4j: path.join(dir, 'log4j2.properties'),
  };
}

export function kafkaManaged(cfg: Config): Managed {
  const f = kafkaFiles(cfg);
  // The properties path is unique to this checkout, so another Kafka on the machine is never taken for ours.
  return { name: 'kafka', pidFile: path.join(cfg.paths.services, 'kafka.pid'), logFile: path.join(cfg.paths.services, 'kafka.log'), marker: f.props };
}

/** The controller listens on the next port after the broker (9092 → 9093). */
export const controllerPort = (broker: Endpoint): number => broker.port + 1;

/** server.properties for one loopback node. Pure: same inputs, same text. */
export function kafkaProperties(broker: Endpoint, dataDir: string): string {
  const ctl = `${formatHost(broker.host)}:${controllerPort(broker)}`;
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${ctl}`,
    listeners: `PLAINTEXT://${formatEndpoint(broker)},CONTROLLER://${ctl}`,
    'advertised.listeners': `PLAINTEXT://${formatEndpoint(broker)}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 3, // for auto-created topics; same as docker-compose.yml
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // Internal topics default to replication 3: with one node, consumers would wait for a group coordinator forever.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
    'delete.topic.enable': 'true',
    'log.retention.hours': 168,
    'log.segment.bytes': 104857600,
    // The log cleaner (compacted topics) allocates its dedupe buffer on the heap at start: 128 MB by default, a
    // quarter of this heap, kept for good. It made the collector run a marking cycle every 10-20 s with 15-26 ms
    // pauses. 16 MB still holds over 600,000 keys per pass (24 bytes a key, 90 % full).
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
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

const javaArgs = (cfg: Config, extra: string[]) => [
  '-Djava.awt.headless=true',
  `-Dlog4j2.configurationFile=${kafkaFiles(cfg).log4j}`,
  '-cp',
  path.join(servicePaths(cfg).kafkaLibs, '*'),
  ...extra,
];

/** Writes the configuration and, the first time only, formats the storage directory. Returns the java command. */
export function prepareKafka(cfg: Config, broker: Endpoint, log: Logger): { cmd: string; args: string[] } {
  const f = kafkaFiles(cfg);
  fs.mkdirSync(f.data, { recursive: true });
  fs.writeFileSync(f.props, kafkaProperties(broker, f.data));
  fs.writeFileSync(f.log4j, KAFKA_LOG4J);
  if (!fs.existsSync(path.join(f.data, 'meta.properties'))) {
    const clusterId = randomClusterId();
    log.info('formatting Kafka storage (first start only)', { dir: f.data, clusterId });
    const res = spawnSync('java', javaArgs(cfg, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', f.props]), { encoding: 'utf8' });
    if (res.status !== 0) {
      throw new Error(`Kafka storage format failed (exit ${res.status}):\n${`${res.stdout}${res.stderr}`.trim().slice(-2000)}`);
    }
  }
  // The collector's log (rotated, as Kafka's script does) shows whether a slow request waited on a pause.
  const gcLog = `-Xlog:gc*:file=${path.join(cfg.paths.services, 'kafka-gc.log')}:time,tags:filecount=3,filesize=10M`;
  return { cmd: 'java', args: [...KAFKA_HEAP, ...KAFKA_JVM, gcLog, ...javaArgs(cfg, ['kafka.Kafka', f.props])] };
}
