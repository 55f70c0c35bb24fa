/** MongoDB adapter: the only module that builds MongoClients. Works with MongoDB 7, Atlas (mongodb+srv://) and the local DocumentDB engine. */
import path from 'node:path';
import { MongoBulkWriteError, MongoClient, type Db, type Document } from 'mongodb';
import { maskUri } from '../../config/credentials';
import { explainMongoFailure } from './mongo-uri';

/** BSON's binary type: the marts that pack arrays into bytes store them as this. */
export { Binary } from 'mongodb';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** The server refused the login: retrying cannot help, the URI's credentials must change. */
export class MongoAuthError extends Error {
  override name = 'MongoAuthError';
}

/** MONGODB_URI cannot work as written (untrusted certificate, TLS mismatch, no SRV record): retrying cannot help. */
export class MongoSetupError extends Error {
  override name = 'MongoSetupError';
}

export async function connectMongo(cfg: { uri: string; db: string; credentialsFile?: string }, opts: { timeoutMs?: number } = {}): Promise<MongoHandle> {
  const client = new MongoClient(cfg.uri, {
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10000,
    appName: 'erp-insights',
  });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    const msg = (err as Error).message;
    // "Invalid key" is what DocumentDB's gateway answers to a wrong SCRAM password.
    if (/auth|Invalid key|SCRAM/i.test(msg)) {
      const local = cfg.credentialsFile ? `; for the local engine leave the user out of a loopback MONGODB_URI, and the one in ${cfg.credentialsFile} is used` : '';
      throw new MongoAuthError(`MongoDB at ${maskUri(cfg.uri)} refused the login (${msg.split('\n')[0]}): fix the user and password in MONGODB_URI${local}`);
    }
    const localCa = cfg.credentialsFile ? path.join(path.dirname(cfg.credentialsFile), 'mongo-tls', 'ca.crt') : undefined;
    const why = explainMongoFailure(msg, cfg.uri, { masked: maskUri(cfg.uri), localCa });
    if (why) throw new MongoSetupError(why);
    throw err;
  }
  return { client, db: client.db(cfg.db), close: () => client.close() };
}

/** Collection names, in one place. */
export const collections = {
  products: 'products',
  customers: 'customers',
  sales: 'sales',
  salesItems: 'sales_items',
} as const;

const DUPLICATE_KEY = 11000;

/**
 * The insert-first write by business key: `docs` (each with its `_id`) inserted unordered; a duplicate key means the
 * document is already there. Returns how many were inserted and the positions in `docs` of those already stored.
 * Only a complete answer in which every failure is a duplicate key is a success: a network error also comes as a
 * MongoBulkWriteError, with no write errors and nothing known about what was written, and is rethrown so the caller
 * retries (the retry then finds what did get written as duplicates).
 */
export async function insertFirst(db: Db, collection: string, docs: Document[]): Promise<{ inserted: number; existing: number[] }> {
  if (!docs.length) return { inserted: 0, existing: [] };
  try {
    const r = await db.collection(collection).insertMany(docs, { ordered: false });
    return { inserted: r.insertedCount, existing: [] };
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    const inserted = err.result?.insertedCount ?? 0;
    if (!errors.length || errors.some((e) => e.code !== DUPLICATE_KEY) || inserted + errors.length !== docs.length) throw err;
    return { inserted, existing: errors.map((e) => e.index) };
  }
}

export type GroupKey = string | number | boolean | null | Record<string, unknown>;

export interface GroupSumsOptions {
  by: string | Record<string, string> | null;
  fields: string[];
  /** Fields whose smallest and largest value per group are wanted too (`$min`, `$max`). */
  extremes?: string[];
  match?: Record<string, unknown>;
}

export interface GroupRow {
  key: GroupKey;
  count: number;
  sums: Record<string, number>;
  /** Per field of `extremes`. */
  min: Record<string, unknown>;
  max: Record<string, unknown>;
}

/** The aggregation behind groupSums: `$match` (on indexed fields, by the callers), then one `$group` with every sum. */
export function groupPipeline(opts: GroupSumsOptions): Document[] {
  const id = opts.by === null ? null : typeof opts.by === 'string' ? `$${opts.by}` : Object.fromEntries(Object.entries(opts.by).map(([k, f]) => [k, `$${f}`]));
  // Accumulators are named by position: a field name may hold characters a result field may not.
  const sums = Object.fromEntries(opts.fields.map((f, i) => [`s${i}`, { $sum: `$${f}` }]));
  const extremes = Object.fromEntries((opts.extremes ?? []).flatMap((f, i) => [[`n${i}`, { $min: `$${f}` }], [`x${i}`, { $max: `$${f}` }]]));
  return [...(opts.match ? [{ $match: opts.match }] : []), { $group: { _id: id, count: { $sum: 1 }, ...sums, ...extremes } }];
}

/** Sums fields per group, in the database, in one pass: `{ key → { field: sum } }` plus a `count` of documents. */
export async function groupSums(db: Db, collection: string, opts: GroupSumsOptions): Promise<Map<string, GroupRow>> {
  const out = new Map<string, GroupRow>();
  const extremes = opts.extremes ?? [];
  for await (const row of db.collection(collection).aggregate<{ _id: GroupKey; count: number } & Record<string, unknown>>(groupPipeline(opts))) {
    out.set(JSON.stringify(row._id), {
      key: row._id,
      count: Number(row.count),
      sums: Object.fromEntries(opts.fields.map((f, i) => [f, Number(row[`s${i}`] ?? 0)])),
      min: Object.fromEntries(extremes.map((f, i) => [f, row[`n${i}`]])),
      max: Object.fromEntries(extremes.map((f, i) => [f, row[`x${i}`]])),
    });
  }
  return out;
}
