/**
 * The dashboard's MongoDB client, opened on first need and again after it was lost, at most once every 5 s, so a
 * missing server makes pages answer at once with a banner instead of waiting on every request.
 */
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ensureLakeIndexes } from '../pipeline/lake/write';
import { connectMongo, type MongoHandle } from '../pipeline/adapters/mongo';
import { maskUri } from '../config/credentials';
import type { Problem } from './problems';

export interface LakeConnection {
  /** The database, or null while MongoDB cannot be reached (`problem` says why). */
  db(): Promise<Db | null>;
  problem(): Problem | null;
  /** Forgets a client whose connection was lost (closing it): the next `db()` opens a new one. */
  drop(): void;
  close(): Promise<void>;
}

export function createLakeConnection(cfg: Pick<Config, 'mongo'>, log: Logger): LakeConnection {
  let mongo: MongoHandle | null = null;
  let tried = 0;
  let problem: Problem | null = null;
  return {
    async db() {
      if (mongo) return mongo.db;
      if (Date.now() - tried < 5000) return null;
      tried = Date.now();
      try {
        mongo = await connectMongo(cfg.mongo, { timeoutMs: 2500 });
        problem = null;
        // A reader of the lake: its indexes are ours to ensure (the real-time page reads a day's sales by order_date).
        await ensureLakeIndexes(mongo.db).catch((e) => log.warn('could not ensure the lake indexes', { error: (e as Error).message }));
        return mongo.db;
      } catch (err) {
        problem = { key: 'dashboard.problem.mongo', values: { uri: maskUri(cfg.mongo.uri), error: (err as Error).message.split('\n')[0]! } };
        return null;
      }
    },
    problem: () => problem,
    drop() {
      void mongo?.close().catch(() => undefined);
      mongo = null;
    },
    close: async () => mongo?.close(),
  };
}
