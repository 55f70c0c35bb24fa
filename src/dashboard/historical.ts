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
import { esc, formatValue, type NumberFormat } from '../reports/format';
import type { ReportData } from '../reports/data';
import { capitalise, formatsOf, t, type Locale, type MessageKey } from '../i18n';
import { englishPage, langField, withLang, type PageLang } from './lang';
import { numFmt } from '../reports/excel';
import type { HistoricalFilter, Known } from './params';
import { kpi } from './layout';
import { drawIn, type DrawChart } from './interactive';
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

/**
 * What the top products chart shows, in its title: "Top products by profit, 2017 (whole year) · West · Los Angeles ·
 * Technology" ("Productos con más beneficio, 2017 (todo el año) · …").
 */
export function topProductsTitle(f: HistoricalFilter, branchName: string | null, locale: Locale = 'en'): string {
  const when = f.year === null ? t(locale, 'dashboard.products.allYears') : t(locale, f.month !== null ? 'dashboard.products.wholeYear' : 'dashboard.products.year', { year: String(f.year) });
  const scope = [branchName ?? t(locale, 'dashboard.filter.allBranches'), ...(f.category ? [f.category] : [])];
  return t(locale, 'dashboard.products.title', { when, scope: scope.join(' · ') });
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

const money = (e4: number) => roundCents(fromUnits(e4));

/** The key figures of the filtered cube; orders come from the daily summary (null under a category filter). */
function kpiCards(all: Sums, orders: number | null, locale: Locale): string {
  const fmt = (v: number | null, f: NumberFormat) => formatValue(v, f, locale);
  return [
    kpi('revenue', t(locale, 'dashboard.kpi.revenue'), fmt(money(all.revenue_e4), 'money')),
    kpi('profit', t(locale, 'dashboard.kpi.profit'), fmt(money(all.profit_e4), 'money')),
    kpi('margin', t(locale, 'dashboard.kpi.margin'), fmt(ratio(all.profit_e4, all.revenue_e4), 'percent')),
    kpi('orders', t(locale, 'dashboard.kpi.orders'), orders === null ? t(locale, 'dashboard.kpi.ordersByCategory') : fmt(orders, 'count')),
    kpi('aov', t(locale, 'dashboard.kpi.aov'), orders ? fmt(roundCents(fromUnits(all.revenue_e4) / orders), 'money') : '–'),
    kpi('units', t(locale, 'dashboard.kpi.units'), fmt(all.units, 'count')),
    kpi('lines', t(locale, 'dashboard.kpi.lines'), fmt(all.lines, 'count')),
  ].join('');
}

type SubRow = ReportData['categories'][number];

/** The sub-categories table: data names as they are, numbers in the reader's formats. */
function subCategoryTable(subs: readonly SubRow[], locale: Locale): string {
  const fmt = (v: number | null, f: NumberFormat) => esc(formatValue(v, f, locale));
  const th = (key: MessageKey, num = false) => `<th${num ? ' class="num"' : ''}>${esc(t(locale, key))}</th>`;
  const head = [th('dashboard.column.category'), th('dashboard.column.subCategory'), th('dashboard.column.units', true), th('dashboard.column.revenue', true), th('dashboard.column.profit', true), th('dashboard.column.margin', true)].join('');
  const rows = subs.map((s) => `<tr><td>${esc(s.category)}</td><td>${esc(s.sub_category)}</td><td class="num">${fmt(s.units, 'count')}</td><td class="num">${fmt(s.revenue, 'money')}</td><td class="num">${fmt(s.profit, 'money')}</td><td class="num">${fmt(s.margin, 'percent')}</td></tr>`);
  return `<table data-table="subcategories"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The filters (a GET form that keeps the language chosen) and the export links of this view. */
function filterForm(f: HistoricalFilter, known: Known & { branchNames: Map<string, string> }, formQuery: string, lang: PageLang): string {
  const { locale } = lang;
  const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const select = (name: string, label: MessageKey, all: MessageKey, none: boolean, options: string[]) => `<label>${esc(t(locale, label))}<select name="${name}">${option('', t(locale, all), none)}${options.join('')}</select></label>`;
  const fmt = formatsOf(locale);
  const years = known.years.map((y) => option(String(y), String(y), f.year === y));
  const months = Array.from({ length: 12 }, (_, i) => option(String(i + 1), capitalise(fmt.monthName(i + 1)), f.month === i + 1));
  const branches = known.branches.map((b) => option(b, known.branchNames.get(b) ?? b, f.branch === b));
  const categories = known.categories.map((c) => option(c, c, f.category === c));
  const exportLink = (id: string, file: string, key: MessageKey) => `<a id="${id}" href="${esc(withLang(`/historical/${file}${formQuery}`, lang))}">${esc(t(locale, key))}</a>`;
  return `<form class="filters" method="get" action="/historical">
${select('year', 'dashboard.filter.year', 'dashboard.filter.allYears', f.year === null, years)}
${select('month', 'dashboard.filter.month', 'dashboard.filter.allMonths', f.month === null, months)}
${select('branch', 'dashboard.filter.branch', 'dashboard.filter.allBranches', f.branch === null, branches)}
${select('category', 'dashboard.filter.category', 'dashboard.filter.allCategories', f.category === null, categories)}
${langField(lang)}<button type="submit">${esc(t(locale, 'dashboard.filter.apply'))}</button>
<span class="note">${esc(t(locale, 'dashboard.historical.export'))} ${exportLink('export-csv', 'export.csv', 'dashboard.historical.csv')} · ${exportLink('export-xlsx', 'export.xlsx', 'dashboard.historical.excel')}</span>
</form>`;
}

/**
 * `formQuery` is the filter's canonical query string (for the export links), so equal filters give equal pages; `draw`
 * draws each chart (the server's figure cache); `lang` the reader's language.
 */
export async function historicalView(db: Db, f: HistoricalFilter, known: Known & { branchNames: Map<string, string> }, formQuery: string, drawChart: DrawChart, lang: PageLang = englishPage): Promise<HistoricalView> {
  const { locale } = lang;
  const draw = drawIn(drawChart, locale);
  // The reads are independent: together, the cold view waits for the slowest, not for their sum.
  const [rows, orders, productDocs, stats] = await Promise.all([
    readCube(db, f),
    countOrders(db, f),
    readTopProducts(db, f),
    db.collection(marts.statistics).find({ _id: { $in: ['correlation', 'discount_bands'] } } as Document).toArray(),
  ]);
  const all = sumBy(rows, () => 'all').get('all') ?? { lines: 0, units: 0, revenue_e4: 0, profit_e4: 0 };
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
  const branchName = f.branch === null ? null : (known.branchNames.get(f.branch) ?? f.branch);

  const charts = rows.length
    ? [
        await draw('trend', trendChart(trend, 'month', 700, undefined, locale)),
        await draw('branches', branchChart(branches, 420, locale)),
        await draw('categories', categoryChart(subs, 700, undefined, locale)),
        await draw('products', topProductsChart(products, topProductsTitle(f, branchName, locale), undefined, locale)),
      ].join('')
    : `<p class="note">${esc(t(locale, 'dashboard.historical.noSales'))}</p>`;
  const statsHtml =
    corr && bands
      ? `<h2>${esc(t(locale, 'dashboard.historical.statistics'))}</h2><div class="grid2">${await draw('correlation', correlationChart(corr.fields as string[], corr.matrix as { field: string; values: (number | null)[] }[], undefined, undefined, locale))}${await draw('discount', discountChart(bands.bands as never, 380, locale))}</div>`
      : '';
  const note = t(locale, 'dashboard.historical.note', { month: f.month ? 'yes' : 'no' });
  const html = `<h1>${esc(t(locale, 'dashboard.historical.title'))}</h1>${filterForm(f, known, formQuery, lang)}<div class="kpis">${kpiCards(all, orders, locale)}</div>${charts}<h2>${esc(t(locale, 'dashboard.historical.subCategories'))}</h2>${subCategoryTable(subs, locale)}${statsHtml}
<p class="note">${esc(note)}</p>`;
  return { filter: f, totals: { ...all, orders }, rows, html };
}

const exportColumns = [
  ['month', 'dashboard.column.month'],
  ['branch_id', 'dashboard.column.branch'],
  ['category', 'dashboard.column.category'],
  ['sub_category', 'dashboard.column.subCategory'],
  ['lines', 'dashboard.column.lines'],
  ['units', 'dashboard.column.units'],
  ['revenue', 'dashboard.column.revenue'],
  ['profit', 'dashboard.column.profit'],
  ['margin', 'dashboard.column.margin'],
] as const satisfies readonly (readonly [keyof CubeDoc, MessageKey])[];

const exportHeaders = (locale: Locale) => exportColumns.map(([, h]) => t(locale, h));

/**
 * CSV of the filtered cube: headers in the reader's language, values as the data has them (plain numbers, for a
 * program to read). Text cells that a spreadsheet would read as a formula get a leading apostrophe.
 */
export function exportCsv(rows: readonly CubeDoc[], locale: Locale = 'en'): string {
  const safe = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify([exportHeaders(locale), ...rows.map((r) => exportColumns.map(([k]) => safe((r as unknown as Record<string, unknown>)[k])))]);
}

/** The workbook of the filtered cube: typed cells (the spreadsheet shows them in its own locale), named in the reader's. */
export async function exportXlsx(rows: readonly CubeDoc[], f: HistoricalFilter, locale: Locale = 'en'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(t(locale, 'dashboard.export.sales'), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(exportHeaders(locale)).font = { bold: true };
  for (const r of rows) {
    const row = ws.addRow([new Date(`${r.month}-01T00:00:00Z`), r.branch_id, r.category, r.sub_category, r.lines, r.units, r.revenue, r.profit, r.margin]);
    row.getCell(1).numFmt = 'yyyy-mm';
    row.getCell(7).numFmt = numFmt.money;
    row.getCell(8).numFmt = numFmt.money;
    row.getCell(9).numFmt = numFmt.percent;
  }
  [10, 12, 18, 16, 8, 8, 14, 14, 9].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: exportColumns.length } };
  const about = wb.addWorksheet(t(locale, 'dashboard.export.filters'));
  about.addRow([t(locale, 'dashboard.export.filter'), t(locale, 'dashboard.export.value')]).font = { bold: true };
  const names: Record<keyof HistoricalFilter, MessageKey> = { year: 'dashboard.filter.year', month: 'dashboard.filter.month', branch: 'dashboard.filter.branch', category: 'dashboard.filter.category' };
  for (const [k, v] of Object.entries(f) as [keyof HistoricalFilter, unknown][]) about.addRow([t(locale, names[k]), v === null ? t(locale, 'dashboard.export.all') : String(v)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
