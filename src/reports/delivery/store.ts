/**
 * Past deliveries, so that a report is delivered once: the store interface `deliverRun` asks, and its MongoDB
 * implementation over the `deliveries` arrays of the runs in `report_runs`.
 */
import type { Db } from 'mongodb';
import { runsCollection, type Delivery, type ReportRun } from '../runs/record';

export interface DeliveryStore {
  /** A successful delivery of `job` through `channel` to `target` with this content hash, or null when none. */
  findDelivered(job: string, channel: Delivery['channel'], target: string, hash: string): Promise<Delivery | null>;
}

const runs = (db: Db) => db.collection<ReportRun>(runsCollection);

/** The index the look-up uses: a job's runs by the hashes they delivered. */
export async function ensureDeliveryIndexes(db: Db): Promise<void> {
  await runs(db).createIndex({ job: 1, 'deliveries.content_hash': 1 });
}

export function mongoDeliveryStore(db: Db): DeliveryStore {
  return {
    async findDelivered(job, channel, target, hash) {
      const match = { channel, target, content_hash: hash, status: 'sent' as const };
      const run = await runs(db).findOne({ job, deliveries: { $elemMatch: match } }, { projection: { deliveries: 1 }, sort: { started_at: -1 } });
      return run?.deliveries?.find((d) => d.channel === channel && d.target === target && d.content_hash === hash && d.status === 'sent') ?? null;
    },
  };
}

/** Appends deliveries to a run's record (for a caller that does not save the whole run afterwards). */
export async function recordDeliveries(db: Db, runId: string, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length) await runs(db).updateOne({ _id: runId }, { $push: { deliveries: { $each: deliveries } } });
}
