/** Kafka adapter: the only module that builds kafkajs clients. Works with one local broker or a SASL/SSL cluster. */
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config';
import type { Logger } from '../log';

export function createKafka(cfg: KafkaConfig, log?: Logger, overrides: Partial<KafkaJsConfig> = {}): Kafka {
  return new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    ssl: cfg.ssl,
    // kafkajs types SASL as a union per mechanism; our config has already validated the triple.
    sasl: cfg.sasl as SASLOptions | undefined,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...rest } = entry.log;
      const fields = { ...rest } as Record<string, unknown>;
      delete fields.timestamp;
      delete fields.logger;
      if (entry.level <= KafkaLogLevel.ERROR) log.error(`kafka: ${message}`, fields);
      else log.warn(`kafka: ${message}`, fields);
    },
    ...overrides,
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
  } as const;
}
export type TopicNames = ReturnType<typeof topicNames>;
