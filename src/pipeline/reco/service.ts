/**
 * The real-time recommender: its own consumer group on the sales topic. For each sale it scores the basket,
 * publishes the enriched event to the recommendations topic and stores it in the `recommendations` collection
 * (keyed by sale_id, insert-first); a partition's offsets are committed once its sales are stored.
 *
 * Latency: a batch's publish is not awaited (the next fetch overlaps its round trip), and its events go uncompressed
 * (gzip in zlib's thread pool cost more at the 99th percentile than 2-4 kB events are worth). The store runs behind
 * the publish (one writer, batches coalesced into large inserts, offsets committed in order once stored), so a slow
 * store does not delay the topic (up to MAX_PENDING_STORES sales behind; then the consumer waits).
 * Failures: a publish or store that fails for good (after retries) drops everything not yet stored, and sends each
 * partition back to its first offset not stored (a seek), so those sales are handled again. Duplicates:
 * - a sale this process already published (a producer retry, a resend) is dropped by its sale_id;
 * - a sale that may have been handled before takes the checked path (stored first, published only if the store did
 *   not have it): one produced before this member got its partitions (the previous owner may have had it), or one
 *   handled again after a failure.
 * The collection never holds a sale twice. The topic is at-least-once: a member that loses a partition between a
 * publish and its store (crash, rebalance), or a failure part-way through a publish, can leave a sale published
 * twice; readers key by sale_id.
 * Bad sale events go to the dead-letter topic. A newly trained model is picked up without a restart (the file is
 * polled and replaced atomically by `npm run train`).
 */
import fs from 'node:fs';
import { CompressionTypes, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import { MongoBulkWriteError, type Db, type Document } from 'mongodb';
import type { Logger } from '../../log';
import { decodeEvent } from '../stream/events';
import { deadLetter, sendDeadLetters, type DeadLetter } from '../stream/dlq';
import type { TopicNames } from '../adapters/kafka';
import { collections } from '../adapters/mongo';
import { recommendationsCollection } from '../lake/slices';
import { ensureIndexes } from '../lake/write';
import { retrying } from '../adapters/retry';
import { createErpProducer } from '../stream/produce';
import { loadModel, type ItemSimModel } from './model';
import { recommend } from './score';
import { buildSaleRecommendations, encodeRecommendation, type SaleRecommendations } from './event';
import { PRODUCER_DURABILITY } from '../adapters/topic-settings';

export { recommendationsCollection };

export interface RecommenderStats {
  sales: number;
  published: number;
  alreadyStored: number;
  deadLetters: number;
  modelLoads: number;
  lastMessageAt: number;
  assignedPartitions: number;
  /** Published sales whose store has not finished yet. */
  pendingStores: number;
}

export interface RecommenderDeps {
  kafka: Kafka;
  db: Db;
  topics: TopicNames;
  log: Logger;
  modelPath: string;
}

export interface RecommenderOptions {
  groupId?: string;
  /** How often the model file is checked for a new version. */
  reloadEveryMs?: number;
  onPublished?: (r: SaleRecommendations) => void;
}

export interface RecommenderHandle {
  stats: RecommenderStats;
  stop(): Promise<void>;
  done: Promise<RecommenderStats>;
  model(): ItemSimModel;
}

const DUPLICATE_KEY = 11000;
const SEND_CHUNK = 100;
/** Sale IDs this process published, remembered to drop duplicates of them without asking the store. */
const RECENT_SALES = 100_000;
/** Documents per coalesced insert. */
const STORE_BATCH = 1_000;
/** Stores allowed to run behind the publishes before the consumer waits for them. */
const MAX_PENDING_STORES = 5_000;
/** Producers' clocks may run this far ahead of ours (see the cutoff in handleBatch). */
const CLOCK_SKEW_MS = 1_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A set that forgets its oldest entries beyond `max`. */
function createRecentSet(max: number) {
  const set = new Set<string>();
  return {
    has: (k: string) => set.has(k),
    clear: () => set.clear(),
    add(k: string) {
      set.add(k);
      if (set.size > max) set.delete(set.values().next().value as string);
    },
  };
}

/** Inserts what is new; returns the indexes of documents already stored (a redelivered sale). */
async function storeNew(db: Db, docs: Document[]): Promise<Set<number>> {
  if (!docs.length) return new Set();
  try {
    await db.collection(recommendationsCollection).insertMany(docs, { ordered: false });
    return new Set();
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    // As in the lake: only a complete answer made of duplicate keys is a success; anything else is retried.
    if (!errors.length || errors.some((e) => e.code !== DUPLICATE_KEY) || (err.result?.insertedCount ?? 0) + errors.length !== docs.length) throw err;
    return new Set(errors.map((e) => e.index));
  }
}

async function loadCustomerNames(db: Db): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const c of db.collection(collections.customers).find({}, { projection: { _id: 1, name: 1 } })) out.set(String(c._id), String(c.name));
  return out;
}

export async function startRecommender(deps: RecommenderDeps, opts: RecommenderOptions = {}): Promise<RecommenderHandle> {
  const { kafka, db, topics, log } = deps;
  const groupId = opts.groupId ?? topics.recommenderGroup;
  let model = loadModel(deps.modelPath);
  let modelMtime = fs.statSync(deps.modelPath).mtimeMs;
  const stats: RecommenderStats = { sales: 0, published: 0, alreadyStored: 0, deadLetters: 0, modelLoads: 1, lastMessageAt: Date.now(), assignedPartitions: 0, pendingStores: 0 };
  // The dashboard reads the newest recommendations first.
  await retrying(() => ensureIndexes(db, recommendationsCollection, [{ recommended_at: 1 }]), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });
  let names = await retrying(() => loadCustomerNames(db), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });
  let namesLoadedAt = Date.now();

  const reload = setInterval(() => {
    try {
      const m = fs.statSync(deps.modelPath).mtimeMs;
      if (m === modelMtime) return;
      model = loadModel(deps.modelPath);
      modelMtime = m;
      stats.modelLoads++;
      log.info('model reloaded', { trained_at: model.trained_at, items: model.item_count });
    } catch (err) {
      log.warn('model reload failed; keeping the current one', { error: (err as Error).message });
    }
  }, opts.reloadEveryMs ?? 1000);

  const producer: Producer = createErpProducer(kafka, false);
  await producer.connect();
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30000, heartbeatInterval: 3000, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.sales], fromBeginning: true });
  let joinedAt = Date.now();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joinedAt = Date.now();
    stats.assignedPartitions = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
  });

  // The stores run behind the publishes: one writer drains a queue of published batches, coalescing them into large
  // inserts (fewer server transactions), and commits each batch's offset once its documents are stored.
  interface StoreJob {
    topic: string;
    partition: number;
    /** The batch's first offset: where its partition goes back to if this job is dropped. */
    firstOffset: string;
    /** The offset committed once the job is stored (the batch's last + 1). */
    offset: string;
    docs: SaleRecommendations[];
    now: Date;
    heartbeat: () => Promise<void>;
    /** Settles when the batch's publish is acknowledged: a sale is stored only once it is on the topic. */
    published: Promise<void>;
  }
  const queue: StoreJob[] = [];
  const recent = createRecentSet(RECENT_SALES);
  let draining: Promise<void> | undefined;
  /** Per partition, offsets below which a sale was dropped unstored: handled again, they take the checked path. */
  const checkedBelow = new Map<string, bigint>();
  const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const checkBelow = (key: string, offset: bigint) => {
    if (offset > (checkedBelow.get(key) ?? -1n)) checkedBelow.set(key, offset);
  };
  const toDocument = (r: SaleRecommendations, now: Date): Document => ({ _id: r.sale_id, ...r, created_at: now });
  /** Inserts what is new, retrying what a retry can help without committing; returns the indexes already stored. */
  const store = (docs: Document[], heartbeat: () => Promise<void>) =>
    retrying(() => storeNew(db, docs), {
      onRetry: async (err) => {
        log.warn('storing recommendations failed; retrying without committing', { error: (err as Error).message });
        await heartbeat().catch(() => undefined);
      },
    });

  async function drain(): Promise<void> {
    while (queue.length) {
      const take: StoreJob[] = [];
      let n = 0;
      while (queue.length && (take.length === 0 || n + queue[0]!.docs.length <= STORE_BATCH)) {
        const job = queue.shift()!;
        take.push(job);
        n += job.docs.length;
      }
      try {
        // Not stored before it is published: the next owner would take a stored sale for a published one.
        await Promise.all(take.map((j) => j.published));
        const docs = take.flatMap((j) => j.docs.map((r) => toDocument(r, j.now)));
        if (docs.length) {
          const already = await store(docs, take[take.length - 1]!.heartbeat);
          if (already.size) log.debug('published again: already stored by an earlier owner', { sales: already.size });
        }
        // Jobs are in arrival order, so the last job of a partition holds its highest offset.
        const last = new Map(take.map((j) => [partitionKey(j.topic, j.partition), j]));
        await consumer.commitOffsets([...last.values()].map((j) => ({ topic: j.topic, partition: j.partition, offset: j.offset }))).catch((err: Error) => {
          // Lost a partition in a rebalance: the new owner starts from the last commit and stores first.
          log.warn('offset commit failed; those sales will be redelivered', { error: err.message });
        });
      } catch (err) {
        // Failed for good (a retry cannot help, or the retries ran out). Nothing after the last commit may be committed
        // now: every queued job is dropped and its partition sent back to its first offset not stored.
        const dropped = [...take, ...queue.splice(0)];
        n = dropped.reduce((k, j) => k + j.docs.length, 0);
        rewind(dropped);
        log.error('publishing or storing recommendations failed; handling them again from the last commit', { error: (err as Error).message, sales: n });
      } finally {
        stats.pendingStores -= n;
      }
    }
  }
  /**
   * Sends each partition of the dropped jobs back to the first of them (kafkajs applies a seek at its next fetch, and
   * marks batches fetched before it as stale). Their sales are forgotten as "already published", and when they come
   * again they take the checked path: stored first, published only if the store did not have them.
   */
  function rewind(dropped: StoreJob[]) {
    const from = new Map<string, StoreJob>();
    for (const j of dropped) {
      const key = partitionKey(j.topic, j.partition);
      if (!from.has(key)) from.set(key, j);
      checkBelow(key, BigInt(j.offset));
    }
    recent.clear();
    for (const j of from.values()) consumer.seek({ topic: j.topic, partition: j.partition, offset: j.firstOffset });
  }
  const enqueue = (job: StoreJob) => {
    queue.push(job);
    stats.pendingStores += job.docs.length;
    draining ??= drain().finally(() => (draining = undefined));
  };
  let active = 0;
  let stopping = false;

  const publish = async (recs: SaleRecommendations[], now: Date) => {
    // A backlog arrives in big batches; one produce request must stay under the broker's message size limit
    // (1 MB by default), and an enriched event is about 2-4 kB.
    for (let i = 0; i < recs.length; i += SEND_CHUNK) {
      await producer.send({ topic: topics.recommendations, acks: PRODUCER_DURABILITY.acks, compression: CompressionTypes.None, messages: recs.slice(i, i + SEND_CHUNK).map((r) => encodeRecommendation(r, now)) });
    }
    stats.published += recs.length;
    for (const r of recs) opts.onPublished?.(r);
  };
  async function handleBatch({ batch, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    // Stale: fetched before a rewind of its partition took effect; it comes again from the rewound offset.
    if (!batch.messages.length || stopping || isStale()) return;
    active++;
    try {
      const letters: DeadLetter[] = [];
      const checked: SaleRecommendations[] = [];
      const fast: SaleRecommendations[] = [];
      const current = model;
      // Sales produced before this member got its partitions may have been handled by the previous owner: those are
      // stored first and published only if new. Later ones cannot have been: they are published first.
      const cutoff = joinedAt + CLOCK_SKEW_MS;
      const key = partitionKey(batch.topic, batch.partition);
      const rewoundBelow = checkedBelow.get(key) ?? -1n; // see rewind()
      const inBatch = new Set<string>();
      for (const m of batch.messages) {
        const d = decodeEvent(m.value, 'sale', m.key?.toString() ?? null);
        if (!d.ok || d.kind !== 'sale') {
          letters.push(deadLetter(d.ok ? 'not a sale' : d.reason, { topic: batch.topic, partition: batch.partition, offset: m.offset }, m.key, m.value, groupId));
          continue;
        }
        const sale = d.data;
        if (recent.has(sale.sale_id) || inBatch.has(sale.sale_id)) {
          stats.alreadyStored++; // a duplicate of a sale this process already published
          continue;
        }
        inBatch.add(sale.sale_id);
        if (!names.has(sale.customer_id) && Date.now() - namesLoadedAt > 30_000) {
          names = await loadCustomerNames(db).catch(() => names);
          namesLoadedAt = Date.now();
        }
        const recs = recommend(current, sale.items.map((i) => i.product_id));
        const r = buildSaleRecommendations(sale, recs, current, { customerName: names.get(sale.customer_id) ?? null, saleProducedAt: d.producedAt });
        (Number(m.timestamp) < cutoff || BigInt(m.offset) < rewoundBelow ? checked : fast).push(r);
      }
      // Everything that can fail and make kafkajs hand this batch again happens before the publish behind.
      if (letters.length) {
        await sendDeadLetters(producer, topics.dlq, letters);
        for (const l of letters) log.warn('dead-lettered', { reason: l.reason, ...l.origin });
      }
      const now = new Date();
      if (checked.length) {
        const already = await store(checked.map((r) => toDocument(r, now)), heartbeat);
        stats.alreadyStored += already.size;
        await publish(checked.filter((_, i) => !already.has(i)), now);
      }
      // Not awaited: the next fetch overlaps the publish's round trip. The store behind waits for it; a publish that
      // fails for good drops the queue and rewinds, like a store that does.
      const published = fast.length ? publish(fast, now) : Promise.resolve();
      published.catch(() => undefined); // handled by the store behind (or here, if the batch went stale)
      const offset = BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n;
      if (isStale()) {
        checkBelow(key, offset); // a rewind came while this batch was handled: it comes again, on the checked path
        return;
      }
      for (const id of inBatch) recent.add(id);
      stats.sales += batch.messages.length - letters.length;
      stats.deadLetters += letters.length;
      stats.lastMessageAt = Date.now();

      enqueue({ topic: batch.topic, partition: batch.partition, firstOffset: batch.messages[0]!.offset, offset: offset.toString(), docs: fast, now, heartbeat, published });
      // Backpressure: when the store falls behind, wait for it (heartbeating) instead of queueing without end.
      while (stats.pendingStores > MAX_PENDING_STORES && draining) {
        await Promise.race([draining, sleep(2000)]);
        await heartbeat();
      }
      await heartbeat();
    } finally {
      active--;
    }
  }

  let resolveDone!: (s: RecommenderStats) => void;
  const done = new Promise<RecommenderStats>((res) => (resolveDone = res));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    stopping = true;
    clearInterval(reload);
    // Let the batch in hand and the stores behind finish (they commit), then leave the group.
    while (active > 0) await sleep(20);
    while (draining) await draining;
    await consumer.disconnect().catch((e) => log.warn('consumer disconnect failed', { error: (e as Error).message }));
    await producer.disconnect().catch(() => undefined);
    resolveDone(stats);
  };
  consumer.on(consumer.events.CRASH, (e) => {
    const { error, restart } = e.payload as { error: Error; restart: boolean };
    if (!restart) {
      log.error('recommender crashed and will not restart', { error: error.message });
      void stop();
    }
  });
  await consumer.run({ autoCommit: false, partitionsConsumedConcurrently: 3, eachBatch: handleBatch });
  return { stats, stop, done, model: () => model };
}
