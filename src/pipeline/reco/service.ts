/**
 * The real-time recommender: its own consumer group on the sales topic. Each sale's basket is scored, published to
 * the recommendations topic and stored in `recommendations` (keyed by sale_id); docs/architecture.md tells how.
 */
import fs from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { Logger } from '../../log';
import { compressionCodec, type TopicNames } from '../adapters/kafka';
import { collections } from '../adapters/mongo';
import { retrying } from '../adapters/retry';
import { PRODUCER_DURABILITY } from '../adapters/topic-settings';
import { recommendationsCollection } from '../lake/slices';
import { ensureIndexes } from '../lake/write';
import { connectConsumer, emptyMetrics, type BatchContext, type BatchHandler, type ConsumerMetrics, type Received } from '../stream/consumer';
import { decodeEvent } from '../stream/events';
import type { SaleWithItems } from '../core/entities';
import { buildSaleRecommendations, encodeRecommendation, type SaleRecommendations } from './event';
import { loadModel, type ItemSimModel } from './model';
import { recommend } from './score';
import { createStoreBehind, partitionKey, storeRecommendations, toDocument } from './store-behind';

export { recommendationsCollection };

export interface RecommenderStats extends ConsumerMetrics {
  sales: number;
  published: number;
  alreadyStored: number;
  modelLoads: number;
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

type SaleEvent = { sale: SaleWithItems; producedAt: string };

const SEND_CHUNK = 100;
/** Sale IDs this process published, remembered to drop duplicates of them without asking the store. */
const RECENT_SALES = 100_000;
/** Stores allowed to run behind the publishes before the consumer waits for them. */
const MAX_PENDING_STORES = 5_000;
/** Producers' clocks may run this far ahead of ours (see the cutoff in scoreBatch). */
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

async function loadCustomerNames(db: Db): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const c of db.collection(collections.customers).find({}, { projection: { _id: 1, name: 1 } })) out.set(String(c._id), String(c.name));
  return out;
}

/** Customers' names, read again (at most every 30 s) when a sale names one not known yet. */
async function customerNames(db: Db, log: Logger) {
  let names = await retrying(() => loadCustomerNames(db), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });
  let loadedAt = Date.now();
  return async (customerId: string): Promise<string | null> => {
    if (!names.has(customerId) && Date.now() - loadedAt > 30_000) {
      names = await loadCustomerNames(db).catch(() => names);
      loadedAt = Date.now();
    }
    return names.get(customerId) ?? null;
  };
}

/** The model file, polled: a newly trained model (replaced atomically by `npm run train`) is picked up without a restart. */
function watchModel(file: string, everyMs: number, log: Logger, onLoad: () => void) {
  let model = loadModel(file);
  let mtime = fs.statSync(file).mtimeMs;
  const timer = setInterval(() => {
    try {
      const m = fs.statSync(file).mtimeMs;
      if (m === mtime) return;
      model = loadModel(file);
      mtime = m;
      onLoad();
      log.info('model reloaded', { trained_at: model.trained_at, items: model.item_count });
    } catch (err) {
      log.warn('model reload failed; keeping the current one', { error: (err as Error).message });
    }
  }, everyMs);
  return { current: () => model, stop: () => clearInterval(timer) };
}

export async function startRecommender(deps: RecommenderDeps, opts: RecommenderOptions = {}): Promise<RecommenderHandle> {
  const { kafka, db, topics, log } = deps;
  const stats: RecommenderStats = { ...emptyMetrics(), sales: 0, published: 0, alreadyStored: 0, modelLoads: 1, pendingStores: 0 };
  const model = watchModel(deps.modelPath, opts.reloadEveryMs ?? 1000, log, () => stats.modelLoads++);
  // The dashboard reads the newest recommendations first.
  await retrying(() => ensureIndexes(db, recommendationsCollection, [{ recommended_at: 1 }]), { onRetry: (e) => log.warn('MongoDB not reachable yet, retrying', { error: (e as Error).message }) });
  const nameOf = await customerNames(db, log);

  const runner = await connectConsumer<SaleEvent, RecommenderStats>({
    kafka,
    log,
    groupId: opts.groupId ?? topics.recommenderGroup,
    topics: [topics.sales],
    dlqTopic: topics.dlq,
    stats,
    consumer: { maxWaitTimeInMs: 50 },
    // Let the batch in hand and the stores behind finish (they commit), then leave the group.
    drain: async (inFlight) => {
      model.stop();
      while (inFlight() > 0) await sleep(20);
      while (behind.draining()) await behind.draining();
    },
  });
  const recent = createRecentSet(RECENT_SALES);
  const behind = createStoreBehind({ db, log, stats, commit: runner.commit, seek: runner.seek, onRewind: () => recent.clear() });

  const publish = async (recs: SaleRecommendations[], now: Date) => {
    // A backlog arrives in big batches; one produce request must stay under the broker's message size limit
    // (1 MB by default), and an enriched event is about 2-4 kB. Uncompressed: gzip in zlib's thread pool cost more
    // at the 99th percentile than 2-4 kB events are worth.
    for (let i = 0; i < recs.length; i += SEND_CHUNK) {
      await runner.producer.send({ topic: topics.recommendations, acks: PRODUCER_DURABILITY.acks, compression: compressionCodec('none'), messages: recs.slice(i, i + SEND_CHUNK).map((r) => encodeRecommendation(r, now)) });
    }
    stats.published += recs.length;
    for (const r of recs) opts.onPublished?.(r);
  };
  await runner.start(createSaleHandler({ db, log, stats, model: model.current, nameOf, recent, behind, publish, joinedAt: runner.joinedAt }));
  return { stats, stop: runner.stop, done: runner.done, model: model.current };
}

interface Recommending {
  db: Db;
  log: Logger;
  stats: RecommenderStats;
  model: () => ItemSimModel;
  nameOf: (customerId: string) => Promise<string | null>;
  recent: ReturnType<typeof createRecentSet>;
  behind: ReturnType<typeof createStoreBehind>;
  publish: (recs: SaleRecommendations[], now: Date) => Promise<void>;
  joinedAt: () => number;
}

/** Reads sale events; scores each new sale, publishes it and has it stored (see handleSales for the two paths). */
function createSaleHandler(deps: Recommending): BatchHandler<SaleEvent> {
  const { db, log, stats, recent, behind, publish, nameOf } = deps;
  /**
   * Scores the batch's new sales. Sales produced before this member got its partitions may have been handled by the
   * previous owner, and sales below a rewind were dropped unstored: those go on the checked path (stored first,
   * published only if new). Later ones cannot have been: they go on the fast path (published first).
   */
  async function scoreBatch(received: Received<SaleEvent>[], ctx: BatchContext) {
    const checked: SaleRecommendations[] = [];
    const fast: SaleRecommendations[] = [];
    const current = deps.model();
    const cutoff = deps.joinedAt() + CLOCK_SKEW_MS;
    const rewoundBelow = behind.checkedBelow(partitionKey(ctx.batch.topic, ctx.batch.partition));
    const inBatch = new Set<string>();
    for (const { value: { sale, producedAt }, message: m } of received) {
      if (recent.has(sale.sale_id) || inBatch.has(sale.sale_id)) {
        stats.alreadyStored++; // a duplicate of a sale this process already published
        continue;
      }
      inBatch.add(sale.sale_id);
      const recs = recommend(current, sale.items.map((i) => i.product_id));
      const r = buildSaleRecommendations(sale, recs, current, { customerName: await nameOf(sale.customer_id), saleProducedAt: producedAt });
      (Number(m.timestamp) < cutoff || BigInt(m.offset) < rewoundBelow ? checked : fast).push(r);
    }
    return { checked, fast, inBatch };
  }

  async function handleSales(received: Received<SaleEvent>[], ctx: BatchContext): Promise<'handled' | 'again'> {
    const { batch, heartbeat } = ctx;
    const { checked, fast, inBatch } = await scoreBatch(received, ctx);
    const now = new Date();
    if (checked.length) {
      const already = await storeRecommendations(db, log, checked.map((r) => toDocument(r, now)), heartbeat);
      stats.alreadyStored += already.size;
      await publish(checked.filter((_, i) => !already.has(i)), now);
    }
    // Not awaited: the next fetch overlaps the publish's round trip. The store behind waits for it; a publish that
    // fails for good drops the queue and rewinds, like a store that does.
    const published = fast.length ? publish(fast, now) : Promise.resolve();
    published.catch(() => undefined); // handled by the store behind (or here, if the batch went stale)
    const offset = BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n;
    if (ctx.isStale()) {
      behind.checkBelow(partitionKey(batch.topic, batch.partition), offset); // a rewind came while this batch was handled: it comes again, on the checked path
      return 'again';
    }
    for (const id of inBatch) recent.add(id);
    stats.sales += received.length;
    behind.enqueue({ topic: batch.topic, partition: batch.partition, firstOffset: batch.messages[0]!.offset, offset: offset.toString(), docs: fast, now, heartbeat, published });
    // Backpressure: when the store falls behind, wait for it (heartbeating) instead of queueing without end.
    while (stats.pendingStores > MAX_PENDING_STORES && behind.draining()) {
      await Promise.race([behind.draining(), sleep(2000)]);
      await heartbeat();
    }
    return 'handled';
  }

  return {
    decode: (m) => {
      const d = decodeEvent(m.value, 'sale', m.key?.toString() ?? null);
      if (!d.ok) return d;
      return d.kind === 'sale' ? { ok: true, value: { sale: d.data, producedAt: d.producedAt } } : { ok: false, reason: 'not a sale' };
    },
    handle: handleSales,
  };
}
