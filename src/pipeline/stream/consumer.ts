/**
 * One consumer group member, the runner the lake ingest and the recommender share: batches decoded, bad messages
 * dead-lettered, offsets committed only after the handler's write, a stop when caught up, a graceful stop, metrics.
 */
import type { Batch, Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '../../log';
import { createErpProducer, fetchLag } from '../adapters/kafka';
import { deadLetter, sendDeadLetters, type DeadLetter } from './dlq';

/** What every consumer counts; a service's own stats object extends it and the runner keeps these fields. */
export interface ConsumerMetrics {
  /** Messages of the batches handled (dead letters included). */
  messages: number;
  deadLetters: number;
  batches: number;
  /** Partitions this member holds after the last rebalance. */
  assignedPartitions: number;
  startedAt: number;
  lastMessageAt: number;
}

export const emptyMetrics = (now = Date.now()): ConsumerMetrics => ({ messages: 0, deadLetters: 0, batches: 0, assignedPartitions: 0, startedAt: now, lastMessageAt: now });

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A message that decoded, with the message it came from. */
export interface Received<T> {
  value: T;
  message: KafkaMessage;
}

export interface BatchContext {
  batch: Pick<Batch, 'topic' | 'partition' | 'messages'>;
  heartbeat(): Promise<void>;
  isStale(): boolean;
  /** False once the batch went stale, the consumer is stopping or kafkajs stopped it: retries should give up. */
  keepGoing(): boolean;
  /** Commits the batch: its last offset + 1. Call it once its writes are acknowledged. */
  commit(): Promise<void>;
}

/**
 * `handled`: the batch is done (committed by `ctx.commit()`, or by the handler later, see ConsumerRunner.commit) and
 * counted. `again`: it comes again (a rewind went past it): not counted.
 */
export type BatchOutcome = 'handled' | 'again';

export interface ConsumerRunnerOptions<S extends ConsumerMetrics> {
  kafka: Kafka;
  log: Logger;
  groupId: string;
  topics: string[];
  /** Where dead letters go. */
  dlqTopic: string;
  /** The service's stats: the runner keeps the ConsumerMetrics fields up to date. */
  stats: S;
  /** Consumer settings over the shared ones (session timeout, heartbeats). */
  consumer?: Partial<ConsumerConfig>;
  /** Partitions handled side by side by this member. */
  concurrency?: number;
  /** Stop once every partition is committed up to its end and nothing new arrived for `idleMs`. */
  untilIdle?: boolean;
  idleMs?: number;
  onStats?: (stats: S, lag: number | undefined) => void;
  statsEveryMs?: number;
  /**
   * Called by stop() once new batches are refused and before the group is left, to finish what runs behind;
   * `inFlight` counts the batches still being handled.
   */
  drain?: (inFlight: () => number) => Promise<void>;
}

/** How a service reads its messages and writes what they say. */
export interface BatchHandler<T> {
  /** A message's value, or the reason it goes to the dead-letter topic. */
  decode(message: KafkaMessage, topic: string): Decoded<T>;
  /** Writes a batch's decoded messages (after its dead letters were accepted) and commits (ctx.commit) after the write. */
  handle(received: Received<T>[], ctx: BatchContext): Promise<BatchOutcome>;
}

export interface ConsumerRunner<T, S> {
  /** Starts consuming (the group is joined now); resolves once kafkajs runs. */
  start(handler: BatchHandler<T>): Promise<void>;
  stats: S;
  /** The runner's producer (dead letters), for a service that publishes too. */
  producer: Producer;
  /** When this member last joined the group (after a rebalance too). */
  joinedAt(): number;
  /** Commits offsets a handler left for later (`handled` without ctx.commit()). */
  commit(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  /** Sends a partition back to `offset` (kafkajs applies it at its next fetch, and marks batches fetched before it stale). */
  seek(topic: string, partition: number, offset: string): void;
  /** Resolves when the consumer stopped: idle, stop(), or a crash kafkajs does not restart (logged as an error). */
  done: Promise<S>;
  stop(): Promise<void>;
}

/** Connects and subscribes from the beginning; `start` runs the handler until stopped. */
export async function connectConsumer<T, S extends ConsumerMetrics>(opts: ConsumerRunnerOptions<S>): Promise<ConsumerRunner<T, S>> {
  const { kafka, log, groupId, topics, stats } = opts;
  const producer = createErpProducer(kafka, false);
  await producer.connect();
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30000, heartbeatInterval: 3000, ...opts.consumer });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });

  let joinedAt = Date.now();
  let active = 0;
  let stopping = false;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joinedAt = Date.now();
    stats.assignedPartitions = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
    log.debug('joined group', { groupId, partitions: stats.assignedPartitions });
  });

  const handleBatch = async (handler: BatchHandler<T>, { batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    // Stale: fetched before a seek of its partition took effect; it comes again from there.
    if (!batch.messages.length || stopping || isStale()) return;
    active++;
    // A big batch on a slow server can take longer than the session timeout: keep the membership alive meanwhile,
    // or the group rebalances under us and the commit fails.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3000);
    try {
      const { received, letters } = decodeBatch(handler, batch, groupId);
      if (letters.length) {
        await sendDeadLetters(producer, opts.dlqTopic, letters);
        for (const l of letters) log.warn('dead-lettered', { reason: l.reason, ...l.origin });
      }
      const last = batch.messages[batch.messages.length - 1]!;
      const ctx: BatchContext = {
        batch,
        heartbeat,
        isStale,
        keepGoing: () => isRunning() && !isStale(),
        commit: () => consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]),
      };
      if ((await handler.handle(received, ctx)) === 'again') return;
      stats.messages += batch.messages.length;
      stats.deadLetters += letters.length;
      stats.batches++;
      stats.lastMessageAt = Date.now();
      await heartbeat();
    } finally {
      clearInterval(beat);
      active--;
    }
  };

  let resolveDone!: (s: S) => void;
  const done = new Promise<S>((res) => (resolveDone = res));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    stopping = true;
    clearInterval(timer);
    await opts.drain?.(() => active);
    await consumer.disconnect().catch((e) => log.warn('consumer disconnect failed', { error: (e as Error).message }));
    await producer.disconnect().catch(() => undefined);
    resolveDone(stats);
  };
  consumer.on(consumer.events.CRASH, (e) => {
    const { error, restart } = e.payload as { error: Error; restart: boolean };
    if (restart) log.warn('consumer crashed; kafkajs restarts it', { error: error.message });
    else {
      log.error('consumer crashed and will not restart', { error: error.message });
      void stop();
    }
  });

  return {
    async start(handler) {
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: opts.concurrency ?? 3, eachBatch: (p) => handleBatch(handler, p) });
      if (opts.untilIdle || opts.onStats) timer = watchLag(opts, () => stopped, stop);
    },
    stats,
    producer,
    joinedAt: () => joinedAt,
    commit: (offsets) => consumer.commitOffsets(offsets),
    seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
    done,
    stop,
  };
}

/** A batch's messages decoded, and dead letters (with their origin) for those that did not decode. */
function decodeBatch<T>(handler: BatchHandler<T>, batch: Batch, groupId: string): { received: Received<T>[]; letters: DeadLetter[] } {
  const received: Received<T>[] = [];
  const letters: DeadLetter[] = [];
  for (const message of batch.messages) {
    const d = handler.decode(message, batch.topic);
    if (d.ok) received.push({ value: d.value, message });
    else letters.push(deadLetter(d.reason, { topic: batch.topic, partition: batch.partition, offset: message.offset }, message.key, message.value, groupId));
  }
  return { received, letters };
}

/** Every `statsEveryMs`: the group's lag to onStats, and a stop once caught up when `untilIdle`. */
function watchLag<S extends ConsumerMetrics>(opts: ConsumerRunnerOptions<S>, stopped: () => boolean, stop: () => Promise<void>): NodeJS.Timeout {
  const idleMs = opts.idleMs ?? 3000;
  let checking = false;
  return setInterval(async () => {
    if (checking || stopped()) return;
    checking = true;
    try {
      const lag = (await fetchLag(opts.kafka, opts.groupId, opts.topics)).total;
      opts.onStats?.(opts.stats, lag);
      if (opts.untilIdle && lag === 0 && Date.now() - opts.stats.lastMessageAt >= idleMs) {
        opts.log.info('caught up; stopping', { messages: opts.stats.messages, deadLetters: opts.stats.deadLetters });
        await stop();
      }
    } catch (err) {
      opts.log.warn('lag check failed', { error: (err as Error).message });
    } finally {
      checking = false;
    }
  }, opts.statsEveryMs ?? 1000);
}
