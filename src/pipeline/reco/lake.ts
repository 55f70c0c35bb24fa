/** Reads what training needs from the lake: one projected pass over the lines, and the product master data. */
import type { Db } from 'mongodb';
import { collections } from '../mongo';
import type { CatalogueItem, TrainingLine } from './train';

/**
 * One string per distinct value: every decoded document brings its own copies, and a million lines hold only about
 * 50,000 products, 80,000 customers and 1,500 days (a sale's lines are read together, so its ID repeats in a row).
 * Saves about a hundred megabytes at a million lines.
 */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    seen.set(s, s);
    return s;
  };
}

export async function readTrainingLines(db: Db, onProgress?: (n: number) => void): Promise<TrainingLine[]> {
  const out: TrainingLine[] = [];
  const product = interner();
  const customer = interner();
  const day = interner();
  let sale = '';
  const cursor = db.collection(collections.salesItems).find({}, { projection: { _id: 0, sale_id: 1, customer_id: 1, product_id: 1, order_date: 1 }, batchSize: 5000 });
  for await (const d of cursor) {
    const saleId = String(d.sale_id);
    if (saleId !== sale) sale = saleId;
    out.push({ sale_id: sale, customer_id: customer(String(d.customer_id)), product_id: product(String(d.product_id)), order_date: day(String(d.order_date)) });
    if (onProgress && out.length % 10000 === 0) onProgress(out.length);
  }
  return out;
}

export async function readCatalogue(db: Db): Promise<CatalogueItem[]> {
  const out: CatalogueItem[] = [];
  const cursor = db.collection(collections.products).find({}, { projection: { _id: 0, product_id: 1, name: 1, alt_names: 1, category: 1, sub_category: 1, unit_price: 1 } });
  for await (const p of cursor) {
    out.push({
      product_id: String(p.product_id),
      name: String(p.name),
      alt_names: Array.isArray(p.alt_names) ? p.alt_names.map(String) : [],
      category: String(p.category),
      sub_category: String(p.sub_category),
      unit_price: Number(p.unit_price ?? 0),
    });
  }
  return out;
}
