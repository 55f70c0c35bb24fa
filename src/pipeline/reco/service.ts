/**
 * The real-time recommender: its own consumer group on the sales topic. For each sale it scores the basket,
 * stores an enriched document in the `recommendations` collection (keyed by sale_id, insert-first) and publishes
 * it to the recommendations topic; offsets are committed after both. A redelivered sale finds its document
 * already stored: nothing is written or published again. (A crash between the store and the publish leaves that
 * sale stored but unpublished; readers of the topic fall back to the collection, as the dashboard does.) Bad sale events go to the dead-letter topic. A newly trained model is
 * picked up without a restart (the file is polled and replaced atomically by `npm run train`).
 */
import fs from 'node:fs';
import { CompressionTypes, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import { MongoBulkWriteError, type Db, type Document } from 'mongodb';
import type { Logger } from '../../log';
import { decodeEvent } from '../events';
import { deadLetter, sendDeadLetters, type DeadLetter } from '../dlq';
import type { TopicNames } from '../kafka';
import { collections } from '../mongo';
import { ensureIndexes } from '../lake';
import { retrying } from '../retry';
import { createErpProducer } from '../produce';
import { loadModel, type ItemSimModel } from './model';
import { recommend } from './score';
import { buildSaleRecommendations, encodeRecommendation, type SaleRecommendations } from './event';

export const recommendationsCollection = 'recommendations';

export interface RecommenderStats {
  sales: number;
  published: number;
  alreadyStored: number;
  deadLetters: number;
  modelLoads: number;
  lastMessageAt: number;
  assignedPartitions: number;
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
  const stats: RecommenderStats = { sales: 0, published: 0, alreadyStored: 0, deadLetters: 0, modelLoads: 1, lastMessageAt: Date.now(), assignedPartitions: 0 };
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
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    stats.assignedPartitions = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
  });

  async function handleBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    if (!batch.messages.length) return;
    const letters: DeadLetter[] = [];
    const out: SaleRecommendations[] = [];
    const current = model;
    for (const m of batch.messages) {
      const d = decodeEvent(m.value, 'sale', m.key?.toString() ?? null);
      if (!d.ok || d.kind !== 'sale') {
        letters.push(deadLetter(d.ok ? 'not a sale' : d.reason, { topic: batch.topic, partition: batch.partition, offset: m.offset }, m.key, m.value, groupId));
        continue;
      }
      const sale = d.data;
      if (!names.has(sale.customer_id) && Date.now() - namesLoadedAt > 30_000) {
        names = await loadCustomerNames(db).catch(() => names);
        namesLoadedAt = Date.now();
      }
      const recs = recommend(current, sale.items.map((i) => i.product_id));
      out.push(buildSaleRecommendations(sale, recs, current, { customerName: names.get(sale.customer_id) ?? null, saleProducedAt: d.producedAt }));
    }
    if (out.length) {
      const now = new Date();
      const already = await retrying(() => storeNew(db, out.map((r) => ({ _id: r.sale_id, ...r, created_at: now }))), {
        onRetry: async (err) => {
          log.warn('storing recommendations failed; retrying without committing', { error: (err as Error).message });
          await heartbeat().catch(() => undefined);
        },
      });
      const fresh = out.filter((_, i) => !already.has(i));
      // A backlog arrives in big batches; one produce request must stay under the broker's message size limit
      // (1 MB by default), and an enriched event is about 2-4 kB.
      for (let i = 0; i < fresh.length; i += SEND_CHUNK) {
        await producer.send({ topic: topics.recommendations, acks: -1, compression: CompressionTypes.GZIP, messages: fresh.slice(i, i + SEND_CHUNK).map((r) => encodeRecommendation(r, now)) });
      }
      stats.published += fresh.length;
      stats.alreadyStored += already.size;
      for (const r of fresh) opts.onPublished?.(r);
    }
    if (letters.length) {
      await sendDeadLetters(producer, topics.dlq, letters);
      for (const l of letters) log.warn('dead-lettered', { reason: l.reason, ...l.origin });
    }
    const last = batch.messages[batch.messages.length - 1]!;
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    stats.sales += batch.messages.length - letters.length;
    stats.deadLetters += letters.length;
    stats.lastMessageAt = Date.now();
    await heartbeat();
  }

  let resolveDone!: (s: RecommenderStats) => void;
  const done = new Promise<RecommenderStats>((res) => (resolveDone = res));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(reload);
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
