/** What every pipeline CLI needs: config, logger, Kafka client, topic names, MongoDB, and a clean shutdown. */
import type { Kafka } from 'kafkajs';
import { loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../log';
import { createKafka, ensureTopics, topicNames, topicPlan, type TopicNames } from '../pipeline/adapters/kafka';
import { connectMongo, type MongoHandle } from '../pipeline/adapters/mongo';
import { checkKafkaSettings } from '../services/health';

export interface PipelineContext {
  cfg: Config;
  log: Logger;
  kafka: Kafka;
  topics: TopicNames;
}

export function createContext(scope: string, cfg: Config = loadConfig()): PipelineContext {
  const log = createLogger(cfg.logLevel, scope);
  return { cfg, log, kafka: createKafka(cfg.kafka, log.child('kafka')), topics: topicNames(cfg.kafka.topicPrefix) };
}

/** Checks the Kafka settings (failing at once with the one to fix), then creates the topics that are missing. */
export async function prepareTopics(ctx: PipelineContext): Promise<void> {
  await checkKafkaSettings(ctx.cfg);
  const { created, settings } = await ensureTopics(ctx.kafka, topicPlan(ctx.topics), ctx.cfg.kafka.partitions, ctx.cfg.kafka.replicationFactor);
  if (created.length) ctx.log.info('created topics', { topics: created.join(','), ...settings });
}

export async function openMongo(ctx: PipelineContext): Promise<MongoHandle> {
  return connectMongo(ctx.cfg.mongo);
}

/** First Ctrl-C (or SIGTERM) asks to stop gracefully; a second one exits at once. */
export function stopSignal(log: Logger): AbortController {
  const ctrl = new AbortController();
  let first = 0;
  const handler = (sig: string) => {
    // tsx relays the terminal's signal to its child, so one Ctrl-C can arrive twice within a few milliseconds.
    if (ctrl.signal.aborted && Date.now() - first < 1000) return;
    if (ctrl.signal.aborted) {
      log.warn(`${sig} again: exiting now`);
      process.exit(130);
    }
    log.info(`${sig}: finishing the batch in flight, flushing and stopping (Ctrl-C again to force)`);
    first = Date.now();
    ctrl.abort();
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  return ctrl;
}
