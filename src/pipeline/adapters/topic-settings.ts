/**
 * How durable the pipeline's topics and producers are, in one place: the local broker, the local three-broker
 * cluster and a configured cluster (Confluent Cloud, MSK, your own) all get the same rules. Pure.
 */

/** Replicas beyond three buy little and cost a copy of every byte on every broker. */
export const MAX_REPLICATION_FACTOR = 3;

export interface Durability {
  replicationFactor: number;
  /**
   * Replicas that must have a write before `acks=all` answers. 2 of 3: one broker may die (or restart) without
   * losing an acknowledged write and without stopping producers. With 1 or 2 replicas, 1: a single broker down
   * must not stop every producer.
   */
  minInsyncReplicas: number;
}

/** The replication of a cluster of `brokers` brokers: min(3, brokers), min.insync.replicas 2 from three replicas on. */
export function durabilityFor(brokers: number, replicationFactor?: number): Durability {
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`a Kafka cluster needs at least one broker, got ${brokers}`);
  const rf = replicationFactor ?? Math.min(MAX_REPLICATION_FACTOR, brokers);
  if (rf > brokers) {
    throw new Error(`KAFKA_REPLICATION_FACTOR=${rf} is more than the ${brokers} broker(s) the cluster has: unset it (the default is min(3, brokers)) or set it to at most ${brokers}`);
  }
  return { replicationFactor: rf, minInsyncReplicas: rf >= 3 ? 2 : 1 };
}

/**
 * What every producer of the pipeline uses, and why:
 * - acks -1 (all in-sync replicas): an acknowledged write survives the loss of its leader;
 * - idempotent, one request in flight: a batch retried after a lost answer is written once, in order.
 * kafkajs forbids idempotence with any other acks, so the two are stated together.
 */
export const PRODUCER_DURABILITY = { acks: -1, idempotent: true, maxInFlightRequests: 1 } as const;

export interface TopicSpec {
  topic: string;
  compacted: boolean;
}

export interface TopicSettings extends Durability {
  partitions: number;
}

/** The topic configuration entries the project sets when it creates a topic. */
export function topicConfigEntries(spec: TopicSpec, settings: TopicSettings): { name: string; value: string }[] {
  return [
    ...(spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
    { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
  ];
}

/**
 * One line per topic an administrator must create when the project may not: its name, partitions, replication and
 * configuration, as `kafka-topics.sh --create` takes them.
 */
export function describeTopicsToCreate(specs: readonly TopicSpec[], settings: TopicSettings): string[] {
  return specs.map((s) => {
    const configs = topicConfigEntries(s, settings).map((e) => `--config ${e.name}=${e.value}`).join(' ');
    return `${s.topic}  --partitions ${settings.partitions} --replication-factor ${settings.replicationFactor} ${configs}`;
  });
}

/** Kafka's error types for a request the credentials are not allowed to make. */
const AUTHORIZATION_ERRORS = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED']);

/** True when kafkajs's error (or every error it aggregates) says the credentials may not do it. */
export function isAuthorizationError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && AUTHORIZATION_ERRORS.has(e.type)) return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isAuthorizationError(x));
}

export class TopicCreationRefusedError extends Error {
  override name = 'TopicCreationRefusedError';
  /** Retrying cannot help: the rights or the topics must change first. */
  readonly retriable = false;
  constructor(readonly topics: string[], lines: string[], cause: string) {
    super(
      `Kafka refused to create the topic(s) ${topics.join(', ')} (${cause}): these credentials may not create topics. ` +
        `Ask an administrator to create them (or grant CREATE on them to KAFKA_SASL_USERNAME), then run again:\n` +
        lines.map((l) => `  kafka-topics.sh --bootstrap-server <KAFKA_BROKERS> --create --topic ${l}`).join('\n'),
    );
  }
}
