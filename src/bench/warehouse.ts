/**
 * Warehouse benchmark: full build, a second full build (nothing changed), and an incremental build after one new
 * day of sales. The lake is written straight with the ingester's writer into a fresh database, removed afterwards.
 */
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../log';
import { connectMongo } from '../pipeline/adapters/mongo';
import { loadErpData } from '../pipeline/source/load';
import { writeLake } from '../pipeline/lake/write';
import { salesWithItems } from '../pipeline/source/live';
import type { SaleWithItems } from '../pipeline/core/entities';
import { buildWarehouse } from '../pipeline/warehouse/build';
import { createProgress } from '../cli/progress';

export interface WarehouseBenchResult {
  dataset: string;
  lines: number;
  fullSeconds: number;
  rebuildSeconds: number;
  incrementalSeconds: number;
  incrementalDays: number;
  /** Documents a full rebuild after the incremental build changed: 0 when the incremental build equals a full one. */
  changesAfterIncremental: number;
  /** The steps of the full and the incremental build that took longest, formatted. */
  slowest: { full: string; incremental: string };
}

/** The three slowest steps, the lake's index creation counted as one (beside the steps in a full build). */
const slowestSteps = (r: { mode: string; steps: { mart: string; seconds: number }[]; indexSeconds: number }) =>
  [...r.steps, { mart: r.mode === 'full' ? 'lake indexes (beside the steps)' : 'lake indexes', seconds: r.indexSeconds }]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 3)
    .map((x) => `${x.mart} ${x.seconds.toFixed(2)}`)
    .join(', ');

/** The last day's sales again, one day later, under new IDs: "one new day" arriving. */
export function nextDay(sales: readonly SaleWithItems[]): SaleWithItems[] {
  const last = sales.reduce((m, s) => (s.order_date > m ? s.order_date : m), '');
  const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return sales
    .filter((s) => s.order_date === last)
    .map((s) => {
      const id = `${s.sale_id}-NEXT`;
      return { ...s, sale_id: id, order_date: next, items: s.items.map((i) => ({ ...i, sale_id: id, item_id: `${id}#${i.line}`, order_date: next })) };
    });
}

/** Writes the data set into the lake, stamped an hour ago; returns its line count and the next day's sales. */
async function writeBenchLake(db: Db, input: string | undefined, label: string): Promise<{ lines: number; next: SaleWithItems[] }> {
  const { data } = await loadErpData({ input });
  const sales = salesWithItems(data);
  const past = new Date(Date.now() - 3_600_000);
  const bar = createProgress(`${label}: writing the lake`, sales.length);
  await writeLake(db, { products: data.products, customers: data.customers, sales: [] }, past);
  for (let i = 0; i < sales.length; i += 1000) {
    await writeLake(db, { products: [], customers: [], sales: sales.slice(i, i + 1000) }, past);
    bar.update(Math.min(i + 1000, sales.length));
  }
  bar.stop();
  return { lines: data.salesItems.length, next: nextDay(sales) };
}

export async function benchWarehouse(cfg: Config, input: string | undefined, label: string, log: Logger): Promise<WarehouseBenchResult> {
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_bench${Date.now().toString(36)}` });
  try {
    // The data set is let go once the lake is written (only the next day's sales are kept): the builds then run in a
    // process as lean as `npm run warehouse`, not one holding a million lines (whose collections slow everything).
    const { lines, next } = await writeBenchLake(mongo.db, input, label);
    const full = await buildWarehouse(mongo.db, { full: true, lateWriteMarginMs: 0 });
    log.info(`${label}: full build`, { seconds: full.seconds });
    const rebuild = await buildWarehouse(mongo.db, { full: true, lateWriteMarginMs: 0 });
    await writeLake(mongo.db, { products: [], customers: [], sales: next });
    const inc = await buildWarehouse(mongo.db, { lateWriteMarginMs: 0 });
    log.info(`${label}: incremental build`, { seconds: inc.seconds, days: inc.scope.days });
    // The check that the incremental build is right at this size: a full rebuild after it finds nothing to change.
    const check = await buildWarehouse(mongo.db, { full: true, lateWriteMarginMs: 0 });
    const changesAfterIncremental = check.steps.reduce((n, st) => n + st.write.inserted + st.write.replaced + st.write.deleted, 0);
    log.info(`${label}: full rebuild after the incremental build`, { seconds: check.seconds, changes: changesAfterIncremental });
    return {
      dataset: label,
      lines,
      fullSeconds: full.seconds,
      rebuildSeconds: rebuild.seconds,
      incrementalSeconds: inc.seconds,
      incrementalDays: inc.scope.days,
      changesAfterIncremental,
      slowest: { full: slowestSteps(full), incremental: slowestSteps(inc) },
    };
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

export function formatWarehouseRows(rows: WarehouseBenchResult[]): string {
  const head = '| data | lines | full build s | full rebuild, nothing changed s | incremental, one new day s | documents a full rebuild then changed (0 = incremental equals full) | slowest steps, full (s) | slowest steps, incremental (s) |\n|---|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.dataset} | ${r.lines.toLocaleString('en-US')} | ${r.fullSeconds.toFixed(1)} | ${r.rebuildSeconds.toFixed(1)} | ${r.incrementalSeconds.toFixed(2)} (${r.incrementalDays} day) | ${r.changesAfterIncremental} | ${r.slowest.full} | ${r.slowest.incremental} |`)].join('\n');
}
