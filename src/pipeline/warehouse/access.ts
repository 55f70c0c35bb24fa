/**
 * How the warehouse and the reports read the lake: every grouping is one aggregation run by the server (`$match` on
 * indexed fields, then one `$group` with all its sums), and every row read is a filtered, projected cursor. The same
 * code runs on the local DocumentDB, on MongoDB 7 and on Atlas. The marts receive a LakeAccess rather than a Db, so
 * what they read is explicit in one place.
 */
import type { Db, Document } from 'mongodb';
import { groupSums, type GroupRow, type GroupSumsOptions } from '../mongo';

export type GroupOptions = GroupSumsOptions;

export type GroupRows = Map<string, GroupRow>;

export interface LakeAccess {
  group(collection: string, opts: GroupOptions): Promise<GroupRows>;
  /** Documents matching `match`, with at least `fields`. */
  rows(collection: string, match: Record<string, unknown> | undefined, fields: readonly string[]): AsyncIterable<Document>;
}

export function createLakeAccess(db: Db): LakeAccess {
  return {
    group: (collection, opts) => groupSums(db, collection, opts),
    rows: (collection, match, fields) => db.collection(collection).find(match ?? {}, { projection: Object.fromEntries(fields.map((f) => [f, 1])), batchSize: 5000 }),
  };
}
