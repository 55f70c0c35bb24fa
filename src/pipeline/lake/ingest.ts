/**
 * Kafka → MongoDB lake: the lake consumer group on the consumer runner; each batch's entities written insert-first by
 * business key, then committed.
 */
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { Logger } from '../../log';
import type { TopicNames } from '../adapters/kafka';
import { retrying } from '../adapters/retry';
import { connectConsumer, emptyMetrics, type ConsumerMetrics, type Received } from '../stream/consumer';
import { decodeEvent, type Decoded, type EntityKind } from '../stream/events';
import { emptyLakeWrite, writeLake } from './write';

export interface IngestStats extends ConsumerMetrics {
  /** Documents inserted or changed in the lake. */
  documents: number;
  /** Documents already stored as they were (redeliveries). */
  unchanged: number;
  lines: number;
}

export interface IngestOptions {
  /** Default: `<prefix>.lake`. */
  groupId?: string;
  /** Stop once every partition is committed up to its end and nothing new arrived for `idleMs`. */
  untilIdle?: boolean;
  idleMs?: number;
  /** Partitions processed in parallel by this consumer. */
  concurrency?: number;
  onStats?: (stats: IngestStats, lag: number | undefined) => void;
  statsEveryMs?: number;
}

export interface IngestDeps {
  kafka: Kafka;
  db: Db;
  topics: TopicNames;
  log: Logger;
}

export interface IngestHandle {
  /** Resolves when the consumer stopped (idle, stop() or a fatal error). */
  done: Promise<IngestStats>;
  stop(): Promise<void>;
  stats: IngestStats;
}

type EntityEvent = Extract<Decoded, { ok: true }>;

export async function startIngest(deps: IngestDeps, opts: IngestOptions = {}): Promise<IngestHandle> {
  const { kafka, db, topics, log } = deps;
  const kindOf: Record<string, EntityKind> = { [topics.products]: 'product', [topics.customers]: 'customer', [topics.sales]: 'sale' };
  const { messages, ...rest } = emptyMetrics();
  // In the order `npm run ingest -- --json` prints them.
  const stats: IngestStats = { messages, documents: 0, unchanged: 0, lines: 0, ...rest };

  // The consumer does not create the lake's indexes: its readers do, before they read (ensureLakeIndexes). A first
  // load into a new lake then writes bare collections, and one bulk index build afterwards costs less than keeping
  // six indexes up to date insert by insert (docs/engine.md).
  await retrying(() => db.command({ ping: 1 }), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });

  const runner = await connectConsumer<EntityEvent, IngestStats>({
    kafka,
    log,
    groupId: opts.groupId ?? topics.lakeGroup,
    topics: [topics.products, topics.customers, topics.sales],
    dlqTopic: topics.dlq,
    stats,
    consumer: { maxBytesPerPartition: 2 << 20 },
    concurrency: opts.concurrency,
    untilIdle: opts.untilIdle,
    idleMs: opts.idleMs,
    onStats: opts.onStats,
    statsEveryMs: opts.statsEveryMs,
  });
  await runner.start({
    decode: (m, topic) => {
      const d = decodeEvent(m.value, kindOf[topic]!, m.key?.toString() ?? null);
      return d.ok ? { ok: true, value: d } : d;
    },
    handle: async (received: Received<EntityEvent>[], ctx) => {
      const write = emptyLakeWrite();
      for (const { value: e } of received) {
        if (e.kind === 'product') write.products.push(e.data);
        else if (e.kind === 'customer') write.customers.push(e.data);
        else write.sales.push(e.data);
      }
      const result = await retrying(() => writeLake(db, write), {
        shouldContinue: ctx.keepGoing,
        onRetry: async (err, attempt, delay) => {
          log.warn('lake write failed; retrying without committing', { attempt, delayMs: delay, error: (err as Error).message });
          await ctx.heartbeat().catch(() => undefined);
        },
      });
      // Committed only after MongoDB acknowledged the writes (and the runner had the dead letters accepted).
      await ctx.commit();
      stats.documents += result.inserted + result.updated;
      stats.unchanged += result.unchanged;
      stats.lines += write.sales.reduce((n, x) => n + x.items.length, 0);
      return 'handled';
    },
  });
  return { done: runner.done, stop: runner.stop, stats };
}
