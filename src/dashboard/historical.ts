/**
 * The historical dashboard: filters by year, month, branch and category over the warehouse marts only
 * (`sales_cube`, `daily_sales_summary`, `top_products`, `branch_products`, `sales_statistics`, `store_analysis`),
 * never the lake, so it stays fast however many lines the lake holds.
 */
import type { Db, Document } from 'mongodb';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { marts } from '../pipeline/warehouse/build';
import type { CubeDoc } from '../pipeline/warehouse/cube';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { fromUnits, roundCents } from '../pipeline/core/money';
import { ratio } from '../pipeline/warehouse/measures';
import { branchChart, categoryChart, correlationChart, discountChart, trendChart } from '../reports/charts';
import { esc, formatValue } from '../reports/format';
import { numFmt } from '../reports/excel';
import type { HistoricalFilter, Known } from './params';
import { kpi } from './layout';
import type { DrawChart } from './interactive';
import { topProductsChart } from './charts';
import { allTime, topBranchProducts, topProducts, type RankedProduct } from '../pipeline/warehouse/products';

export interface BranchInfo {
  id: string;
  name: string;
}

export async function readKnown(db: Db): Promise<Known & { branchNames: Map<string, string> }> {
  // distinct, not the whole cube: this runs on the first request after every build (a cold view).
  const [stores, years, categories] = await Promise.all([
    db.collection(marts.stores).find({}, { projection: { _id: 1, branch_name: 1 } }).toArray(),
    db.collection<CubeDoc>(marts.cube).distinct('year'),
    db.collection<CubeDoc>(marts.cube).distinct('category'),
  ]);
  return {
    years: [...new Set(years.map(Number))].sort(),
    branches: stores.map((s) => String(s._id)).sort(),
    categories: [...new Set(categories.map(String))].sort(),
    branchNames: new Map(stores.map((s) => [String(s._id), String(s.branch_name)])),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The cube filter as a MongoDB query: validated plain values only, assembled here, never taken from the request. */
export function cubeQuery(f: HistoricalFilter): Document {
  const q: Document = {};
  if (f.year !== null && f.month !== null) q.month = `${f.year}-${pad(f.month)}`;
  else if (f.year !== null) q.year = f.year;
  if (f.branch !== null) q.branch_id = f.branch;
  if (f.category !== null) q.category = f.category;
  return q;
}

interface Sums {
  lines: number;
  units: number;
  revenue_e4: number;
  profit_e4: number;
}

function sumBy<K>(rows: readonly CubeDoc[], key: (r: CubeDoc) => K): Map<K, Sums> {
  const out = new Map<K, Sums>();
  for (const r of rows) {
    const s = out.get(key(r)) ?? { lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
    s.lines += r.lines;
    s.units += r.units;
    s.revenue_e4 += r.revenue_e4;
    s.profit_e4 += r.profit_e4;
    out.set(key(r), s);
  }
  return out;
}

/**
 * The top products by profit under the filter: the company's (`top_products`) or the branch's (`branch_products`),
 * within the category, for the year or all years. Both marts are by year, so a month filter ranks its whole year.
 */
export function readTopProducts(db: Db, f: HistoricalFilter): Promise<RankedProduct[]> {
  const period = f.year === null ? allTime : String(f.year);
  const filter = f.category !== null ? { category: f.category } : undefined;
  return f.branch === null ? topProducts(db, { period, by: 'profit', limit: 10, filter }) : topBranchProducts(db, { branch: f.branch, period, by: 'profit', limit: 10, filter });
}

/** What the top products chart shows, in its title: "Top products by profit, 2017 (whole year) · West · Los Angeles · Technology". */
export function topProductsTitle(f: HistoricalFilter, branchName: string | null): string {
  const when = f.year === null ? 'all years' : `${f.year}${f.month !== null ? ' (whole year)' : ''}`;
  return `Top products by profit, ${when} · ${branchName ?? 'all branches'}${f.category ? ` · ${f.category}` : ''}`;
}

export interface HistoricalView {
  filter: HistoricalFilter;
  totals: Sums & { orders: number | null };
  rows: CubeDoc[];
  html: string;
}

export async function readCube(db: Db, f: HistoricalFilter): Promise<CubeDoc[]> {
  return db.collection<CubeDoc>(marts.cube).find(cubeQuery(f)).sort({ _id: 1 }).toArray();
}

/** Orders come from the daily summary (an order can span categories, so they are not in the cube). */
async function countOrders(db: Db, f: HistoricalFilter): Promise<number | null> {
  if (f.category !== null) return null;
  const from = f.year === null ? '0000' : f.month === null ? `${f.year}-01-01` : `${f.year}-${pad(f.month)}-01`;
  const to = f.year === null ? '9999' : f.month === null ? `${f.year}-12-31` : `${f.year}-${pad(f.month)}-31`;
  const days = await db.collection<DailyDoc>(marts.daily).find({ date: { $gte: from, $lte: to } }, { projection: { orders: 1, by_branch: 1 } }).toArray();
  return days.reduce((n, d) => n + (f.branch === null ? d.orders : (d.by_branch.find((b) => b.branch_id === f.branch)?.orders ?? 0)), 0);
}

/**
 * `formQuery` is the filter's canonical query string (for the export links), so equal filters give equal pages; `draw`
 * draws each chart (the server's figure cache).
 */
export async function historicalView(db: Db, f: HistoricalFilter, known: Known & { branchNames: Map<string, string> }, formQuery: string, draw: DrawChart): Promise<HistoricalView> {
  // The reads are independent: together, the cold view waits for the slowest, not for their sum.
  const [rows, orders, productDocs, stats] = await Promise.all([
    readCube(db, f),
    countOrders(db, f),
    readTopProducts(db, f),
    db.collection(marts.statistics).find({ _id: { $in: ['correlation', 'discount_bands'] } } as Document).toArray(),
  ]);
  const all = sumBy(rows, () => 'all').get('all') ?? { lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
  const money = (e4: number) => roundCents(fromUnits(e4));
  const kpis = [
    kpi('revenue', 'Revenue', formatValue(money(all.revenue_e4), 'money')),
    kpi('profit', 'Profit', formatValue(money(all.profit_e4), 'money')),
    kpi('margin', 'Margin', formatValue(ratio(all.profit_e4, all.revenue_e4), 'percent')),
    kpi('orders', 'Orders', orders === null ? 'n/a by category' : formatValue(orders, 'count')),
    kpi('aov', 'Avg order value', orders ? formatValue(roundCents(fromUnits(all.revenue_e4) / orders), 'money') : '–'),
    kpi('units', 'Units', formatValue(all.units, 'count')),
    kpi('lines', 'Order lines', formatValue(all.lines, 'count')),
  ].join('');

  const trend = [...sumBy(rows, (r) => r.month)].sort(([a], [b]) => a.localeCompare(b)).map(([month, s], i, arr) => {
    const win = arr.slice(Math.max(0, i - 2), i + 1);
    return { date: month, revenue: fromUnits(s.revenue_e4), profit: fromUnits(s.profit_e4), revenue_avg: win.length === 3 ? money(win.reduce((t, [, x]) => t + x.revenue_e4, 0) / 3) : null };
  });
  const branches = [...sumBy(rows, (r) => r.branch_id)].map(([id, s]) => ({ branch: known.branchNames.get(id) ?? id, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4), orders: 0 })).sort((a, b) => b.revenue - a.revenue);
  const subs = [...sumBy(rows, (r) => `${r.category}|${r.sub_category}`)].map(([k, s]) => {
    const [category, sub_category] = k.split('|') as [string, string];
    return { category, sub_category, revenue: money(s.revenue_e4), profit: money(s.profit_e4), margin: ratio(s.profit_e4, s.revenue_e4), units: s.units, avg_discount: null };
  }).sort((a, b) => b.revenue - a.revenue);
  const products = productDocs.map((p) => ({ product_id: p.product_id, name: p.name, category: p.category, sub_category: p.sub_category, units: p.units, revenue: p.revenue, profit: p.profit, margin: p.margin }));
  const corr = stats.find((s) => String(s._id) === 'correlation');
  const bands = stats.find((s) => String(s._id) === 'discount_bands');

  const charts = rows.length
    ? [
        await draw('trend', trendChart(trend, 'month', 700)),
        await draw('branches', branchChart(branches, 420)),
        await draw('categories', categoryChart(subs, 700)),
        await draw('products', topProductsChart(products, topProductsTitle(f, f.branch === null ? null : (known.branchNames.get(f.branch) ?? f.branch)))),
      ].join('')
    : '<p class="note">No sales match these filters.</p>';
  const statsHtml =
    corr && bands
      ? `<h2>Statistics (all lines)</h2><div class="grid2">${await draw('correlation', correlationChart(corr.fields as string[], corr.matrix as { field: string; values: (number | null)[] }[]))}${await draw('discount', discountChart(bands.bands as never, 380))}</div>`
      : '';
  const table = `<table data-table="subcategories"><thead><tr><th>Category</th><th>Sub-category</th><th class="num">Units</th><th class="num">Revenue</th><th class="num">Profit</th><th class="num">Margin</th></tr></thead><tbody>${subs
    .map((s) => `<tr><td>${esc(s.category)}</td><td>${esc(s.sub_category)}</td><td class="num">${esc(formatValue(s.units, 'count'))}</td><td class="num">${esc(formatValue(s.revenue, 'money'))}</td><td class="num">${esc(formatValue(s.profit, 'money'))}</td><td class="num">${esc(formatValue(s.margin, 'percent'))}</td></tr>`)
    .join('')}</tbody></table>`;

  const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const form = `<form class="filters" method="get" action="/historical">
<label>Year<select name="year">${option('', 'all years', f.year === null)}${known.years.map((y) => option(String(y), String(y), f.year === y)).join('')}</select></label>
<label>Month<select name="month">${option('', 'all months', f.month === null)}${Array.from({ length: 12 }, (_, i) => option(String(i + 1), new Date(Date.UTC(2000, i, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' }), f.month === i + 1)).join('')}</select></label>
<label>Branch<select name="branch">${option('', 'all branches', f.branch === null)}${known.branches.map((b) => option(b, known.branchNames.get(b) ?? b, f.branch === b)).join('')}</select></label>
<label>Category<select name="category">${option('', 'all categories', f.category === null)}${known.categories.map((c) => option(c, c, f.category === c)).join('')}</select></label>
<button type="submit">Apply</button>
<span class="note">Export this view: <a id="export-csv" href="/historical/export.csv${esc(formQuery)}">CSV</a> · <a id="export-xlsx" href="/historical/export.xlsx${esc(formQuery)}">Excel</a></span>
</form>`;
  const html = `<h1>Historical sales</h1>${form}<div class="kpis">${kpis}</div>${charts}<h2>Sub-categories</h2>${table}${statsHtml}
<p class="note">From the warehouse marts. Orders are not split by category (an order can hold several); products are ranked per year${f.month ? ' (not per month)' : ''}, within the branch and category chosen.</p>`;
  return { filter: f, totals: { ...all, orders }, rows, html };
}

const exportColumns = [
  ['month', 'Month'],
  ['branch_id', 'Branch'],
  ['category', 'Category'],
  ['sub_category', 'Sub-category'],
  ['lines', 'Lines'],
  ['units', 'Units'],
  ['revenue', 'Revenue'],
  ['profit', 'Profit'],
  ['margin', 'Margin'],
] as const;

/** CSV of the filtered cube. Text cells that a spreadsheet would read as a formula get a leading apostrophe. */
export function exportCsv(rows: readonly CubeDoc[]): string {
  const safe = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify([exportColumns.map(([, h]) => h), ...rows.map((r) => exportColumns.map(([k]) => safe((r as unknown as Record<string, unknown>)[k])))]);
}

export async function exportXlsx(rows: readonly CubeDoc[], f: HistoricalFilter): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sales', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(exportColumns.map(([, h]) => h)).font = { bold: true };
  for (const r of rows) {
    const row = ws.addRow([new Date(`${r.month}-01T00:00:00Z`), r.branch_id, r.category, r.sub_category, r.lines, r.units, r.revenue, r.profit, r.margin]);
    row.getCell(1).numFmt = 'yyyy-mm';
    row.getCell(7).numFmt = numFmt.money;
    row.getCell(8).numFmt = numFmt.money;
    row.getCell(9).numFmt = numFmt.percent;
  }
  [10, 12, 18, 16, 8, 8, 14, 14, 9].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: exportColumns.length } };
  const about = wb.addWorksheet('Filters');
  about.addRow(['Filter', 'Value']).font = { bold: true };
  for (const [k, v] of Object.entries(f)) about.addRow([k, v === null ? 'all' : String(v)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
