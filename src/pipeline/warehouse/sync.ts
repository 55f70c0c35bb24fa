/**
 * Replaces a slice of a mart with freshly computed documents, writing only what changed: documents that are equal
 * are left alone, changed ones are replaced, vanished ones deleted. A rebuild that finds nothing new writes nothing,
 * which keeps repeated builds idempotent and cheap.
 */
import type { Db, Document } from 'mongodb';
import { Binary } from '../adapters/mongo';
import { forEachChunk } from '../../io/chunks';

export interface SyncResult {
  inserted: number;
  replaced: number;
  deleted: number;
  unchanged: number;
}

/**
 * JSON with sorted keys, so two equal documents compare equal whatever order the server returned the fields in. Binary
 * data (a BSON Binary as read, or bytes as built) by its subtype and bytes, in base64: not byte by byte as an object.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Binary) return `{"$binary":"${value.sub_type}:${value.toString('base64')}"}`;
  if (value instanceof Uint8Array) return canonical(new Binary(value));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Pure: what to delete and insert to turn `existing` into `next`. */
export function planSync(existing: readonly Document[], next: readonly Document[]): { remove: unknown[]; insert: Document[]; unchanged: number; replaced: number } {
  const stored = new Map(existing.map((d) => [String(d._id), canonical(d)]));
  const wanted = new Set(next.map((d) => String(d._id)));
  const remove: unknown[] = existing.filter((d) => !wanted.has(String(d._id))).map((d) => d._id);
  const insert: Document[] = [];
  let unchanged = 0;
  let replaced = 0;
  for (const d of next) {
    const was = stored.get(String(d._id));
    if (was === canonical(d)) unchanged++;
    else {
      if (was !== undefined) {
        remove.push(d._id);
        replaced++;
      }
      insert.push(d);
    }
  }
  return { remove, insert, unchanged, replaced };
}

// Keys per delete and documents per insert: bounded commands, well under the 16 MB message limit. Several in flight
// keep the server's cores busy (a full build inserts 250,000 product documents at a million lines).
const DELETE_CHUNK = 500;
const INSERT_CHUNK = 1000;
const IN_FLIGHT = 4;

/**
 * Makes the documents matching `filter` exactly `docs` (each of which must match `filter`). `existing`: the documents
 * matching `filter` now, when the caller has just read them for its own use (read here otherwise).
 */
export async function syncDocs(db: Db, collection: string, filter: Document, docs: readonly Document[], existing?: readonly Document[]): Promise<SyncResult> {
  const coll = db.collection(collection);
  existing ??= await coll.find(filter).toArray();
  const plan = planSync(existing, docs);
  // When most of the slice changed (ranks shift, RFM "as of" moves), one delete of the slice and one insert of
  // everything beats deleting by `_id` in chunks.
  // Copies: insertMany adds an _id to documents without one, and the caller's stay as they were.
  const insert = (chunk: Document[]) => coll.insertMany(chunk.map((d) => ({ ...d })), { ordered: false });
  if (plan.remove.length > DELETE_CHUNK && plan.remove.length * 2 > existing.length) {
    await coll.deleteMany(filter);
    await forEachChunk(docs, INSERT_CHUNK, IN_FLIGHT, insert);
  } else {
    await forEachChunk(plan.remove, DELETE_CHUNK, IN_FLIGHT, (ids) => coll.deleteMany({ _id: { $in: ids } } as Document));
    await forEachChunk(plan.insert, INSERT_CHUNK, IN_FLIGHT, insert);
  }
  return { inserted: plan.insert.length - plan.replaced, replaced: plan.replaced, deleted: plan.remove.length - plan.replaced, unchanged: plan.unchanged };
}

/** Two write counts added. */
export function addSync(a: SyncResult, b: SyncResult): SyncResult {
  return { inserted: a.inserted + b.inserted, replaced: a.replaced + b.replaced, deleted: a.deleted + b.deleted, unchanged: a.unchanged + b.unchanged };
}
