/**
 * The statistics of the lines for any set of months, in the shape `sales_statistics` holds them for all time,
 * from those months' stored parts (`sales_statistics_parts`, grain: one document per month, company-wide).
 */
import type { Db, Document } from 'mongodb';
import { marts } from './build';
import { buildStatisticsDocs, partFromDocument, type PartDocument } from './statistics';

/** The statistics documents by `_id`; `months` null: the mart's own, of all time. Empty when no line falls in them. */
export async function readStatistics(db: Db, months: readonly string[] | null): Promise<Record<string, Document>> {
  if (months === null) {
    const docs = await db.collection(marts.statistics).find({}).toArray();
    return Object.fromEntries(docs.map((d) => [String(d._id), d]));
  }
  const parts = await db.collection<PartDocument>(marts.statisticsParts).find({ _id: { $in: [...months] } }).toArray();
  // `monthly` (growth against other months) is the daily mart's to answer, not a subset's: left out.
  const docs = buildStatisticsDocs(parts.map(partFromDocument), []).filter((d) => d._id !== 'monthly');
  return Object.fromEntries(docs.map((d) => [d._id, d as Document]));
}
