/**
 * Everything a report shows, gathered from the warehouse marts, the lake lines of the period and the model files.
 * KPIs, branches and the trend come from `daily_sales_summary` (so they are exactly what the warehouse holds); the
 * breakdowns that the marts keep only per month or year (products, segments, shipping, discounts) are grouped from the
 * period's lake lines with the warehouse's own lake access; the customer figures (new customers, RFM) are as of the
 * period's end (`rfm.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from 'mongodb';
import { countCsvRecords } from '../pipeline/source/csv-out';
import { describeSource } from '../pipeline/source/superstore';
import { ensureLakeIndexes } from '../pipeline/lake/write';
import { collections, type GroupKey } from '../pipeline/adapters/mongo';
import { fromUnits, roundCents } from '../pipeline/core/money';
import { createLakeAccess, type LakeAccess } from '../pipeline/lake/access';
import { marts } from '../pipeline/warehouse/build';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { bandOf, discountBands } from '../pipeline/warehouse/statistics';
import { emptyTotals, keyOf, ratio, type Totals } from '../pipeline/warehouse/measures';
import type { ItemSimModel } from '../pipeline/reco/model';
import type { Evaluation } from '../pipeline/reco/evaluate';
import { branchMovers, comparisonBases, subCategoryMovers, type Movers } from './movers';
import { inRange, monthsOf, type DateRange, type Period, type SaleDays } from './period';
import { countNewCustomers, loadCustomersToDate, rfmSegmentsAsOf, type RfmRow } from './rfm';
import { branchDays, branchStanding, resolveBranch, type BranchRef, type BranchStanding } from './branch-scope';

export type KpiFormat = 'money' | 'percent' | 'count';

export interface Kpi {
  key: string;
  label: string;
  format: KpiFormat;
  value: number | null;
  previous: number | null;
  lastYear: number | null;
}

export interface ProductRow {
  product_id: string;
  name: string;
  category: string;
  sub_category: string;
  units: number;
  revenue: number;
  profit: number;
  margin: number | null;
}

export interface ReportData {
  period: Period;
  /** The branch a branch report is about (every figure is then the branch's); null for the company's report. */
  branch: BranchRef | null;
  /** A branch report's rank and share of revenue among all branches in the period; null for the company's report. */
  standing: BranchStanding | null;
  generatedAt: string;
  database: string;
  empty: boolean;
  kpis: Kpi[];
  trendGrain: 'day' | 'month';
  trend: { date: string; revenue: number; profit: number; revenue_avg: number | null }[];
  /** Every branch in the period, by revenue: in a branch report too (its rank among them). */
  branches: { branch: string; revenue: number; profit: number; margin: number | null; orders: number }[];
  /** Each branch and sub-category of the period against the period before and a year before, for the findings. */
  movers: Movers;
  /** "What changed" since the previous report of the same job (run history); absent outside a scheduled run. */
  whatChanged?: string[];
  categories: { category: string; sub_category: string; revenue: number; profit: number; margin: number | null; units: number; avg_discount: number | null }[];
  topProducts: ProductRow[];
  bottomProducts: ProductRow[];
  segments: { segment: string; customers: number; orders: number; revenue: number; profit: number }[];
  discountBands: { band: string; lines: number; revenue: number; profit: number; margin: number | null }[];
  shipping: { ship_mode: string; orders: number; revenue: number; avg_lead_days: number | null }[];
  /** As of the period's end (`rfmDefinition`): revenue up to it, share of the customers who had ordered by then. */
  rfm: RfmRow[];
  reco: {
    pairs: { a: string; b: string; support: number; similarity: number }[];
    /** What a pair's support counts, as a column header and its meaning: it follows the model's basket level. */
    support: { header: string; meaning: string };
    model: { trained_at: string; items: number; pairs: number; level: string } | null;
    evaluation: { cut: string; cases: number; rows: { scorer: string; level: string; hr: number; ndcg: number; coverage: number }[] } | null;
  };
  /** `source`: the file's name and what it is; `sourceFile`: its name alone, for a one-line header. */
  lineage: { source: string; sourceFile: string; lakeLines: number; rejects: number | null; deadLetters: number | null; warehouseBuiltAt: string | null; modelTrainedAt: string | null };
}

export interface ReportInputs {
  db: Db;
  period: Period;
  modelsDir: string;
  dataDir: string;
  source: string;
  /** Messages in the dead-letter topic, if Kafka answered. */
  deadLetters?: number | null;
  now?: Date;
  /** A branch ID (`BR-WEST`): the report of that branch alone. An unknown ID is a BranchError listing the known ones. */
  branch?: string | null;
}

/** The warehouse's additive measures, plus orders (which only the daily summary and sales can count). */
type Sums = Totals & { orders: number };
const zero = (): Sums => ({ ...emptyTotals(), orders: 0 });

function sumDays(days: readonly DailyDoc[], r: DateRange): Sums {
  const s = zero();
  for (const d of days) {
    if (!inRange(d.date, r)) continue;
    s.revenue_e4 += d.revenue_e4;
    s.profit_e4 += d.profit_e4;
    s.orders += d.orders;
    s.lines += d.lines;
    s.units += d.units;
  }
  return s;
}

const money = (e4: number) => roundCents(fromUnits(e4));

/** Pure: the KPI cards from daily documents and customer counts. */
export function buildKpis(days: readonly DailyDoc[], p: Period, active: [number, number, number], fresh: [number, number, number]): Kpi[] {
  const [now, prev, ly] = [p, p.previous, p.lastYear].map((r) => sumDays(days, r)) as [Sums, Sums, Sums];
  const k = (key: string, label: string, format: KpiFormat, f: (s: Sums, i: number) => number | null): Kpi => ({ key, label, format, value: f(now, 0), previous: f(prev, 1), lastYear: f(ly, 2) });
  const has = (s: Sums) => s.orders > 0;
  return [
    k('revenue', 'Revenue', 'money', (s) => money(s.revenue_e4)),
    k('profit', 'Profit', 'money', (s) => money(s.profit_e4)),
    k('margin', 'Margin', 'percent', (s) => ratio(s.profit_e4, s.revenue_e4)),
    k('orders', 'Orders', 'count', (s) => s.orders),
    k('aov', 'Average order value', 'money', (s) => (has(s) ? roundCents(fromUnits(s.revenue_e4) / s.orders) : null)),
    k('units', 'Units', 'count', (s) => s.units),
    k('active_customers', 'Active customers', 'count', (_, i) => active[i]!),
    k('new_customers', 'New customers', 'count', (_, i) => fresh[i]!),
  ];
}

/** Pure: the trend series with a trailing moving average (7 days, or 3 months for long periods). */
export function buildTrend(days: readonly DailyDoc[], p: Period): { grain: 'day' | 'month'; points: ReportData['trend'] } {
  const spanDays = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 + 1;
  const grain = spanDays > 92 ? 'month' : 'day';
  const buckets = new Map<string, { r: number; p: number }>();
  if (grain === 'day') {
    for (let t = Date.parse(p.from); t <= Date.parse(p.to); t += 86_400_000) buckets.set(new Date(t).toISOString().slice(0, 10), { r: 0, p: 0 });
  } else for (const m of monthsOf(p)) buckets.set(m, { r: 0, p: 0 });
  for (const d of days) {
    if (!inRange(d.date, p)) continue;
    const b = buckets.get(grain === 'day' ? d.date : d.date.slice(0, 7))!;
    b.r += d.revenue_e4;
    b.p += d.profit_e4;
  }
  const window = grain === 'day' ? 7 : 3;
  const keys = [...buckets.keys()];
  const points = keys.map((date, i) => {
    const slice = keys.slice(Math.max(0, i - window + 1), i + 1);
    const avg = slice.length === window ? slice.reduce((s, k) => s + buckets.get(k)!.r, 0) / window : null;
    // Exact amounts (4 decimals), so the rows of the Daily sheet add up to the KPI to the cent.
    return { date, revenue: fromUnits(buckets.get(date)!.r), profit: fromUnits(buckets.get(date)!.p), revenue_avg: avg === null ? null : money(avg) };
  });
  return { grain, points };
}

function topPairs(model: ItemSimModel, n = 10): ReportData['reco']['pairs'] {
  const seen = new Set<string>();
  const pairs: ReportData['reco']['pairs'] = [];
  for (const [id, item] of Object.entries(model.items)) {
    for (const [other, similarity, support] of item.neighbours) {
      const key = id < other ? `${id}|${other}` : `${other}|${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ a: item.name, b: model.items[other]?.name ?? other, support, similarity });
    }
  }
  return pairs.sort((x, y) => y.support - x.support || y.similarity - x.similarity || x.a.localeCompare(y.a)).slice(0, n);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const countRejects = (dataDir: string): number | null => countCsvRecords(path.join(dataDir, 'csv_out', 'rejects.csv'));

/**
 * Pure: category × sub-category (× day) sums of the lines of one period → each sub-category's revenue, profit, margin,
 * units and average discount, by category then revenue.
 */
export function categoryFigures(rows: Iterable<{ key: GroupKey; count: number; sums: Record<string, number> }>) {
  const cats = new Map<string, Sums & { category: string; sub_category: string }>();
  for (const g of rows) {
    const k = keyOf<{ c: string; s: string }>(g.key);
    const s = cats.get(`${k.c}|${k.s}`) ?? { ...zero(), category: k.c, sub_category: k.s };
    s.revenue_e4 += g.sums.line_total_e4 ?? 0;
    s.profit_e4 += g.sums.profit_e4 ?? 0;
    s.units += g.sums.quantity ?? 0;
    s.discount_e4 += g.sums.discount_e4 ?? 0;
    s.lines += g.count;
    cats.set(`${k.c}|${k.s}`, s);
  }
  return [...cats.values()]
    .map((s) => ({ category: s.category, sub_category: s.sub_category, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4), units: s.units, avg_discount: ratio(s.discount_e4, s.lines * 10_000) }))
    .sort((a, b) => a.category.localeCompare(b.category) || b.revenue - a.revenue);
}

/** The lake's groupings of the months a figure needs (the period's, or the three periods' a comparison needs). */
interface PeriodLake {
  lake: LakeAccess;
  /** The months, and the branch of a branch report (`branch_id`, on every sale and line). */
  match: Record<string, unknown>;
  branch: string | null;
}

type K = Record<string, string>;

/** The rows of a grouping by `d: order_date` (and more) whose day falls in `r`. */
const rowsIn = <T extends { key: GroupKey }>(rows: Iterable<T>, r: DateRange) => [...rows].filter((g) => inRange(keyOf<K>(g.key).d!, r));

/** Pure: the period's branches from the daily documents, by revenue. */
export function branchFigures(days: readonly DailyDoc[], p: DateRange): ReportData['branches'] {
  const branchMap = new Map<string, Sums>();
  for (const d of days) {
    if (!inRange(d.date, p)) continue;
    for (const b of d.by_branch) {
      const s = branchMap.get(b.branch_name) ?? zero();
      s.revenue_e4 += b.revenue_e4;
      s.profit_e4 += b.profit_e4;
      s.orders += b.orders;
      branchMap.set(b.branch_name, s);
    }
  }
  return [...branchMap].map(([branch, s]) => ({ branch, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4), orders: s.orders })).sort((a, b) => b.revenue - a.revenue || a.branch.localeCompare(b.branch));
}

/** The period's products, by profit (then id), named from the lake's products. */
async function loadProducts(db: Db, { lake, match }: PeriodLake, p: DateRange): Promise<ProductRow[]> {
  const prodRows = rowsIn((await lake.group(collections.salesItems, { by: { p: 'product_id', d: 'order_date' }, fields: ['line_total_e4', 'profit_e4', 'quantity'], match })).values(), p);
  const prods = new Map<string, Sums>();
  for (const g of prodRows) {
    const id = keyOf<K>(g.key).p!;
    const s = prods.get(id) ?? zero();
    s.revenue_e4 += g.sums.line_total_e4 ?? 0;
    s.profit_e4 += g.sums.profit_e4 ?? 0;
    s.units += g.sums.quantity ?? 0;
    prods.set(id, s);
  }
  const info = new Map<string, { name: string; category: string; sub_category: string }>();
  if (prods.size) {
    // Only the period's products, by _id: a report reads slices, never a whole lake collection.
    const ids = [...prods.keys()];
    for await (const d of db.collection(collections.products).find({ _id: { $in: ids } } as never, { projection: { _id: 1, name: 1, category: 1, sub_category: 1 } })) {
      info.set(String(d._id), { name: String(d.name), category: String(d.category), sub_category: String(d.sub_category) });
    }
  }
  const productRows: ProductRow[] = [...prods].map(([id, s]) => ({ product_id: id, name: info.get(id)?.name ?? id, category: info.get(id)?.category ?? '', sub_category: info.get(id)?.sub_category ?? '', units: s.units, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4) }));
  return productRows.sort((a, b) => b.profit - a.profit || a.product_id.localeCompare(b.product_id));
}

/**
 * The customer figures, each as of the period's end: active and new customers of the period, the one before and the
 * year before (every one ends by `p.to`), the period's customer segments, and the RFM table of the customers who had
 * ordered by `p.to` (`rfm.ts`). Nothing here reads an order placed after the period, nor the whole customers mart.
 */
async function loadCustomerFigures(db: Db, { lake, match, branch }: PeriodLake, p: Period) {
  const [toDate, salesByCustomer] = await Promise.all([
    loadCustomersToDate(lake, p.to, branch),
    lake.group(collections.sales, { by: { c: 'customer_id', d: 'order_date' }, fields: ['total_e4', 'profit_e4'], match }).then((rows) => [...rows.values()]),
  ]);
  const ranges = [p, p.previous, p.lastYear] as const;
  const activeIn = (r: DateRange) => new Set(rowsIn(salesByCustomer, r).map((g) => keyOf<K>(g.key).c)).size;
  const active = ranges.map(activeIn) as [number, number, number];
  const fresh = ranges.map((r) => countNewCustomers(toDate, r)) as [number, number, number];
  const inPeriod = rowsIn(salesByCustomer, p);
  const segmentOf = await loadCustomerSegments(db, [...new Set(inPeriod.map((g) => keyOf<K>(g.key).c!))]);
  return { active, fresh, segments: segmentFigures(inPeriod, segmentOf), rfm: rfmSegmentsAsOf(toDate, p) };
}

/** The customers' segment (Consumer, Corporate, …) from the lake's customers, by _id: only the period's customers. */
async function loadCustomerSegments(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const segmentOf = new Map<string, string>();
  if (!ids.length) return segmentOf;
  for await (const c of db.collection(collections.customers).find({ _id: { $in: ids } } as never, { projection: { _id: 1, segment: 1 } })) segmentOf.set(String(c._id), String(c.segment));
  return segmentOf;
}

/** Pure: the period's customer × day sales rows by customer segment, by revenue. */
export function segmentFigures(rows: Iterable<{ key: GroupKey; count: number; sums: Record<string, number> }>, segmentOf: ReadonlyMap<string, string>): ReportData['segments'] {
  const seg = new Map<string, Sums & { set: Set<string> }>();
  for (const g of rows) {
    const k = keyOf<K>(g.key);
    const name = segmentOf.get(k.c!) ?? 'Unknown';
    const s = seg.get(name) ?? { ...zero(), set: new Set<string>() };
    s.orders += g.count;
    s.revenue_e4 += g.sums.total_e4 ?? 0;
    s.profit_e4 += g.sums.profit_e4 ?? 0;
    s.set.add(k.c!);
    seg.set(name, s);
  }
  return [...seg].map(([segment, s]) => ({ segment, customers: s.set.size, orders: s.orders, revenue: money(s.revenue_e4), profit: money(s.profit_e4) })).sort((a, b) => b.revenue - a.revenue || a.segment.localeCompare(b.segment));
}

/** The period's lines by discount band, in the bands' order. */
async function loadDiscountBands({ lake, match }: PeriodLake, p: DateRange): Promise<ReportData['discountBands']> {
  const bandRows = rowsIn((await lake.group(collections.salesItems, { by: { x: 'discount_e4', d: 'order_date' }, fields: ['line_total_e4', 'profit_e4'], match })).values(), p);
  const bands = new Map<string, Sums>();
  for (const g of bandRows) {
    const band = bandOf(Number(keyOf<Record<string, number>>(g.key).x ?? 0));
    const s = bands.get(band) ?? zero();
    s.lines += g.count;
    s.revenue_e4 += g.sums.line_total_e4 ?? 0;
    s.profit_e4 += g.sums.profit_e4 ?? 0;
    bands.set(band, s);
  }
  return discountBands.filter((b) => bands.has(b.band)).map((b) => {
    const s = bands.get(b.band)!;
    return { band: b.band, lines: s.lines, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4) };
  });
}

/** The period's orders by ship mode, with the average lead time, by orders. */
async function loadShipping({ lake, match }: PeriodLake, p: DateRange): Promise<ReportData['shipping']> {
  const shipRows = rowsIn((await lake.group(collections.sales, { by: { s: 'ship_mode', d: 'order_date' }, fields: ['total_e4', 'ship_days'], match })).values(), p);
  const ship = new Map<string, { orders: number; revenue_e4: number; days: number }>();
  for (const g of shipRows) {
    const mode = keyOf<K>(g.key).s!;
    const s = ship.get(mode) ?? { orders: 0, revenue_e4: 0, days: 0 };
    s.orders += g.count;
    s.revenue_e4 += g.sums.total_e4 ?? 0;
    s.days += g.sums.ship_days ?? 0;
    ship.set(mode, s);
  }
  return [...ship].map(([ship_mode, s]) => ({ ship_mode, orders: s.orders, revenue: money(s.revenue_e4), avg_lead_days: s.orders ? Math.round((s.days / s.orders) * 10) / 10 : null })).sort((a, b) => b.orders - a.orders || a.ship_mode.localeCompare(b.ship_mode));
}

/** The recommendation model's pairs and evaluation, for the analyst appendix: about the whole lake, not the period. */
function loadReco(modelsDir: string): { reco: ReportData['reco']; trainedAt: string | null } {
  const model = readJson<ItemSimModel>(path.join(modelsDir, 'item_sim.json'));
  const evaluation = readJson<Evaluation>(path.join(modelsDir, 'eval.json'));
  const reco: ReportData['reco'] = {
    pairs: model ? topPairs(model) : [],
    support: model?.parameters.level === 'customer' ? { header: 'Customers', meaning: 'customers who bought both' } : { header: 'Orders', meaning: 'orders holding both' },
    model: model ? { trained_at: model.trained_at, items: model.item_count, pairs: model.pair_count, level: model.parameters.level } : null,
    evaluation: evaluation
      ? {
          cut: evaluation.cut,
          cases: evaluation.cases,
          rows: (['model', 'popularity', 'random'] as const).flatMap((scorer) =>
            (['product', 'subcategory'] as const).map((level) => ({ scorer, level, hr: evaluation[scorer][level].hr_at_5.value, ndcg: evaluation[scorer][level].ndcg_at_5.value, coverage: evaluation[scorer][level].coverage })),
          ),
        }
      : null,
  };
  return { reco, trainedAt: model?.trained_at ?? null };
}

/**
 * Everything the report of period `p` shows. Every figure but the recommendations and the lineage uses only sales
 * ordered up to `p.to`: the period, the one before and the year before all end by then, and the customer figures
 * (new customers, RFM) are as of that day, so a later sale never changes an earlier period's report.
 *
 * With `branch`, every figure is that branch's: the daily mart's `by_branch` gives the key figures and the trend, the
 * lake's groupings match the lines' and sales' `branch_id`, and the RFM segments are those of the branch's customers.
 * The branches table stays the company's (the branch's rank among them), and its movers are its sub-categories.
 */
export async function loadReportData(inp: ReportInputs): Promise<ReportData> {
  const { db, period: p } = inp;
  await ensureLakeIndexes(db);
  const allDays = await db.collection<DailyDoc>(marts.daily).find({ date: { $gte: p.lastYear.from < p.previous.from ? p.lastYear.from : p.previous.from, $lte: p.to } }).sort({ date: 1 }).toArray();
  const branch = inp.branch ? await resolveBranch(db, inp.branch, allDays) : null;
  const days = branch ? branchDays(allDays, branch.id) : allDays;
  const lake = createLakeAccess(db);
  const ofBranch = branch ? { branch_id: branch.id } : {};
  // The lake is read for the period's own months, but where a figure is compared with the period before and the year
  // before (active customers, the sub-categories' moves): those read the three periods' months.
  const ofPeriod: PeriodLake = { lake, match: { order_month: { $in: monthsOf(p) }, ...ofBranch }, branch: branch?.id ?? null };
  const compared: PeriodLake = { ...ofPeriod, match: { order_month: { $in: [...new Set([p, p.previous, p.lastYear].flatMap(monthsOf))] }, ...ofBranch } };
  const { reco, trainedAt } = loadReco(inp.modelsDir);
  const [customers, catAll, byProfit, discountBands, shipping, lineage] = await Promise.all([
    loadCustomerFigures(db, compared, p),
    lake.group(collections.salesItems, { by: { c: 'category', s: 'sub_category', d: 'order_date' }, fields: ['line_total_e4', 'profit_e4', 'quantity', 'discount_e4'], match: compared.match }).then((rows) => [...rows.values()]),
    loadProducts(db, ofPeriod, p),
    loadDiscountBands(ofPeriod, p),
    loadShipping(ofPeriod, p),
    readLineage(inp, trainedAt),
  ]);
  const kpis = buildKpis(days, p, customers.active, customers.fresh);
  const trend = buildTrend(days, p);
  const branches = branchFigures(allDays, p);
  const empty = kpis[3]!.value === 0;
  return {
    period: p,
    branch,
    standing: branch ? branchStanding(branches, branch.name) : null,
    generatedAt: (inp.now ?? new Date()).toISOString(),
    database: db.databaseName,
    empty,
    kpis,
    trendGrain: trend.grain,
    // A period without sales has no trend to draw or list: its zero days would only repeat the note.
    trend: empty ? [] : trend.points,
    branches,
    categories: categoryFigures(rowsIn(catAll, p)),
    movers: { branches: branch ? [] : branchMovers(days, p), subCategories: subCategoryMovers(catAll, p, comparisonBases(days, p)) },
    topProducts: byProfit.slice(0, 10),
    bottomProducts: byProfit.slice(-10).reverse(),
    segments: customers.segments,
    discountBands,
    shipping,
    rfm: customers.rfm,
    reco,
    lineage,
  };
}

/**
 * The newest order day the warehouse knows, and the newest before the current calendar month: two indexed reads of
 * the daily mart, for the default period (`latestCompleteMonth`).
 */
export async function saleDays(db: Db, today: Date = new Date()): Promise<SaleDays> {
  const daily = db.collection<DailyDoc>(marts.daily);
  const newestWhere = async (filter: object) => (await daily.find(filter, { projection: { date: 1 } }).sort({ date: -1 }).limit(1).toArray())[0]?.date ?? null;
  const monthStart = `${today.toISOString().slice(0, 7)}-01`;
  const [newest, newestComplete] = await Promise.all([newestWhere({}), newestWhere({ date: { $lt: monthStart } })]);
  return { newest, newestComplete };
}

/**
 * The lake's sales lines, counted exactly. Not `estimatedDocumentCount` (nor a `count` without a filter): DocumentDB
 * answers those from PostgreSQL's planner statistics, which lagged by 22 of the Superstore's 9,994 lines.
 */
export function countLakeLines(db: Db): Promise<number> {
  return db.collection(collections.salesItems).countDocuments({});
}

export type Lineage = ReportData['lineage'] & { database: string; newestSale: string | null };

/** Where the figures come from: source, lake size, rejects, dead letters, warehouse build and model training. */
async function readLineage(inp: Omit<ReportInputs, 'period' | 'now'>, modelTrainedAt: string | null): Promise<ReportData['lineage']> {
  const state = await inp.db.collection<{ _id: string; built_at: Date }>(marts.state).findOne({ _id: 'warehouse' });
  return {
    source: describeSource(inp.source),
    sourceFile: path.basename(inp.source),
    lakeLines: await countLakeLines(inp.db),
    rejects: countRejects(inp.dataDir),
    deadLetters: inp.deadLetters ?? null,
    warehouseBuiltAt: state?.built_at ? new Date(state.built_at).toISOString() : null,
    modelTrainedAt,
  };
}

/** A notebook report's lineage, as the executive report's footer says it, plus the database and the newest sale day. */
export async function loadLineage(inp: Omit<ReportInputs, 'period' | 'now'>): Promise<Lineage> {
  const model = readJson<Pick<ItemSimModel, 'trained_at'>>(path.join(inp.modelsDir, 'item_sim.json'));
  const newest = await inp.db.collection<DailyDoc>(marts.daily).find({}, { projection: { date: 1 } }).sort({ date: -1 }).limit(1).toArray();
  return { database: inp.db.databaseName, ...(await readLineage(inp, model?.trained_at ?? null)), newestSale: newest[0]?.date ?? null };
}
