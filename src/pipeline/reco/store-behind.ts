/**
 * The recommender's store, behind its publishes: one writer drains the published batches into large insert-first
 * writes and commits each batch's offset once its sales are stored; a failure for good rewinds their partitions.
 */
import type { Db, Document } from 'mongodb';
import type { Logger } from '../../log';
import { insertFirst } from '../adapters/mongo';
import { retrying } from '../adapters/retry';
import { recommendationsCollection } from '../lake/slices';
import type { SaleRecommendations } from './event';

/** Documents per coalesced insert. */
const STORE_BATCH = 1_000;

export interface StoreJob {
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

export interface StoreBehindDeps {
  db: Db;
  log: Logger;
  /** Published sales whose store has not finished yet. */
  stats: { pendingStores: number };
  commit(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  seek(topic: string, partition: number, offset: string): void;
  /** Jobs were dropped and their partitions sent back: what was remembered as published is no longer sure. */
  onRewind(): void;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export const toDocument = (r: SaleRecommendations, now: Date): Document => ({ _id: r.sale_id, ...r, created_at: now });

/** Inserts what is new, retrying what a retry can help without committing; returns the positions already stored. */
export async function storeRecommendations(db: Db, log: Logger, docs: Document[], heartbeat: () => Promise<void>): Promise<Set<number>> {
  const { existing } = await retrying(() => insertFirst(db, recommendationsCollection, docs), {
    onRetry: async (err) => {
      log.warn('storing recommendations failed; retrying without committing', { error: (err as Error).message });
      await heartbeat().catch(() => undefined);
    },
  });
  return new Set(existing);
}

export function createStoreBehind(deps: StoreBehindDeps) {
  const { db, log, stats } = deps;
  const queue: StoreJob[] = [];
  let draining: Promise<void> | undefined;
  /** Per partition, offsets below which a sale was dropped unstored: handled again, they take the checked path. */
  const checkedBelow = new Map<string, bigint>();
  const checkBelow = (key: string, offset: bigint) => {
    if (offset > (checkedBelow.get(key) ?? -1n)) checkedBelow.set(key, offset);
  };

  /** The next jobs, up to STORE_BATCH documents (at least one job). */
  function takeJobs(): StoreJob[] {
    const take: StoreJob[] = [];
    let n = 0;
    while (queue.length && (take.length === 0 || n + queue[0]!.docs.length <= STORE_BATCH)) {
      const job = queue.shift()!;
      take.push(job);
      n += job.docs.length;
    }
    return take;
  }

  async function storeAndCommit(take: StoreJob[]): Promise<void> {
    // Not stored before it is published: the next owner would take a stored sale for a published one.
    await Promise.all(take.map((j) => j.published));
    const docs = take.flatMap((j) => j.docs.map((r) => toDocument(r, j.now)));
    if (docs.length) {
      const already = await storeRecommendations(db, log, docs, take[take.length - 1]!.heartbeat);
      if (already.size) log.debug('published again: already stored by an earlier owner', { sales: already.size });
    }
    // Jobs are in arrival order, so the last job of a partition holds its highest offset.
    const last = new Map(take.map((j) => [partitionKey(j.topic, j.partition), j]));
    await deps.commit([...last.values()].map((j) => ({ topic: j.topic, partition: j.partition, offset: j.offset }))).catch((err: Error) => {
      // Lost a partition in a rebalance: the new owner starts from the last commit and stores first.
      log.warn('offset commit failed; those sales will be redelivered', { error: err.message });
    });
  }

  async function drain(): Promise<void> {
    while (queue.length) {
      const take = takeJobs();
      let n = take.reduce((k, j) => k + j.docs.length, 0);
      try {
        await storeAndCommit(take);
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
    deps.onRewind();
    for (const j of from.values()) deps.seek(j.topic, j.partition, j.firstOffset);
  }

  return {
    enqueue(job: StoreJob) {
      queue.push(job);
      stats.pendingStores += job.docs.length;
      draining ??= drain().finally(() => (draining = undefined));
    },
    /** The store running now, if any. */
    draining: () => draining,
    /** Offsets of the partition below which a sale must take the checked path (see rewind). */
    checkedBelow: (key: string) => checkedBelow.get(key) ?? -1n,
    checkBelow,
  };
}
