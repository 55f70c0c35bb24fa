/**
 * Builds the warehouse marts from the lake, idempotently and incrementally.
 *
 * Incremental (the default once a build has run): only the partitions touched by sales ingested after the
 * watermark are recomputed (days, months, years, customers); roll-ups that span partitions (all-time product ranks,
 * branches, RFM, merged statistics) are then recomputed from the marts themselves, not from the lake. `full`
 * recomputes every partition. Both run the same code per partition, so they give identical collections, and a
 * mart document is only written when its content changed.
 *
 * The watermark is the build's start minus a margin for writes in flight (a lake batch is stamped before it is
 * written): sales stamped inside the margin are looked at again by the next build, which is harmless because
 * recomputing a partition is idempotent.
 */
import type { Db, Document } from 'mongodb';
import type { Logger } from '../../log';
import { collections } from '../mongo';
import { ensureIndexes, ensureLakeIndexes } from '../lake';
import { queryDaily, type DailyDoc } from './daily';
import { queryCategories } from './categories';
import { queryCube } from './cube';
import { allTime, buildProductDocs, queryProductYears, readProductInfo, rowsOf, sumAllTime, updateAllTime, type ProductDoc } from './products';
import { baseOf, queryCustomerBases, scoreCustomers, type CustomerDoc } from './customers';
import { buildStoreDocs } from './stores';
import { buildStatisticsDocs, partDocument, partFromDocument, queryStatsParts, type PartDocument } from './statistics';
import { fullScope, isEmptyScope, touchedSince, type Scope } from './scope';
import { syncDocs, type SyncResult } from './sync';
import { createLakeAccess } from './access';

export const marts = {
  daily: 'daily_sales_summary',
  stores: 'store_analysis',
  products: 'top_products',
  customers: 'customer_analysis',
  categories: 'category_analysis',
  cube: 'sales_cube',
  statistics: 'sales_statistics',
  statisticsParts: 'sales_statistics_parts',
  state: 'warehouse_state',
} as const;

export type BuildMode = 'full' | 'incremental' | 'nothing-new' | 'empty-lake';

export interface StepReport {
  mart: string;
  documents: number;
  seconds: number;
  write: SyncResult;
}

export interface BuildReport {
  mode: BuildMode;
  scope: { days: number; months: number; years: number; customers: number };
  steps: StepReport[];
  seconds: number;
  watermark: Date;
  previousWatermark: Date | null;
}

export interface BuildOptions {
  full?: boolean;
  log?: Logger;
  onStep?: (step: StepReport) => void;
  /** How far before the build's start the next build looks again, for lake writes in flight. Default 5 minutes. */
  lateWriteMarginMs?: number;
  now?: () => Date;
}

interface WarehouseState {
  _id: 'warehouse';
  watermark: Date;
  built_at: Date;
  mode: BuildMode;
  seconds: number;
}

export class LakeFormatError extends Error {
  override name = 'LakeFormatError';
}

const notAll = { period: { $ne: allTime } };

export async function buildWarehouse(db: Db, opts: BuildOptions = {}): Promise<BuildReport> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = Date.now();
  const state = await db.collection<WarehouseState>(marts.state).findOne({ _id: 'warehouse' });
  const previousWatermark = state?.watermark ?? null;
  const sample = await db.collection(collections.salesItems).findOne({}, { projection: { _id: 1, order_month: 1 } });
  const lakeEmpty = !sample;
  if (sample && sample.order_month === undefined) {
    throw new LakeFormatError(`the lake in ${db.databaseName} was written by an older version (sales_items without order_month): drop it and run \`npm run pipeline\` again`);
  }
  const scope: Scope = opts.full || !state || lakeEmpty ? fullScope : await touchedSince(db, state.watermark);
  const mode: BuildMode = lakeEmpty ? 'empty-lake' : scope.full ? 'full' : isEmptyScope(scope) ? 'nothing-new' : 'incremental';
  const margin = opts.lateWriteMarginMs ?? 5 * 60_000;
  const candidate = new Date(started.getTime() - margin);
  const watermark = previousWatermark && previousWatermark > candidate ? previousWatermark : candidate;
  const steps: StepReport[] = [];
  const report = (): BuildReport => ({
    mode,
    scope: scope.full ? { days: -1, months: -1, years: -1, customers: -1 } : { days: scope.days.length, months: scope.months.length, years: scope.years.length, customers: scope.customers.length },
    steps,
    seconds: (Date.now() - t0) / 1000,
    watermark,
    previousWatermark,
  });
  if (mode === 'nothing-new') return report();

  // The lake's indexes are its readers' to create (a first load writes bare collections): on the first build over a
  // new lake this is the one bulk index build; afterwards one listIndexes per collection.
  await ensureLakeIndexes(db);
  await ensureMartIndexes(db);
  const lake = createLakeAccess(db);
  const step = async (mart: string, work: () => Promise<{ docs: number; write: SyncResult }>) => {
    const t = Date.now();
    const { docs, write } = await work();
    const s: StepReport = { mart, documents: docs, seconds: (Date.now() - t) / 1000, write };
    steps.push(s);
    opts.onStep?.(s);
  };
  const sliceOf = (field: string, values: readonly (string | number)[]): Document => (scope.full ? {} : { [field]: { $in: [...values] } });

  await step(marts.daily, async () => {
    const docs = await queryDaily(lake, scope);
    return { docs: docs.length, write: await syncDocs(db, marts.daily, sliceOf('date', scope.days), docs) };
  });
  await step(marts.categories, async () => {
    const docs = await queryCategories(lake, scope);
    return { docs: docs.length, write: await syncDocs(db, marts.categories, sliceOf('month', scope.months), docs) };
  });
  await step(marts.cube, async () => {
    const docs = await queryCube(lake, scope);
    return { docs: docs.length, write: await syncDocs(db, marts.cube, sliceOf('month', scope.months), docs) };
  });
  await step(marts.products, async () => {
    const info = await readProductInfo(db);
    const years = buildProductDocs(await queryProductYears(lake, scope), info);
    const yearSlice = scope.full ? notAll : { period: { $in: scope.years.map(String) } };
    const products = db.collection<ProductDoc>(marts.products);
    const [storedYears, storedAll] = await Promise.all([products.find(yearSlice).toArray(), products.find({ period: allTime }).toArray()]);
    const newYears = rowsOf(years);
    // All-time from the years just computed (a full build has them all), or updated by the years that changed.
    const all = buildProductDocs(scope.full ? sumAllTime(newYears) : updateAllTime(rowsOf(storedAll), rowsOf(storedYears), newYears), info);
    const w1 = await syncDocs(db, marts.products, yearSlice, years, storedYears);
    const w2 = await syncDocs(db, marts.products, { period: allTime }, all, storedAll);
    return { docs: years.length + all.length, write: addSync(w1, w2) };
  });
  let customers: CustomerDoc[] = [];
  await step(marts.customers, async () => {
    const fresh = await queryCustomerBases(db, lake, scope);
    const stored = await db.collection<CustomerDoc>(marts.customers).find({}).toArray();
    const bases = new Map((scope.full ? [] : stored).map((d) => [d.customer_id, baseOf(d)]));
    for (const b of fresh) bases.set(b.customer_id, b);
    customers = scoreCustomers([...bases.values()].sort((a, b) => a.customer_id.localeCompare(b.customer_id)));
    return { docs: customers.length, write: await syncDocs(db, marts.customers, {}, customers, stored) };
  });
  const daily = await db.collection<DailyDoc>(marts.daily).find({}).sort({ date: 1 }).toArray();
  await step(marts.stores, async () => {
    const docs = buildStoreDocs(daily, customers);
    return { docs: docs.length, write: await syncDocs(db, marts.stores, {}, docs) };
  });
  await step(marts.statistics, async () => {
    const parts = (await queryStatsParts(lake, scope)).map(partDocument);
    const w1 = await syncDocs(db, marts.statisticsParts, sliceOf('month', scope.months), parts);
    const all = (await db.collection<PartDocument>(marts.statisticsParts).find({}).toArray()).map(partFromDocument);
    const docs = buildStatisticsDocs(all, daily);
    return { docs: docs.length, write: addSync(w1, await syncDocs(db, marts.statistics, {}, docs)) };
  });

  const r = report();
  await db.collection<WarehouseState>(marts.state).replaceOne(
    { _id: 'warehouse' },
    { watermark, built_at: now(), mode, seconds: r.seconds },
    { upsert: true },
  );
  opts.log?.debug('warehouse built', { mode, seconds: r.seconds });
  return r;
}

function addSync(a: SyncResult, b: SyncResult): SyncResult {
  return { inserted: a.inserted + b.inserted, replaced: a.replaced + b.replaced, deleted: a.deleted + b.deleted, unchanged: a.unchanged + b.unchanged };
}

async function ensureMartIndexes(db: Db): Promise<void> {
  await ensureIndexes(db, marts.daily, [{ date: 1 }]);
  await ensureIndexes(db, marts.categories, [{ month: 1 }]);
  await ensureIndexes(db, marts.cube, [{ month: 1 }, { year: 1 }]);
  await ensureIndexes(db, marts.products, [{ period: 1, rank_revenue: 1 }]);
  await ensureIndexes(db, marts.customers, [{ rfm_segment: 1 }]);
}

/** Reads the marts back, for tests and comparisons: every collection's documents sorted by `_id`. */
export async function readMarts(db: Db): Promise<Record<string, Document[]>> {
  const out: Record<string, Document[]> = {};
  for (const name of Object.values(marts)) {
    if (name === marts.state) continue;
    out[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return out;
}
