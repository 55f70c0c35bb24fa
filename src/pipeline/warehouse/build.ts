/**
 * Builds the warehouse marts from the lake, idempotently: a full build, or an incremental one over the partitions
 * touched since the last build's watermark; both give the same collections.
 */
import type { Db, Document } from 'mongodb';
import type { Logger } from '../../log';
import { collections } from '../adapters/mongo';
import { ensureIndexes, ensureLakeIndexes } from '../lake/write';
import { queryDaily, type DailyDoc } from './daily';
import { buildCategoryDocs, categoryRowsFromCube } from './categories';
import { buildCubeDocs, queryCubeRows, type CubeRow } from './cube';
import { branchProductsCollection, productsCollection, syncProducts } from './products';
import { rfmAsOf, syncCustomers } from './customers';
import type { CustomerSummary } from './customer-state';
import { buildStoreDocs } from './stores';
import { syncStatistics } from './statistics';
import { fullScope, isEmptyScope, touchedSince, type Scope } from './scope';
import { syncDocs, type SyncResult } from './sync';
import { createLakeAccess } from '../lake/access';
import { forEachChunk } from '../../io/chunks';

export const marts = {
  daily: 'daily_sales_summary',
  stores: 'store_analysis',
  products: productsCollection,
  /** Products per branch and year, written by the products step (products.ts). */
  branchProducts: branchProductsCollection,
  customers: 'customer_analysis',
  /** The customers' RFM facts, packed, for incremental builds (customer-state.ts): internal, not a mart to read. */
  customerState: 'customer_analysis_state',
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
  /**
   * Seconds until the lake's missing indexes existed (a first build's bulk index build; about 0 afterwards). A full
   * build's steps run meanwhile, an incremental build's after.
   */
  indexSeconds: number;
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

/**
 * The marts' document layout. A build over marts of another layout (written by another version) is a full build, so
 * no mart mixes documents of two layouts. Raise it when a mart's documents change shape, and when a rule that computes
 * them changes (the RFM rule: an incremental build derives the stored scores from the stored inputs, which holds only
 * if the same rule wrote them). 2: `top_products` without stored ranks, `customer_analysis` without `recency_days`.
 * 3: `branch_products` (a mart an incremental build over layout 2 would fill only for the products it touches).
 */
export const martLayout = 3;

interface WarehouseState {
  _id: 'warehouse';
  /** `martLayout` of the version that built the marts; absent before layout 2. */
  layout?: number;
  watermark: Date;
  /** The day RFM recency is counted to (customer_analysis), null before any customer. */
  rfm_as_of: string | null;
  built_at: Date;
  /**
   * The last build that changed a mart: what "new data" means to a data-triggered report (a build re-reading the same
   * days, as the watermark's margin makes it, changes nothing). Absent before it was kept.
   */
  data_changed_at?: Date;
  mode: BuildMode;
  seconds: number;
}

export class LakeFormatError extends Error {
  override name = 'LakeFormatError';
}

export async function buildWarehouse(db: Db, opts: BuildOptions = {}): Promise<BuildReport> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = Date.now();
  const plan = await planBuild(db, started, opts);
  const { scope, mode } = plan;
  const steps: StepReport[] = [];
  let indexSeconds = 0;
  const report = (): BuildReport => ({
    mode,
    scope: scope.full ? { days: -1, months: -1, years: -1, customers: -1 } : { days: scope.days.length, months: scope.months.length, years: scope.years.length, customers: scope.customers.length },
    steps,
    indexSeconds,
    seconds: (Date.now() - t0) / 1000,
    watermark: plan.watermark,
    previousWatermark: plan.previousWatermark,
  });
  if (mode === 'nothing-new') return report();

  const indexes = startIndexes(db);
  if (!scope.full) indexSeconds = await indexes.lake;
  await indexes.marts;
  const { customers } = await syncMarts(db, scope, (s) => {
    steps.push(s);
    opts.onStep?.(s);
  });
  indexSeconds = await indexes.lake;
  const order: string[] = [marts.daily, marts.categories, marts.cube, marts.products, marts.customers, marts.stores, marts.statistics];
  steps.sort((a, b) => order.indexOf(a.mart) - order.indexOf(b.mart));
  const r = report();
  await saveState(db, plan, { builtAt: now(), changed: steps.some((s) => s.write.inserted + s.write.replaced + s.write.deleted > 0), customers, seconds: r.seconds });
  opts.log?.debug('warehouse built', { mode, seconds: r.seconds });
  return r;
}

interface BuildPlan {
  state: WarehouseState | null;
  scope: Scope;
  mode: BuildMode;
  watermark: Date;
  previousWatermark: Date | null;
}

/** What a build covers: the partitions touched since the last build's watermark, or all of them. */
async function planBuild(db: Db, started: Date, opts: BuildOptions): Promise<BuildPlan> {
  const state = await db.collection<WarehouseState>(marts.state).findOne({ _id: 'warehouse' });
  const previousWatermark = state?.watermark ?? null;
  const sample = await db.collection(collections.salesItems).findOne({}, { projection: { _id: 1, order_month: 1 } });
  const lakeEmpty = !sample;
  if (sample && sample.order_month === undefined) {
    throw new LakeFormatError(`the lake in ${db.databaseName} was written by an older version (sales_items without order_month): drop it and run \`npm run pipeline\` again`);
  }
  const scope: Scope = opts.full || !state || state.layout !== martLayout || lakeEmpty ? fullScope : await touchedSince(db, state.watermark);
  const mode: BuildMode = lakeEmpty ? 'empty-lake' : scope.full ? 'full' : isEmptyScope(scope) ? 'nothing-new' : 'incremental';
  const margin = opts.lateWriteMarginMs ?? 5 * 60_000;
  const candidate = new Date(started.getTime() - margin);
  const watermark = previousWatermark && previousWatermark > candidate ? previousWatermark : candidate;
  return { state, scope, mode, watermark, previousWatermark };
}

/**
 * Starts the index builds. The lake's indexes are its readers' to create (a first load writes bare collections): on
 * the first build over a new lake this is the one bulk index build; afterwards one listIndexes per collection. A full
 * build reads whole collections and needs none of them, so it runs while they are built (DocumentDB builds an index on
 * a non-empty collection in a background job and answers `createIndexes` about a second later, time otherwise spent
 * waiting). `lake` resolves to the seconds it took.
 */
function startIndexes(db: Db): { lake: Promise<number>; marts: Promise<void> } {
  const t = Date.now();
  const lake = ensureLakeIndexes(db).then(() => (Date.now() - t) / 1000);
  lake.catch(() => undefined); // awaited by the build; this only keeps a failure from being "unhandled" meanwhile
  const martIndexes = ensureMartIndexes(db);
  martIndexes.catch(() => undefined); // awaited next; an incremental build awaits the lake's indexes first
  return { lake, marts: martIndexes };
}

/** Computes and writes every mart of the scope; returns the customers' summaries (the branches and RFM need them). */
async function syncMarts(db: Db, scope: Scope, onStep: (s: StepReport) => void): Promise<{ customers: CustomerSummary[] }> {
  const lake = createLakeAccess(db);
  const step = async (mart: string, work: () => Promise<{ docs: number; write: SyncResult }>) => {
    const t = Date.now();
    const { docs, write } = await work();
    onStep({ mart, documents: docs, seconds: (Date.now() - t) / 1000, write });
  };
  const sliceOf = (field: string, values: readonly (string | number)[]): Document => (scope.full ? {} : { [field]: { $in: [...values] } });
  /** A mart computed in full from `docs` and written over the scope's slice of it. */
  const sync = (mart: string, slice: Document, docs: () => Promise<Document[]>) =>
    step(mart, async () => {
      const d = await docs();
      return { docs: d.length, write: await syncDocs(db, mart, slice, d) };
    });

  let customers: CustomerSummary[] = [];
  // The cube's grouping of the lines feeds the categories too (summed over branches): one pass over them, not two.
  let cube: Promise<CubeRow[]> | undefined;
  const cubeRows = () => (cube ??= queryCubeRows(lake, scope));
  // The daily step runs once, whoever asks first (its lane, or the statistics once they need the daily mart), and the
  // daily mart is then read once, for the branches and the statistics. A failed step fails whoever waits for it.
  let dailyStep: Promise<void> | undefined;
  const buildDaily = () => (dailyStep ??= sync(marts.daily, sliceOf('date', scope.days), () => queryDaily(lake, scope)));
  let dailyMart: Promise<DailyDoc[]> | undefined;
  const daily = () => (dailyMart ??= buildDaily().then(() => db.collection<DailyDoc>(marts.daily).find({}).sort({ date: 1 }).toArray()));
  const statistics = () => step(marts.statistics, () => syncStatistics(db, lake, scope, daily, { parts: marts.statisticsParts, statistics: marts.statistics }));
  // An incremental build's statistics read one month's lines and the stored parts: beside the marts below, filling
  // the gaps their round trips leave. A full build's read every line: after them, so the million lines' values of
  // two steps are never in memory at once.
  const early = scope.full ? undefined : statistics();
  early?.catch(() => undefined); // awaited below
  // Five marts read only the lake: two at a time, so the server's grouping and this process's summing and writing
  // overlap on two cores (more in flight only queues behind them and holds more in memory at once; measured, all five
  // at once made an incremental build at a million lines slower, not faster).
  const independent = [
    // The longest first (customers and products, full or incremental), so the short ones fill in beside them
    // rather than leave one of them running alone at the end.
    () =>
      step(marts.customers, async () => {
        const r = await syncCustomers(db, lake, scope, { mart: marts.customers, state: marts.customerState });
        customers = r.customers;
        return r;
      }),
    () => step(marts.products, () => syncProducts(db, lake, scope)),
    buildDaily,
    () => sync(marts.cube, sliceOf('month', scope.months), async () => buildCubeDocs(await cubeRows())),
    () => sync(marts.categories, sliceOf('month', scope.months), async () => buildCategoryDocs(categoryRowsFromCube(await cubeRows()))),
  ];
  await forEachChunk(independent, 1, 2, ([run]) => run!());
  await Promise.all([sync(marts.stores, {}, async () => buildStoreDocs(await daily(), customers)), early ?? statistics()]);
  return { customers };
}

/** Records the build: its watermark, the RFM day and when a mart last changed (what "new data" means to reports). */
async function saveState(db: Db, plan: BuildPlan, done: { builtAt: Date; changed: boolean; customers: CustomerSummary[]; seconds: number }): Promise<void> {
  const { builtAt, changed } = done;
  await db.collection<WarehouseState>(marts.state).replaceOne(
    { _id: 'warehouse' },
    {
      layout: martLayout,
      watermark: plan.watermark,
      rfm_as_of: rfmAsOf(done.customers),
      built_at: builtAt,
      data_changed_at: changed || !plan.state?.data_changed_at ? builtAt : plan.state.data_changed_at,
      mode: plan.mode,
      seconds: done.seconds,
    },
    { upsert: true },
  );
}

async function ensureMartIndexes(db: Db): Promise<void> {
  // One listIndexes each when they exist (every build but the first): side by side, not one round trip after another.
  await Promise.all([
    ensureIndexes(db, marts.daily, [{ date: 1 }]),
    ensureIndexes(db, marts.categories, [{ month: 1 }]),
    ensureIndexes(db, marts.cube, [{ month: 1 }, { year: 1 }]),
    // Ranks are read, not stored (products.ts): sorted reads by revenue or profit within a period. The index on the
    // stored rank, from versions before, would only slow the writes.
    ensureIndexes(db, marts.products, [{ period: 1, revenue_e4: -1, product_id: 1 }, { period: 1, profit_e4: -1, product_id: 1 }], [{ period: 1, rank_revenue: 1 }]),
    // A branch's products in a year, or in all its years (the dashboard's top products under a branch filter).
    ensureIndexes(db, marts.branchProducts, [{ branch_id: 1, period: 1 }, { product_id: 1, period: 1 }]),
    ensureIndexes(db, marts.customers, [{ rfm_segment: 1 }]),
  ]);
}

