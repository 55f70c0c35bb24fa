/** MongoDB adapter: the only module that builds MongoClients. Works with MongoDB 7, Atlas (mongodb+srv://) and FerretDB. */
import { MongoClient, type Db } from 'mongodb';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(cfg: { uri: string; db: string }, opts: { timeoutMs?: number } = {}): Promise<MongoHandle> {
  const client = new MongoClient(cfg.uri, {
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10000,
    appName: 'erp-insights',
  });
  await client.connect();
  return { client, db: client.db(cfg.db), close: () => client.close() };
}

/** Collection names, in one place. */
export const collections = {
  products: 'products',
  customers: 'customers',
  sales: 'sales',
  salesItems: 'sales_items',
} as const;
