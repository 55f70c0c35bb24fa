/**
 * Reconciliation: does the lake hold exactly what the source says, and is every gap explained by a dead letter?
 * produced = stored + dead-lettered, per entity, plus revenue and profit to the cent. The source side is a compact
 * summary built while the source streams past, so a million-line source is reconciled without holding its lines.
 */
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { Customer, ErpData, Product, SaleWithItems } from '../core/entities';
import { collections } from '../adapters/mongo';
import { createLakeAccess } from './access';
import { fromUnits, toUnits, roundCents } from '../core/money';
import { salesWithItems } from '../source/live';
import { detach } from '../source/csv';
import { streamSales, type SourceScan } from '../source/stream-load';
import { parseDeadLetters, type DeadLetter } from '../stream/dlq';
import { readTopicToEnd } from '../adapters/kafka';

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

/**
 * What reconciliation needs from the source, without its records: the master data's keys and, per sale in source
 * order, its number of lines and exact totals. A sale's lines are `${sale_id}#1` … `#${lines}` (`saleItem` numbers
 * them so, and `add` checks it), so a missing line is still named without keeping a million line keys.
 */
export interface SourceSummary {
  products: ReadonlySet<string>;
  customers: ReadonlySet<string>;
  /** Sale ID → its index in `lines`, `revenueE4` and `profitE4`; iterates in source order. */
  sales: ReadonlyMap<string, number>;
  lines: readonly number[];
  /** Exact sums of each sale's lines, in ten-thousandths. */
  revenueE4: readonly number[];
  profitE4: readonly number[];
}

export class SourceSummaryError extends Error {
  override name = 'SourceSummaryError';
}

/** Builds a SourceSummary from the master data and the sales as they stream past, batch by batch. */
export function createSourceSummary(master: { products: readonly Product[]; customers: readonly Customer[] }) {
  const sales = new Map<string, number>();
  const lines: number[] = [];
  const revenueE4: number[] = [];
  const profitE4: number[] = [];
  return {
    add(batch: readonly SaleWithItems[]): void {
      for (const s of batch) {
        if (sales.has(s.sale_id)) throw new SourceSummaryError(`sale ${s.sale_id} appears twice in the source stream`);
        let revenue = 0;
        let profit = 0;
        s.items.forEach((it, i) => {
          if (it.item_id !== `${s.sale_id}#${i + 1}`) throw new SourceSummaryError(`line ${i + 1} of sale ${s.sale_id} has item_id ${it.item_id} (expected ${s.sale_id}#${i + 1})`);
          revenue += toUnits(it.line_total);
          profit += toUnits(it.profit);
        });
        // A sale ID read from the file is a slice of its chunk: kept as is, half a million of them would pin the file.
        sales.set(detach(s.sale_id), lines.length);
        lines.push(s.items.length);
        revenueE4.push(revenue);
        profitE4.push(profit);
      }
    },
    finish(): SourceSummary {
      return { products: new Set(master.products.map((p) => p.product_id)), customers: new Set(master.customers.map((c) => c.customer_id)), sales, lines, revenueE4, profitE4 };
    },
  };
}

/** The summary of data already in memory. */
export function summarizeErpData(data: ErpData): SourceSummary {
  const summary = createSourceSummary(data);
  summary.add(salesWithItems(data));
  return summary.finish();
}

/** The summary of a scanned source, streaming its sales (pass 2 of `stream-load`). */
export async function summarizeSource(scan: SourceScan): Promise<SourceSummary> {
  const summary = createSourceSummary(scan);
  for await (const batch of streamSales(scan)) summary.add(batch);
  return summary.finish();
}

export interface LakeKeys {
  products: Set<string>;
  customers: Set<string>;
  sales: Set<string>;
  items: Set<string>;
  /** Exact sums over the lines of the source's sales, in ten-thousandths. */
  revenueE4: number;
  profitE4: number;
}

/** What the lake holds, as key sets and exact sums for the source's keys. Streams with projections. */
export async function readLakeKeys(db: Db, sourceSaleIds: { has(id: string): boolean }): Promise<LakeKeys> {
  const ids = async (name: string) => {
    const out = new Set<string>();
    for await (const d of db.collection(name).find({}, { projection: { _id: 1 } })) out.add(String(d._id));
    return out;
  };
  const items = new Set<string>();
  let revenue = 0;
  let profit = 0;
  // The lines packed a day per document by the server: a cursor over a million lines leaves hundreds of megabytes of
  // garbage behind, and this runs inside the pipeline beside everything else.
  for await (const { values } of createLakeAccess(db).columns(collections.salesItems, undefined, { day: 'order_date' }, ['_id', 'sale_id', 'line_total_e4', 'profit_e4'])) {
    for (const [id, saleId, lineTotal, lineProfit] of values) {
      items.add(String(id));
      if (sourceSaleIds.has(String(saleId))) {
        revenue += Number(lineTotal ?? 0);
        profit += Number(lineProfit ?? 0);
      }
    }
  }
  const [products, customers, sales] = await Promise.all([ids(collections.products), ids(collections.customers), ids(collections.sales)]);
  return { products, customers, sales, items, revenueE4: revenue, profitE4: profit };
}

/** Whether `key` is one of the source's line keys: `${sale_id}#${n}` with 1 ≤ n ≤ that sale's lines, n written plainly. */
function isSourceLine(source: SourceSummary, key: string): boolean {
  const at = key.lastIndexOf('#');
  if (at < 0) return false;
  const sale = source.sales.get(key.slice(0, at));
  if (sale === undefined) return false;
  const text = key.slice(at + 1);
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= source.lines[sale]! && String(n) === text;
}

/** Pure comparison of the source with what the lake holds and what was dead-lettered. */
export function reconcile(source: SourceSummary, lake: LakeKeys, letters: DeadLetter[]): Reconciliation {
  const lettered = new Set(letters.map((l) => l.key ?? ''));
  type Keys = ReadonlySet<string> | ReadonlyMap<string, unknown>;
  const check = (entity: EntityCheck['entity'], sourceKeys: Keys, stored: Set<string>): EntityCheck => {
    const missing: string[] = [];
    let absent = 0;
    for (const k of sourceKeys.keys()) {
      if (stored.has(k)) continue;
      absent++;
      if (!lettered.has(k)) missing.push(k);
    }
    let extra = 0;
    for (const k of stored) if (!sourceKeys.has(k)) extra++;
    return { entity, source: sourceKeys.size, stored: sourceKeys.size - absent, deadLettered: absent - missing.length, missing, extra };
  };
  // Lines are checked from the per-sale counts; a line is explained by a dead letter of its sale (the sale is the message).
  const checkLines = (): EntityCheck => {
    const missing: string[] = [];
    let count = 0;
    let absent = 0;
    for (const [sale, i] of source.sales) {
      const n = source.lines[i]!;
      count += n;
      for (let line = 1; line <= n; line++) {
        const k = `${sale}#${line}`;
        if (lake.items.has(k)) continue;
        absent++;
        if (!lettered.has(sale)) missing.push(k);
      }
    }
    let extra = 0;
    for (const k of lake.items) if (!isSourceLine(source, k)) extra++;
    return { entity: 'sales_items', source: count, stored: count - absent, deadLettered: absent - missing.length, missing, extra };
  };
  const entities = [
    check('products', source.products, lake.products),
    check('customers', source.customers, lake.customers),
    check('sales', source.sales, lake.sales),
    checkLines(),
  ];
  // Money is compared over the sales that reached the lake; a missing sale already fails the counts above.
  let revenue = 0;
  let profit = 0;
  for (const [sale, i] of source.sales) {
    if (!lake.sales.has(sale)) continue;
    revenue += source.revenueE4[i]!;
    profit += source.profitE4[i]!;
  }
  const money: MoneyCheck[] = [
    { measure: 'revenue', source: roundCents(fromUnits(revenue)), stored: roundCents(fromUnits(lake.revenueE4)) },
    { measure: 'profit', source: roundCents(fromUnits(profit)), stored: roundCents(fromUnits(lake.profitE4)) },
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
  if (!r.ok && r.entities.some((e) => e.extra > 0)) {
    lines.push(
      '  The lake also holds records this source does not have: most likely an earlier run on other data, whose sales share IDs with this one. ' +
        'Run on a database of its own (MONGODB_DB=<name>), or start clean with `npm run services -- reset` (deletes the local data).',
    );
  }
  return lines.join('\n');
}

/** Reads the lake and the dead-letter topic, and reconciles them with the source. */
export async function verifyLake(
  deps: { kafka: Kafka; db: Db; dlqTopic: string },
  source: SourceSummary | ErpData,
): Promise<{ result: Reconciliation; deadLetters: number }> {
  const summary = 'salesItems' in source ? summarizeErpData(source) : source;
  const lake = await readLakeKeys(deps.db, summary.sales);
  const letters = parseDeadLetters(await readTopicToEnd(deps.kafka, deps.dlqTopic));
  return { result: reconcile(summary, lake, letters), deadLetters: letters.length };
}
