/**
 * The warehouse against the real MongoDB-wire server: every mart checked against figures computed independently
 * from the source CSV; full = incremental; a second run changes nothing; a sale written twice counts once. The lake
 * is written with the ingester's own writer (the Kafka path is covered by the ingest tests).
 */
import type { Db } from 'mongodb';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import type { ErpData, SaleWithItems } from '../../src/pipeline/core/entities';
import { buildWarehouse, marts, type BuildReport } from '../../src/pipeline/warehouse/build';
import { readMarts } from '../support/marts';
import { productRank, topProducts } from '../../src/pipeline/warehouse/products';
import { readStatistics } from '../../src/pipeline/warehouse/read-statistics';
import { readCustomerState } from '../../src/pipeline/warehouse/customer-state';
import type { CustomerDoc } from '../../src/pipeline/warehouse/customers';
import { scoreOfCode } from '../../src/pipeline/warehouse/rfm';
import { hasArrayHistograms, partDocument, partFromDocument, statMeasures, type PartDocument } from '../../src/pipeline/warehouse/statistics';
import { createTestEnv, type TestEnv } from './helpers';
import { distinctBy, e4, readReferenceLines, sumBy, type RefLine } from './reference';

let data: ErpData;
let sales: SaleWithItems[];
let ref: RefLine[];

beforeAll(async () => {
  data = (await loadErpData()).data;
  sales = salesWithItems(data);
  ref = readReferenceLines();
});

async function writeSales(db: Db, list: SaleWithItems[], withMasterData = true): Promise<void> {
  if (withMasterData) await writeLake(db, { products: data.products, customers: data.customers, sales: [] });
  for (let i = 0; i < list.length; i += 500) await writeLake(db, { products: [], customers: [], sales: list.slice(i, i + 500) });
}

const build = (db: Db, full = false) => buildWarehouse(db, { full, lateWriteMarginMs: 0 });
const changes = (r: BuildReport) => r.steps.reduce((n, s) => n + s.write.inserted + s.write.replaced + s.write.deleted, 0);

describe('warehouse: the Superstore, built in two increments', () => {
  let env: TestEnv;
  let db: Db;
  let incremental: Record<string, unknown[]>;
  beforeAll(async () => {
    env = await createTestEnv('wh');
    db = env.mongo.db;
    const cut = '2017-07-01';
    await writeSales(db, sales.filter((s) => s.order_date < cut));
    expect((await build(db)).mode).toBe('full'); // the first build is always full
    await new Promise((r) => setTimeout(r, 20)); // later writes get a later ingested_at than the watermark
    await writeSales(db, sales.filter((s) => s.order_date >= cut), false);
    const second = await build(db);
    expect(second.mode).toBe('incremental');
    expect(second.scope.months).toBe(6);
    incremental = await readMarts(db);
  });
  afterAll(() => env?.cleanup());

  it('daily_sales_summary matches the CSV day by day and sums to the reference revenue', () => {
    const days = incremental[marts.daily] as { date: string; revenue_e4: number; revenue: number; orders: number; lines: number; units: number; profit_e4: number }[];
    const revenue = sumBy(ref, (r) => r.date, (r) => e4(r.sales));
    const orders = distinctBy(ref, (r) => r.date, (r) => r.orderId);
    expect(days).toHaveLength(revenue.size);
    for (const d of days) {
      expect([d.date, d.revenue_e4, d.orders]).toEqual([d.date, revenue.get(d.date), orders.get(d.date)]);
    }
    const total = days.reduce((s, d) => s + d.revenue_e4, 0);
    expect(Math.round(total / 100) / 100).toBe(2297200.86);
    const byYear = sumBy(days, (d) => d.date.slice(0, 4), (d) => d.revenue_e4);
    expect([...byYear].map(([y, v]) => [y, Math.round(v / 100) / 100])).toEqual([['2014', 484247.5], ['2015', 470532.51], ['2016', 609205.6], ['2017', 733215.26]]);
    expect(days.reduce((s, d) => s + d.units, 0)).toBe(37873);
    expect(days.reduce((s, d) => s + d.lines, 0)).toBe(9994);
    expect(Math.round(days.reduce((s, d) => s + d.profit_e4, 0) / 100) / 100).toBe(286397.02);
  });

  it('category_analysis matches the CSV per category, sub-category and month', () => {
    const docs = incremental[marts.categories] as { month: string; category: string; sub_category: string; revenue_e4: number; profit_e4: number; units: number }[];
    const key = (r: RefLine) => `${r.date.slice(0, 7)}|${r.category}|${r.subCategory}`;
    const revenue = sumBy(ref, key, (r) => e4(r.sales));
    const profit = sumBy(ref, key, (r) => e4(r.profit));
    const units = sumBy(ref, key, (r) => r.quantity);
    expect(docs).toHaveLength(revenue.size);
    for (const d of docs) {
      const k = `${d.month}|${d.category}|${d.sub_category}`;
      expect([k, d.revenue_e4, d.profit_e4, d.units]).toEqual([k, revenue.get(k), profit.get(k), units.get(k)]);
    }
  });

  it('sales_cube matches the CSV per month, branch, category and sub-category', () => {
    const docs = incremental[marts.cube] as { month: string; branch_id: string; category: string; sub_category: string; revenue_e4: number; units: number }[];
    const key = (r: RefLine) => `${r.date.slice(0, 7)}|BR-${r.region.toUpperCase()}|${r.category}|${r.subCategory}`;
    const revenue = sumBy(ref, key, (r) => e4(r.sales));
    const units = sumBy(ref, key, (r) => r.quantity);
    expect(docs).toHaveLength(revenue.size);
    for (const d of docs) {
      const k = `${d.month}|${d.branch_id}|${d.category}|${d.sub_category}`;
      expect([k, d.revenue_e4, d.units]).toEqual([k, revenue.get(k), units.get(k)]);
    }
  });

  it('top_products sums every product, all-time and per year, as the CSV says', () => {
    const docs = incremental[marts.products] as { period: string; product_id: string; revenue_e4: number }[];
    for (const period of ['all', '2014', '2017']) {
      const rows = period === 'all' ? ref : ref.filter((r) => r.date.startsWith(period));
      const revenue = sumBy(rows, (r) => r.productId, (r) => e4(r.sales));
      const mine = docs.filter((d) => d.period === period);
      expect(mine).toHaveLength(revenue.size);
      for (const d of mine) expect([d.product_id, d.revenue_e4]).toEqual([d.product_id, revenue.get(d.product_id)]);
    }
  });

  it('topProducts and productRank rank a period by revenue or profit as the CSV does (ties by product_id)', async () => {
    const rankOf = (rows: RefLine[], value: (r: RefLine) => number) =>
      [...sumBy(rows, (r) => r.productId, value)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    for (const period of ['all', '2016']) {
      const rows = period === 'all' ? ref : ref.filter((r) => r.date.startsWith(period));
      const byRevenue = rankOf(rows, (r) => e4(r.sales));
      const byProfit = rankOf(rows, (r) => e4(r.profit));
      const top = await topProducts(db, { period, by: 'revenue', limit: 5 });
      expect(top.map((p) => [p.rank, p.product_id])).toEqual(byRevenue.slice(0, 5).map((id, i) => [i + 1, id]));
      const worst = await topProducts(db, { period, by: 'profit', limit: 3, lowest: true });
      expect(worst.map((p) => p.product_id)).toEqual(byProfit.slice(-3).reverse());
      for (const p of top) expect(await productRank(db, p, 'profit')).toBe(byProfit.indexOf(p.product_id) + 1);
    }
    expect((await topProducts(db, { period: 'all', by: 'revenue', limit: 1 }))[0]).toMatchObject({ name: 'Canon imageCLASS 2200 Advanced Copier', units: 20, rank: 1 });
  });

  it('customer_analysis matches the CSV per customer and segments everyone', () => {
    const docs = incremental[marts.customers] as { customer_id: string; orders: number; revenue_e4: number; first_order: string; last_order: string; rfm_segment: string }[];
    const orders = distinctBy(ref, (r) => r.customerId, (r) => r.orderId);
    const revenue = sumBy(ref, (r) => r.customerId, (r) => e4(r.sales));
    const first = new Map<string, string>();
    for (const r of [...ref].sort((a, b) => b.date.localeCompare(a.date))) first.set(r.customerId, r.date);
    expect(docs).toHaveLength(793);
    for (const d of docs) {
      expect([d.customer_id, d.orders, d.revenue_e4, d.first_order]).toEqual([d.customer_id, orders.get(d.customer_id), revenue.get(d.customer_id), first.get(d.customer_id)]);
      expect(d.rfm_segment).toEqual(expect.any(String));
    }
  });

  it('store_analysis gives each branch its region revenue and distinct customers', () => {
    const docs = incremental[marts.stores] as { branch_id: string; revenue_e4: number; customers: number; months: unknown[] }[];
    const revenue = sumBy(ref, (r) => `BR-${r.region.toUpperCase()}`, (r) => e4(r.sales));
    const customers = distinctBy(ref, (r) => `BR-${r.region.toUpperCase()}`, (r) => r.customerId);
    expect(docs.map((d) => [d.branch_id, d.revenue_e4, d.customers])).toEqual([...revenue.keys()].sort().map((b) => [b, revenue.get(b), customers.get(b)]));
    expect(docs[0]!.months).toHaveLength(48);
  });

  it('sales_statistics: moments, quartiles and correlation equal a direct computation', () => {
    const docs = incremental[marts.statistics] as { _id: string; measures?: Record<string, { mean: number; median: number; std: number; q1: number }>; matrix?: { field: string; values: number[] }[] }[];
    const xs = ref.map((r) => r.sales);
    const ys = ref.map((r) => r.profit);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
    const sorted = [...xs].sort((a, b) => a - b);
    const d = docs.find((x) => x._id === 'descriptive')!.measures!.sales!;
    expect(d.mean).toBeCloseTo(mean(xs), 5);
    expect(d.std).toBeCloseTo(sd(xs), 5);
    expect(d.median).toBeCloseTo((sorted[4996]! + sorted[4997]!) / 2, 6);
    const cov = xs.reduce((s, x, i) => s + (x - mean(xs)) * (ys[i]! - mean(ys)), 0) / (xs.length - 1);
    const corr = docs.find((x) => x._id === 'correlation')!.matrix!.find((r) => r.field === 'sales')!.values[3]!;
    expect(corr).toBeCloseTo(cov / (sd(xs) * sd(ys)), 5);
    const monthly = docs.find((x) => x._id === 'monthly') as unknown as { months: { month: string; yoy_growth: number | null }[] };
    expect(monthly.months).toHaveLength(48);
    expect(monthly.months[12]!.yoy_growth).not.toBeNull();
  });

  it("readStatistics: a year's, from its months' parts, equals a direct computation of its lines; every month's are the mart's", async () => {
    const y2016 = await readStatistics(db, Array.from({ length: 12 }, (_, i) => `2016-${String(i + 1).padStart(2, '0')}`));
    const lines = ref.filter((r) => r.date.startsWith('2016'));
    const xs = lines.map((r) => r.sales).sort((a, b) => a - b);
    const d = (y2016.descriptive as { lines: number; measures: Record<string, { count: number; median: number; mean: number }> }).measures.sales!;
    expect([(y2016.descriptive as { lines: number }).lines, d.count]).toEqual([lines.length, lines.length]);
    expect(d.mean).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 5);
    const mid = (xs.length - 1) / 2;
    expect(d.median).toBeCloseTo((xs[Math.floor(mid)]! + xs[Math.ceil(mid)]!) / 2, 6);
    const bands = (y2016.discount_bands as { bands: { lines: number }[] }).bands;
    expect(bands.reduce((s, b) => s + b.lines, 0)).toBe(lines.length);
    expect(y2016.monthly).toBeUndefined();
    const months = (incremental[marts.statisticsParts] as { _id: string }[]).map((p) => p._id);
    const [all, mart] = [await readStatistics(db, months), await readStatistics(db, null)];
    for (const id of ['descriptive', 'correlation', 'discount_bands']) expect(all[id]).toEqual(mart[id]);
    expect(await readStatistics(db, ['1999-01'])).toEqual({});
  });

  it('a full rebuild finds every incremental partition already right, and the result is identical', async () => {
    const r = await build(db, true);
    expect(changes(r)).toBe(0);
    expect(await readMarts(db)).toEqual(incremental);
  });

  it('a second run with nothing new changes nothing', async () => {
    const r = await build(db);
    expect(r.mode).toBe('nothing-new');
    expect(await readMarts(db)).toEqual(incremental);
  });

  it('a sale written twice is counted once; a late sale is counted once, in its own day', async () => {
    await writeSales(db, sales.slice(0, 50), false); // redelivered: the lake skips them
    expect((await build(db)).mode).toBe('nothing-new');
    const template = sales.find((s) => s.order_date === '2015-03-01')!;
    const late: SaleWithItems = { ...template, sale_id: 'LATE-1', items: template.items.map((i) => ({ ...i, sale_id: 'LATE-1', item_id: `LATE-1#${i.line}` })) };
    await writeSales(db, [late], false);
    await writeSales(db, [late], false);
    const r = await build(db);
    expect(r).toMatchObject({ mode: 'incremental', scope: { days: 1, months: 1, years: 1 } });
    const after = await readMarts(db);
    const day = (m: Record<string, unknown[]>) => (m[marts.daily] as { date: string; orders: number; revenue_e4: number }[]).find((d) => d.date === '2015-03-01')!;
    expect(day(after).orders).toBe(day(incremental).orders + 1);
    expect(day(after).revenue_e4).toBe(day(incremental).revenue_e4 + e4(late.total));
    const full = await build(db, true);
    expect(changes(full)).toBe(0);
  });

  it("the customers' packed state is a copy of the mart after every build", async () => {
    const state = await readCustomerState(db, marts.customerState);
    const mart = await db.collection<CustomerDoc>(marts.customers).find({}).toArray();
    const facts = (c: { customer_id: string; last_order: string; orders: number; revenue_e4: number; branches: string[] }) => [c.customer_id, c.last_order, c.orders, c.revenue_e4, c.branches];
    expect(state?.map((c) => [...facts(c), scoreOfCode(c.code).r, scoreOfCode(c.code).f, scoreOfCode(c.code).m, scoreOfCode(c.code).segment]).sort()).toEqual(mart.map((c) => [...facts(c), c.rfm.r, c.rfm.f, c.rfm.m, c.rfm_segment]).sort());
  });

  it('a build stopped between the customers and their state leaves none, and the next build reads the mart instead', async () => {
    await db.collection(marts.customerState).deleteOne({ _id: 'header' as never }); // what the stopped build left
    expect(await readCustomerState(db, marts.customerState)).toBeNull();
    const template = sales.find((s) => s.order_date === '2016-05-02')!;
    const late: SaleWithItems = { ...template, sale_id: 'LATE-2', items: template.items.map((i) => ({ ...i, sale_id: 'LATE-2', item_id: `LATE-2#${i.line}` })) };
    await writeSales(db, [late], false);
    expect((await build(db)).mode).toBe('incremental');
    expect(await readCustomerState(db, marts.customerState)).not.toBeNull();
    expect(changes(await build(db, true))).toBe(0);
  });

  it('marts built by an older version (no layout recorded, a stored rank) are rebuilt in full, not mixed', async () => {
    await db.collection(marts.state).updateOne({ _id: 'warehouse' as never }, { $unset: { layout: '' } });
    await db.collection(marts.products).updateMany({ period: '2014' }, { $set: { rank_revenue: 1 } });
    const r = await build(db);
    expect(r.mode).toBe('full');
    expect(await db.collection(marts.products).countDocuments({ rank_revenue: { $exists: true } })).toBe(0);
    expect((await build(db)).mode).toBe('nothing-new');
  });
});

describe('warehouse: statistics parts written by the previous version', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('whs');
  });
  afterAll(() => env?.cleanup());

  it('parts with histograms as arrays are read by an incremental build, rewritten as bytes, and equal a full rebuild', async () => {
    const db = env.mongo.db;
    const cut = '2017-12-01';
    await writeSales(db, sales.filter((s) => s.order_date < cut));
    await build(db);
    // Every part as the previous version wrote it: histograms as sorted `values` and `counts` arrays.
    const parts = db.collection<PartDocument>(marts.statisticsParts);
    for (const d of await parts.find({}).toArray()) {
      const p = partFromDocument(d);
      const histograms = p.histograms.map((h, i) => ({ measure: statMeasures[i]!.name, values: [...h.values], counts: [...h.counts] }));
      await parts.replaceOne({ _id: d._id }, { ...partDocument(p), histograms });
    }
    expect((await parts.find({}).toArray()).every(hasArrayHistograms)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await writeSales(db, sales.filter((s) => s.order_date >= cut), false);
    const r = await build(db);
    expect(r).toMatchObject({ mode: 'incremental', scope: { months: 1 } });
    // The new month's part inserted; the 47 other parts rewritten from what was read, and the 4 statistics documents.
    expect(r.steps.find((s) => s.mart === marts.statistics)!.write).toMatchObject({ inserted: 1, replaced: 47 + 4, deleted: 0 });
    expect((await parts.find({}).toArray()).some(hasArrayHistograms)).toBe(false);
    const incremental = await readMarts(db);
    const full = await build(db, true);
    expect(changes(full)).toBe(0);
    expect(await readMarts(db)).toEqual(incremental);
  });
});

describe('warehouse: strategies and edge cases', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('whx');
  });
  afterAll(() => env?.cleanup());

  it('an empty lake gives empty marts and says so', async () => {
    const r = await build(env.mongo.db);
    expect(r.mode).toBe('empty-lake');
    for (const docs of Object.values(await readMarts(env.mongo.db))) expect(docs).toEqual([]);
  });
});
