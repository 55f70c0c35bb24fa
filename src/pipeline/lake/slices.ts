/**
 * The indexed slices the dashboards read from the lake and the recommendations collection. Each is a cursor, so a
 * test can `explain()` the very query the page runs and prove it uses its index (test/integration/indexes.test.ts).
 */
import type { Db, FindCursor } from 'mongodb';
import { collections } from '../adapters/mongo';

export const recommendationsCollection = 'recommendations';

/** One day's sales (order_date index). */
export function daySales(db: Db, date: string): FindCursor<{ sale_id: string; order_time: string; branch_name: string }> {
  return db.collection(collections.sales).find({ order_date: date }, { projection: { _id: 0, sale_id: 1, order_time: 1, branch_name: 1 } }) as never;
}

/** Recommendations stored since `since` (an ISO time), newest first (recommended_at index). */
export function recommendationsSince<T>(db: Db, since: string, limit: number): FindCursor<T> {
  return db.collection(recommendationsCollection).find({ recommended_at: { $gte: since } }, { projection: { _id: 0 } }).sort({ recommended_at: -1 }).limit(limit) as never;
}

/**
 * The latest `limit` recommendations. A sort alone does not use the index on every engine (DocumentDB sorts after a
 * full scan), so the range is bounded first, widening from an hour to a year, then unbounded as a last resort.
 */
export async function latestRecommendations<T>(db: Db, limit: number, now: Date = new Date()): Promise<T[]> {
  for (const hours of [1, 24, 24 * 30, 24 * 365]) {
    const found = await recommendationsSince<T>(db, new Date(now.getTime() - hours * 3_600_000).toISOString(), limit).toArray();
    if (found.length >= limit) return found;
  }
  return recommendationsSince<T>(db, '', limit).toArray();
}
