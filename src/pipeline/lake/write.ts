/**
 * The MongoDB data lake: one document per business key (`_id`), written insert-first, so a redelivered message changes
 * nothing; amounts also as exact integer ten-thousandths (`*_e4`), month and year beside the order date.
 */
import type { Db, Document } from 'mongodb';
import type { Customer, Product, SaleItem, SaleWithItems } from '../core/entities';
import { collections, insertFirst } from '../adapters/mongo';
import { toUnits } from '../core/money';

export interface LakeWrite {
  products: Product[];
  customers: Customer[];
  sales: SaleWithItems[];
}

export const emptyLakeWrite = (): LakeWrite => ({ products: [], customers: [], sales: [] });

export interface WriteResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

// Derived from an ISO order date and stored, so the warehouse can group by month and year in the database.
const orderMonth = (isoDate: string) => isoDate.slice(0, 7);
const orderYear = (isoDate: string) => Number(isoDate.slice(0, 4));

/** Whole days from order to shipping (both ISO dates). */
export function shipDays(orderDate: string, shipDate: string): number {
  return Math.round((Date.parse(`${shipDate}T00:00:00Z`) - Date.parse(`${orderDate}T00:00:00Z`)) / 86_400_000);
}

// The builders below make each document in one object literal, ingested_at included: the consumer builds 1.6
// million of them per million lines, and every intermediate copy (a spread of the date parts, a second spread to add
// ingested_at) cost CPU and garbage collection (docs/ingest.md). The field order is the stored one.

export function saleDocument(sale: SaleWithItems, ingestedAt: Date): Document {
  const { items: _items, ...header } = sale;
  return {
    _id: sale.sale_id,
    ...header,
    order_month: orderMonth(sale.order_date),
    order_year: orderYear(sale.order_date),
    ship_days: shipDays(sale.order_date, sale.ship_date),
    total_e4: toUnits(sale.total),
    profit_e4: toUnits(sale.profit),
    ingested_at: ingestedAt,
  };
}

export function itemDocument(item: SaleItem, ingestedAt: Date): Document {
  return {
    _id: item.item_id,
    ...item,
    order_month: orderMonth(item.order_date),
    order_year: orderYear(item.order_date),
    line_total_e4: toUnits(item.line_total),
    profit_e4: toUnits(item.profit),
    discount_e4: toUnits(item.discount),
    ingested_at: ingestedAt,
  };
}

export function productDocument(product: Product, ingestedAt: Date): Document {
  return { _id: product.product_id, ...product, ingested_at: ingestedAt };
}

export function customerDocument(customer: Customer, ingestedAt: Date): Document {
  return { _id: customer.customer_id, ...customer, ingested_at: ingestedAt };
}

/** Field-by-field equality of plain JSON-like values (what we store); ignores `ingested_at`. */
export function sameContent(stored: Document, next: Document): boolean {
  const keys = new Set([...Object.keys(stored), ...Object.keys(next)]);
  keys.delete('ingested_at');
  for (const k of keys) if (JSON.stringify(stored[k]) !== JSON.stringify(next[k])) return false;
  return true;
}

async function writeImmutable(db: Db, name: string, docs: Document[]): Promise<WriteResult> {
  const { inserted, existing } = await insertFirst(db, name, docs);
  return { inserted, updated: 0, unchanged: existing.length };
}

async function writeLatest(db: Db, name: string, docs: Document[]): Promise<WriteResult> {
  const { inserted, existing } = await insertFirst(db, name, docs);
  if (!existing.length) return { inserted, updated: 0, unchanged: 0 };
  const duplicates = existing.map((i) => docs[i]!._id);
  const byId = new Map(docs.map((d) => [d._id, d]));
  const stored = await db.collection(name).find({ _id: { $in: duplicates } } as Document).toArray();
  const changed = stored.filter((s) => !sameContent(s, byId.get(s._id)!)).map((s) => byId.get(s._id)!);
  // An update keeps the stored ingested_at: the time of the first write.
  const update = ({ ingested_at: _first, ...fields }: Document) => ({ updateOne: { filter: { _id: fields._id }, update: { $set: fields } } });
  if (changed.length) await db.collection(name).bulkWrite(changed.map(update), { ordered: false });
  return { inserted, updated: changed.length, unchanged: duplicates.length - changed.length };
}

/** Indexes the warehouse, the reports and the dashboards filter on. Creates only the missing ones, so a routine run
 * costs one `listIndexes` per collection. */
export async function ensureLakeIndexes(db: Db): Promise<void> {
  const wanted: [string, Document[], Document[]][] = [
    [collections.sales, [{ order_date: 1 }, { order_month: 1 }, { customer_id: 1 }, { ingested_at: 1 }], []],
    // Lines by month (a period's reports, a month's marts) and by day within it (an incremental build's days), one
    // index for both; it replaces the month-only index of earlier versions, which made a day's read scan its month.
    [collections.salesItems, [{ order_month: 1, order_date: 1 }, { customer_id: 1 }, { product_id: 1, order_year: 1 }], [{ order_month: 1 }]],
  ];
  await Promise.all(wanted.map(([name, keys, obsolete]) => ensureIndexes(db, name, keys, obsolete)));
}

/** Creates the missing indexes of `keys`, and drops those of `obsolete` that exist (indexes an older version made). */
export async function ensureIndexes(db: Db, name: string, keys: Document[], obsolete: Document[] = []): Promise<void> {
  const existing = (await db.listCollections({ name }).toArray()).length ? await db.collection(name).listIndexes().toArray() : [];
  const have = new Set(existing.map((i) => JSON.stringify(i.key)));
  const missing = keys.filter((k) => !have.has(JSON.stringify(k)));
  const unwanted = new Set(obsolete.map((k) => JSON.stringify(k)));
  // Created before the obsolete ones go, so a query that used one of them finds its replacement.
  if (missing.length) await db.collection(name).createIndexes(missing.map((key) => ({ key })));
  for (const i of existing) if (unwanted.has(JSON.stringify(i.key))) await db.collection(name).dropIndex(String(i.name));
}

/** Writes one batch: products and customers first, so a sale never lands before the names it refers to. */
export async function writeLake(db: Db, batch: LakeWrite, now = new Date()): Promise<WriteResult> {
  const total: WriteResult = { inserted: 0, updated: 0, unchanged: 0 };
  const add = (r: WriteResult) => {
    total.inserted += r.inserted;
    total.updated += r.updated;
    total.unchanged += r.unchanged;
  };
  add(await writeLatest(db, collections.products, dedupeLast(batch.products.map((p) => productDocument(p, now)))));
  add(await writeLatest(db, collections.customers, dedupeLast(batch.customers.map((c) => customerDocument(c, now)))));
  // Lines before headers: a sale header is the marker that the whole sale arrived.
  add(await writeImmutable(db, collections.salesItems, dedupeLast(batch.sales.flatMap((s) => s.items.map((i) => itemDocument(i, now))))));
  add(await writeImmutable(db, collections.sales, dedupeLast(batch.sales.map((s) => saleDocument(s, now)))));
  return total;
}

/** Within one batch the last message for a key wins (Kafka keeps per-key order). */
function dedupeLast(docs: Document[]): Document[] {
  const byId = new Map<unknown, Document>();
  for (const d of docs) byId.set(d._id, d);
  return byId.size === docs.length ? docs : [...byId.values()];
}
