/**
 * The engine conformance suite runs against whatever MONGODB_URI names: the local DocumentDB engine by default, or a
 * user's MongoDB 7 or Atlas cluster (`MONGODB_URI='mongodb+srv://user:pass@cluster.example.net' npm run test:engine`).
 * It only creates and drops its own databases, named conf_<file>_<random>; it never touches MONGODB_DB. The URI's user
 * therefore needs the right to create and drop databases (on Atlas, "Read and write to any database").
 */
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { loadConfig } from '../../src/config';
import { collections, connectMongo } from '../../src/pipeline/adapters/mongo';
import { customers, makeSaleLines, products, type Customer, type Product, type SaleLine } from './lake';

export interface ConformanceDb {
  db: Db;
  /** Drops the database, then closes the client (also when the drop fails). */
  dispose(): Promise<void>;
}

export async function openConformanceDb(name: string): Promise<ConformanceDb> {
  const cfg = loadConfig();
  const mongo = await connectMongo({ ...cfg.mongo, db: `conf_${name}_${randomBytes(4).toString('hex')}` });
  return {
    db: mongo.db,
    dispose: async () => {
      try {
        await mongo.db.dropDatabase();
      } finally {
        await mongo.close();
      }
    },
  };
}

/** Writes the data set into customers, products and sales_items; returns the lines as inserted. */
export async function seedLake(db: Db): Promise<SaleLine[]> {
  const lines = makeSaleLines();
  await db.collection<Customer>(collections.customers).insertMany(customers.map((c) => ({ ...c })));
  await db.collection<Product>(collections.products).insertMany(products.map((p) => ({ ...p })));
  // Copies: the driver may annotate what it is given, and the reference data must stay as generated.
  await db.collection<SaleLine>(collections.salesItems).insertMany(lines.map((l) => ({ ...l })));
  return lines;
}
