/**
 * How the warehouse and the reports read the lake: every grouping is one aggregation run by the server (`$match` on
 * indexed fields, then one `$group` with all its sums), and values that must be seen one by one (exact quantiles)
 * come packed by the server into one document per chunk, not one per line. The same code runs on the local
 * DocumentDB, on MongoDB 7 and on Atlas. The marts receive a LakeAccess rather than a Db, so
 * what they read is explicit in one place.
 */
import type { Db, Document } from 'mongodb';
import { groupSums, type GroupRow, type GroupSumsOptions } from '../mongo';

export type GroupOptions = GroupSumsOptions;

export type GroupRows = Map<string, GroupRow>;

export interface LakeAccess {
  group(collection: string, opts: GroupOptions): Promise<GroupRows>;
  /**
   * The `fields` of every document matching `match`, one array of values per document (a missing field is null),
   * packed by the server into one chunk per distinct `chunkBy` key, in key order. Reading a million lines this way takes a fifth of
   * the time a cursor over them does (the cost is per document read, not per value); the key should keep a chunk far
   * below 16 MB (a day of lines, not a month).
   */
  columns(collection: string, match: Record<string, unknown> | undefined, chunkBy: Record<string, string>, fields: readonly string[]): AsyncIterable<ValueChunk>;
}

export interface ValueChunk {
  key: Record<string, unknown>;
  values: unknown[][];
}

export function createLakeAccess(db: Db): LakeAccess {
  return {
    group: (collection, opts) => groupSums(db, collection, opts),
    columns: (collection, match, chunkBy, fields) => columnChunks(db, collection, match, chunkBy, fields),
  };
}

/** The aggregation behind `columns`: `$match`, then `$push` of the fields as one array per document, chunks in key order. */
export function columnsPipeline(match: Record<string, unknown> | undefined, chunkBy: Record<string, string>, fields: readonly string[]): Document[] {
  const id = Object.fromEntries(Object.entries(chunkBy).map(([k, f]) => [k, `$${f}`]));
  return [...(match ? [{ $match: match }] : []), { $group: { _id: id, values: { $push: fields.map((f) => `$${f}`) } } }, { $sort: { _id: 1 } }];
}

async function* columnChunks(db: Db, collection: string, match: Record<string, unknown> | undefined, chunkBy: Record<string, string>, fields: readonly string[]): AsyncIterable<ValueChunk> {
  // allowDiskUse: MongoDB caps a $group's memory at 100 MB otherwise (a million lines' values are about that).
  const cursor = db.collection(collection).aggregate<{ _id: Record<string, unknown>; values: unknown[][] }>(columnsPipeline(match, chunkBy, fields), { allowDiskUse: true, batchSize: 50 });
  for await (const d of cursor) yield { key: d._id, values: d.values };
}
