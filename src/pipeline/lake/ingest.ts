/**
 * Kafka → MongoDB lake. A consumer group over the entity topics: each batch is decoded, bad messages go to the
 * dead-letter topic with their reason and origin, good ones are upserted by business key, and only then is the
 * batch's offset committed. A crash anywhere before the commit means redelivery, which the upserts absorb: nothing
 * is lost and nothing is duplicated. Any number of consumers may share the group; Kafka splits the partitions.
 */
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Db } from 'mongodb';
import type { Logger } from '../../log';
import { decodeEvent, type EntityKind } from '../stream/events';
import { deadLetter, sendDeadLetters, type DeadLetter } from '../stream/dlq';
import { emptyLakeWrite, writeLake } from './write';
import { fetchLag, type TopicNames } from '../adapters/kafka';
import { retrying } from '../adapters/retry';
import { createErpProducer } from '../stream/produce';

export interface IngestStats {
  messages: number;
  /** Documents inserted or changed in the lake. */
  documents: number;
  /** Documents already stored as they were (redeliveries). */
  unchanged: number;
  lines: number;
  deadLetters: number;
  batches: number;
  /** Partitions this consumer holds after the last rebalance. */
  assignedPartitions: number;
  startedAt: number;
  lastMessageAt: number;
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

export async function startIngest(deps: IngestDeps, opts: IngestOptions = {}): Promise<IngestHandle> {
  const { kafka, db, topics, log } = deps;
  const groupId = opts.groupId ?? topics.lakeGroup;
  const kindOf: Record<string, EntityKind> = { [topics.products]: 'product', [topics.customers]: 'customer', [topics.sales]: 'sale' };
  const stats: IngestStats = { messages: 0, documents: 0, unchanged: 0, lines: 0, deadLetters: 0, batches: 0, assignedPartitions: 0, startedAt: Date.now(), lastMessageAt: Date.now() };

  // The consumer does not create the lake's indexes: its readers do, before they read (ensureLakeIndexes). A first
  // load into a new lake then writes bare collections, and one bulk index build afterwards costs less than keeping
  // six indexes up to date insert by insert (docs/engine.md).
  await retrying(() => db.command({ ping: 1 }), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30000, heartbeatInterval: 3000, maxBytesPerPartition: 2 << 20 });
  const dlqProducer: Producer = createErpProducer(kafka, false);
  await dlqProducer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.products, topics.customers, topics.sales], fromBeginning: true });

  async function handleBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!batch.messages.length) return;
    const kind = kindOf[batch.topic]!;
    const write = emptyLakeWrite();
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      const decoded = decodeEvent(m.value, kind, m.key?.toString() ?? null);
      if (!decoded.ok) {
        letters.push(deadLetter(decoded.reason, { topic: batch.topic, partition: batch.partition, offset: m.offset }, m.key, m.value, groupId));
      } else if (decoded.kind === 'product') write.products.push(decoded.data);
      else if (decoded.kind === 'customer') write.customers.push(decoded.data);
      else write.sales.push(decoded.data);
    }
    const keepGoing = () => isRunning() && !isStale();
    // A big batch on a slow server can take longer than the session timeout: keep the membership alive meanwhile,
    // or the group rebalances under us and the commit below fails.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3000);
    const result = await retrying(() => writeLake(db, write), {
      shouldContinue: keepGoing,
      onRetry: async (err, attempt, delay) => {
        log.warn('lake write failed; retrying without committing', { attempt, delayMs: delay, error: (err as Error).message });
        await heartbeat().catch(() => undefined);
      },
    }).finally(() => clearInterval(beat));
    if (letters.length) {
      await sendDeadLetters(dlqProducer, topics.dlq, letters);
      for (const l of letters) log.warn('dead-lettered', { reason: l.reason, ...l.origin });
    }
    // Commit only after MongoDB acknowledged the writes and the dead letters were accepted.
    const last = batch.messages[batch.messages.length - 1]!;
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    stats.messages += batch.messages.length;
    stats.documents += result.inserted + result.updated;
    stats.unchanged += result.unchanged;
    stats.lines += write.sales.reduce((s, x) => s + x.items.length, 0);
    stats.deadLetters += letters.length;
    stats.batches++;
    stats.lastMessageAt = Date.now();
    await heartbeat();
  }

  let resolveDone!: (s: IngestStats) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<IngestStats>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await consumer.disconnect().catch((e) => log.warn('consumer disconnect failed', { error: (e as Error).message }));
    await dlqProducer.disconnect().catch(() => undefined);
    resolveDone(stats);
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    stats.assignedPartitions = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
    log.debug('joined group', { groupId, partitions: stats.assignedPartitions });
  });
  consumer.on(consumer.events.CRASH, (e) => {
    const { error, restart } = e.payload as { error: Error; restart: boolean };
    if (restart) log.warn('consumer crashed; kafkajs restarts it', { error: error.message });
    else {
      log.error('consumer crashed and will not restart', { error: error.message });
      void stop().then(() => rejectDone(error));
    }
  });

  await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: opts.concurrency ?? 3, eachBatch: handleBatch });

  const idleMs = opts.idleMs ?? 3000;
  let checking = false;
  const timer: NodeJS.Timeout = setInterval(async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const needLag = opts.untilIdle || opts.onStats;
      const lag = needLag ? (await fetchLag(kafka, groupId, [topics.products, topics.customers, topics.sales])).total : undefined;
      opts.onStats?.(stats, lag);
      if (opts.untilIdle && lag === 0 && Date.now() - stats.lastMessageAt >= idleMs) {
        log.info('caught up; stopping', { messages: stats.messages, deadLetters: stats.deadLetters });
        await stop();
      }
    } catch (err) {
      log.warn('lag check failed', { error: (err as Error).message });
    } finally {
      checking = false;
    }
  }, opts.statsEveryMs ?? 1000);

  return { done, stop, stats };
}
