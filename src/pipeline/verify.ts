/**
 * Reconciliation: does the lake hold exactly what the source says, and is every gap explained by a dead letter?
 * produced = stored + dead-lettered, per entity, plus revenue and profit to the cent.
 */
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { ErpData } from './entities';
import { collections } from './mongo';
import { fromUnits, toUnits, roundCents } from './money';
import { parseDeadLetters, type DeadLetter } from './dlq';
import { readTopicToEnd } from './kafka';

export interface EntityCheck {
  entity: 'products' | 'customers' | 'sales' | 'sales_items';
  source: number;
  stored: number;
  deadLettered: number;
  missing: string[];
  /** Stored documents the source does not have (live sales, other runs). Not an error. */
  extra: number;
}

export interface MoneyCheck {
  measure: 'revenue' | 'profit';
  source: number;
  stored: number;
}

export interface Reconciliation {
  entities: EntityCheck[];
  money: MoneyCheck[];
  ok: boolean;
}

/** What the lake holds, as key sets and exact sums for the source's keys. Streams with projections. */
export async function readLakeKeys(db: Db, sourceSaleIds: Set<string>) {
  const ids = async (name: string) => {
    const out = new Set<string>();
    for await (const d of db.collection(name).find({}, { projection: { _id: 1 } })) out.add(String(d._id));
    return out;
  };
  const items = new Set<string>();
  let revenue = 0;
  let profit = 0;
  const cursor = db.collection(collections.salesItems).find({}, { projection: { _id: 1, sale_id: 1, line_total_e4: 1, profit_e4: 1 } });
  for await (const d of cursor) {
    items.add(String(d._id));
    if (sourceSaleIds.has(String(d.sale_id))) {
      revenue += Number(d.line_total_e4 ?? 0);
      profit += Number(d.profit_e4 ?? 0);
    }
  }
  const [products, customers, sales] = await Promise.all([ids(collections.products), ids(collections.customers), ids(collections.sales)]);
  return { products, customers, sales, items, revenueE4: revenue, profitE4: profit };
}

/** Pure comparison of the source with what the lake holds and what was dead-lettered. */
export function reconcile(source: ErpData, lake: Awaited<ReturnType<typeof readLakeKeys>>, letters: DeadLetter[]): Reconciliation {
  const lettered = new Set(letters.map((l) => l.key ?? ''));
  // A line is explained by a dead letter of its sale (the sale is the message).
  const letterKey = (entity: EntityCheck['entity'], key: string) => (entity === 'sales_items' ? key.slice(0, key.lastIndexOf('#')) : key);
  const check = (entity: EntityCheck['entity'], keys: string[], stored: Set<string>): EntityCheck => {
    const absent = keys.filter((k) => !stored.has(k));
    const sourceKeys = new Set(keys);
    let extra = 0;
    for (const k of stored) if (!sourceKeys.has(k)) extra++;
    const missing = absent.filter((k) => !lettered.has(letterKey(entity, k)));
    return { entity, source: keys.length, stored: keys.length - absent.length, deadLettered: absent.length - missing.length, missing, extra };
  };
  const entities = [
    check('products', source.products.map((p) => p.product_id), lake.products),
    check('customers', source.customers.map((c) => c.customer_id), lake.customers),
    check('sales', source.sales.map((s) => s.sale_id), lake.sales),
    check('sales_items', source.salesItems.map((i) => i.item_id), lake.items),
  ];
  // Money is compared over the sales that reached the lake; a missing sale already fails the counts above.
  const kept = source.salesItems.filter((i) => lake.sales.has(i.sale_id));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + toUnits(x), 0);
  const money: MoneyCheck[] = [
    { measure: 'revenue', source: roundCents(fromUnits(sum(kept.map((i) => i.line_total)))), stored: roundCents(fromUnits(lake.revenueE4)) },
    { measure: 'profit', source: roundCents(fromUnits(sum(kept.map((i) => i.profit)))), stored: roundCents(fromUnits(lake.profitE4)) },
  ];
  const ok = entities.every((e) => e.missing.length === 0) && money.every((m) => m.source === m.stored);
  return { entities, money, ok };
}

export function formatReconciliation(r: Reconciliation): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const m = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const lines = ['entity        source    stored  dead-lettered  unaccounted  extra in lake'];
  for (const e of r.entities) {
    lines.push(`${e.entity.padEnd(12)}${n(e.source).padStart(8)}${n(e.stored).padStart(10)}${n(e.deadLettered).padStart(15)}${n(e.missing.length).padStart(13)}${n(e.extra).padStart(15)}`);
    if (e.missing.length) lines.push(`  missing ${e.entity}: ${e.missing.slice(0, 10).join(', ')}${e.missing.length > 10 ? ` … (+${e.missing.length - 10})` : ''}`);
  }
  for (const x of r.money) {
    const diff = Math.round((x.stored - x.source) * 100) / 100;
    lines.push(`${x.measure.padEnd(8)} source ${m(x.source)}  lake ${m(x.stored)}${diff ? `  DIFF ${m(diff)}` : '  ✓'}`);
  }
  lines.push(r.ok ? '✓ every source record is in the lake or in the dead-letter topic' : '✖ the lake does not reconcile with the source');
  return lines.join('\n');
}

/** Reads the lake and the dead-letter topic, and reconciles them with the source. */
export async function verifyLake(
  deps: { kafka: Kafka; db: Db; dlqTopic: string },
  source: ErpData,
): Promise<{ result: Reconciliation; deadLetters: number }> {
  const lake = await readLakeKeys(deps.db, new Set(source.sales.map((s) => s.sale_id)));
  const letters = parseDeadLetters(await readTopicToEnd(deps.kafka, deps.dlqTopic));
  return { result: reconcile(source, lake, letters), deadLetters: letters.length };
}
