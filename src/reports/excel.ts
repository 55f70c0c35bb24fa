/**
 * The report as an Excel workbook (exceljs): a Summary sheet of KPIs with number formats and up/down colours, one
 * sheet per table (dates as dates, money as money, frozen header, autofilter, fitted widths), the charts as images,
 * and a data dictionary. Text from the data is always written as a string value, so it can never become a formula.
 */
import ExcelJS from 'exceljs';
import type { ReportData } from './data';
import { change, noSalesNote, reportTitle, standingText, type Change } from './format';
import { rankFindings } from './ranked-findings';
import { rfmDefinition } from './rfm';

/**
 * Excel number formats that show a value as the HTML and the PDF do (`formatValue`, `change`): "10.1 %", "−22.2 pts",
 * "4.9" days, "0.123" for ratios that are not shares. The cells stay typed numbers.
 */
export const numFmt = {
  money: '"$"#,##0.00;[Red]-"$"#,##0.00',
  percent: '#,##0.0 %',
  count: '#,##0',
  date: 'yyyy-mm-dd',
  days: '#,##0.0',
  ratio: '#,##0.000',
  relative: '+#,##0.0 %;"−"#,##0.0 %;+0.0 %',
  points: '+#,##0.0" pts";"−"#,##0.0" pts";+0.0" pts"',
} as const;

/** A count's change over a small base: the difference, and the base it is counted from ("+5 (from 1)"). */
export const differenceFmt = (base: number) => `+#,##0" (from ${base})";"−"#,##0" (from ${base})";+0" (from ${base})"`;

type Fmt = keyof typeof numFmt | 'text';

interface Column<T> {
  header: string;
  value: (r: T) => string | number | Date | null;
  fmt: Fmt;
  meaning: string;
}

const UP = 'FF1E7D45';
const DOWN = 'FFB4361F';
const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF2F7' } };

/** A string written as an explicit rich-text-free string value: exceljs never turns it into a formula. */
function cellValue(v: string | number | Date | null): ExcelJS.CellValue {
  return v === null ? null : v;
}

/** A column's width: its longest value as shown (money with its sign and separators), within 8-60 characters. */
function columnWidth<T>(c: Column<T>, rows: readonly T[]): number {
  const width = Math.max(c.header.length, ...rows.map((r) => {
    const v = c.value(r);
    return v instanceof Date ? 10 : c.fmt === 'money' && typeof v === 'number' ? Math.round(Math.abs(v)).toLocaleString('en-US').length + 5 : String(v ?? '').length;
  }));
  return Math.min(60, Math.max(8, width + 2));
}

/** A sheet whose table has no rows says why in its first data row. Number headers stand right, over their numbers. */
function addTable<T>(wb: ExcelJS.Workbook, name: string, rows: readonly T[], cols: Column<T>[], empty: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = ws.addRow(cols.map((c) => c.header));
  head.font = { bold: true };
  head.fill = HEAD_FILL;
  cols.forEach((c, i) => {
    if (c.fmt !== 'text' && c.fmt !== 'date') head.getCell(i + 1).alignment = { horizontal: 'right' };
  });
  for (const r of rows) {
    const row = ws.addRow(cols.map((c) => cellValue(c.value(r))));
    cols.forEach((c, i) => {
      if (c.fmt !== 'text') row.getCell(i + 1).numFmt = numFmt[c.fmt];
    });
  }
  cols.forEach((c, i) => (ws.getColumn(i + 1).width = columnWidth(c, rows)));
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: cols.length } };
  else ws.addRow([empty]).font = { italic: true, color: { argb: 'FF5B6578' } };
  return ws;
}

const day = (s: string) => new Date(`${s.length === 7 ? `${s}-01` : s}T00:00:00Z`);

export interface SheetSpec {
  sheet: string;
  columns: { header: string; meaning: string }[];
}

export interface ExcelOptions {
  /** Add the analyst appendix's sheets (co-purchases, evaluation). */
  appendix?: boolean;
}

/** A change's cell: the number `change` shows, in the format that shows it alike, or its word ("new", "no data"). */
function setChangeCell(cell: ExcelJS.Cell, ch: Change) {
  if (ch.amount === null) {
    cell.value = ch.text;
    cell.alignment = { horizontal: 'right' };
    return;
  }
  cell.value = ch.amount;
  cell.numFmt = ch.unit === 'points' ? numFmt.points : ch.unit === 'difference' ? differenceFmt(ch.base ?? 0) : numFmt.relative;
  if (ch.direction === 'up' || ch.direction === 'down') cell.font = { color: { argb: ch.direction === 'up' ? UP : DOWN }, bold: true };
}

const plain = (markdown: string) => markdown.replace(/\*\*/g, '');

/** The Summary sheet: title and periods, the findings ("What happened"), then the key figures with both changes. */
function addSummary(wb: ExcelJS.Workbook, d: ReportData): SheetSpec {
  const s = wb.addWorksheet('Summary');
  const none = noSalesNote(d.period);
  const compared = `Previous period ${d.period.previous.from} to ${d.period.previous.to}; a year before ${d.period.lastYear.from} to ${d.period.lastYear.to}`;
  s.addRow([reportTitle('Executive sales report', d.branch)]).font = { bold: true, size: 14 };
  s.addRow([`${d.period.label} (${d.period.from} to ${d.period.to})`]);
  if (d.branch && d.standing) s.addRow([standingText(d.branch, d.standing)]);
  s.addRow([d.empty ? `${none} ${compared}` : compared]);
  s.addRow(['What happened']).font = { bold: true, size: 12 };
  const findings = d.empty ? [`No sales in ${d.period.label}: every figure is zero.`] : rankFindings(d).map((f) => plain(f.text));
  for (const text of findings) {
    const row = s.addRow([`• ${text}`]);
    s.mergeCells(row.number, 1, row.number, 6);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    // About 110 characters a line across the six merged columns: Excel does not grow a merged row by itself.
    row.height = 15 * Math.ceil(text.length / 110);
  }
  s.addRow([]);
  const head = s.addRow(['Metric', 'Value', 'Previous period', 'Change vs previous', 'Same period last year', 'Change vs last year']);
  head.font = { bold: true };
  head.fill = HEAD_FILL;
  for (let c = 2; c <= 6; c++) head.getCell(c).alignment = { horizontal: 'right' };
  for (const k of d.kpis) {
    const row = s.addRow([k.label, k.value, k.previous, null, k.lastYear, null]);
    for (const c of [2, 3, 5]) row.getCell(c).numFmt = numFmt[k.format];
    setChangeCell(row.getCell(4), change(k, k.previous));
    setChangeCell(row.getCell(6), change(k, k.lastYear));
  }
  [24, 18, 18, 20, 22, 20].forEach((w, i) => (s.getColumn(i + 1).width = w));
  return {
    sheet: 'Summary',
    columns: [
      { header: 'What happened', meaning: 'the findings of the period, the ones that move the most money first' },
      { header: 'Metric', meaning: 'KPI name' },
      { header: 'Value', meaning: 'the period' },
      { header: 'Change vs previous', meaning: 'relative change; for Margin the difference in points; for a count below 10 the difference (from the base)' },
    ],
  };
}

const productCols: Column<ReportData['topProducts'][number]>[] = [
  { header: 'Product ID', value: (r) => r.product_id, fmt: 'text', meaning: 'Superstore Product ID' },
  { header: 'Product', value: (r) => r.name, fmt: 'text', meaning: 'product name' },
  { header: 'Category', value: (r) => r.category, fmt: 'text', meaning: 'category' },
  { header: 'Sub-category', value: (r) => r.sub_category, fmt: 'text', meaning: 'sub-category' },
  { header: 'Units', value: (r) => r.units, fmt: 'count', meaning: 'sum of quantities' },
  { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of line totals' },
  { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of line profits' },
  { header: 'Margin', value: (r) => r.margin, fmt: 'percent', meaning: 'profit / revenue' },
];

type AddTable = <T>(name: string, rows: readonly T[], cols: Column<T>[], empty?: string) => void;

/** The period's tables, one sheet each, in the report's order. */
function addPeriodSheets(table: AddTable, d: ReportData) {
  table(d.trendGrain === 'day' ? 'Daily' : 'Monthly', d.trend, [
    { header: d.trendGrain === 'day' ? 'Date' : 'Month', value: (r) => day(r.date), fmt: 'date', meaning: 'order day (or first day of the month)' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of line totals' },
    { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of line profits' },
    { header: 'Revenue moving average', value: (r) => r.revenue_avg, fmt: 'money', meaning: `trailing ${d.trendGrain === 'day' ? '7-day' : '3-month'} mean of revenue` },
  ]);
  table('Branches', d.branches, [
    { header: 'Branch', value: (r) => r.branch, fmt: 'text', meaning: 'synthetic branch serving the region' },
    { header: 'Orders', value: (r) => r.orders, fmt: 'count', meaning: 'orders in the period' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of line totals' },
    { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of line profits' },
    { header: 'Margin', value: (r) => r.margin, fmt: 'percent', meaning: 'profit / revenue' },
  ]);
  table('Categories', d.categories, [
    { header: 'Category', value: (r) => r.category, fmt: 'text', meaning: 'Superstore category' },
    { header: 'Sub-category', value: (r) => r.sub_category, fmt: 'text', meaning: 'Superstore sub-category' },
    { header: 'Units', value: (r) => r.units, fmt: 'count', meaning: 'sum of quantities' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of line totals' },
    { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of line profits' },
    { header: 'Margin', value: (r) => r.margin, fmt: 'percent', meaning: 'profit / revenue' },
    { header: 'Average discount', value: (r) => r.avg_discount, fmt: 'percent', meaning: 'mean discount of the lines' },
  ]);
  table('Top products', d.topProducts, productCols);
  table('Bottom products', d.bottomProducts, productCols);
  table('Segments', d.segments, [
    { header: 'Segment', value: (r) => r.segment, fmt: 'text', meaning: 'customer segment (Consumer, Corporate, Home Office)' },
    { header: 'Customers', value: (r) => r.customers, fmt: 'count', meaning: 'distinct customers who ordered' },
    { header: 'Orders', value: (r) => r.orders, fmt: 'count', meaning: 'orders' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of order totals' },
    { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of order profits' },
  ]);
  table('Discounts', d.discountBands, [
    { header: 'Discount band', value: (r) => r.band, fmt: 'text', meaning: 'range of the line discount' },
    { header: 'Lines', value: (r) => r.lines, fmt: 'count', meaning: 'order lines' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of line totals' },
    { header: 'Profit', value: (r) => r.profit, fmt: 'money', meaning: 'sum of line profits' },
    { header: 'Margin', value: (r) => r.margin, fmt: 'percent', meaning: 'profit / revenue' },
  ]);
  table('Shipping', d.shipping, [
    { header: 'Ship mode', value: (r) => r.ship_mode, fmt: 'text', meaning: 'Superstore ship mode' },
    { header: 'Orders', value: (r) => r.orders, fmt: 'count', meaning: 'orders' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'sum of order totals' },
    { header: 'Average lead time (days)', value: (r) => r.avg_lead_days, fmt: 'days', meaning: 'days from order to shipping, one decimal' },
  ]);
  table('RFM', d.rfm, [
    { header: 'RFM segment', value: (r) => r.segment, fmt: 'text', meaning: rfmDefinition },
    { header: 'Customers', value: (r) => r.customers, fmt: 'count', meaning: `customers in the segment, as of ${d.period.to}` },
    { header: 'Share', value: (r) => r.share, fmt: 'percent', meaning: `of the customers who had ordered by ${d.period.to}` },
    { header: 'Revenue to date', value: (r) => r.revenue, fmt: 'money', meaning: `revenue of those customers up to ${d.period.to}` },
  ], `No customer had ordered by ${d.period.to}.`);
}

/** The analyst appendix's sheets: model diagnostics, trained on all the data (not as of the period). */
function addAppendixSheets(table: AddTable, d: ReportData) {
  table('Co-purchases', d.reco.pairs, [
    { header: 'Product', value: (r) => r.a, fmt: 'text', meaning: 'a product' },
    { header: 'Bought with', value: (r) => r.b, fmt: 'text', meaning: 'its most co-purchased partner' },
    { header: d.reco.support.header, value: (r) => r.support, fmt: 'count', meaning: d.reco.support.meaning },
    { header: 'Similarity', value: (r) => r.similarity, fmt: 'ratio', meaning: 'co-occurrence similarity, co/(n(a)^α·n(b)^(1−α)); α = 0.5 is the cosine' },
  ], d.reco.model ? 'The model holds no co-purchased pairs.' : 'No model trained yet (npm run train).');
  if (!d.reco.evaluation) return;
  table('Evaluation', d.reco.evaluation.rows, [
    { header: 'Scorer', value: (r) => r.scorer, fmt: 'text', meaning: 'model, popularity or random' },
    { header: 'Level', value: (r) => r.level, fmt: 'text', meaning: 'product or sub-category' },
    { header: 'Hit rate @5', value: (r) => r.hr, fmt: 'percent', meaning: 'share of test cases with a hit in the top 5' },
    { header: 'NDCG @5', value: (r) => r.ndcg, fmt: 'ratio', meaning: 'rank-discounted gain, 0 to 1 (not a share)' },
    { header: 'Coverage', value: (r) => r.coverage, fmt: 'percent', meaning: 'share of the catalogue ever recommended' },
  ], 'No evaluation cases.');
}

/** The charts as images, each under its name; a period without sales says so first. */
function addCharts(wb: ExcelJS.Workbook, d: ReportData, charts: Record<string, Buffer>) {
  const cs = wb.addWorksheet('Charts');
  let row = 0;
  if (d.empty) {
    cs.getCell(1, 1).value = noSalesNote(d.period);
    cs.getCell(1, 1).font = { italic: true };
    row = 2;
  }
  for (const [name, png] of Object.entries(charts)) {
    const id = wb.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
    const { width, height } = pngSize(png);
    cs.getCell(row + 1, 1).value = name.replace(/_/g, ' ');
    cs.getCell(row + 1, 1).font = { bold: true };
    cs.addImage(id, { tl: { col: 0, row: row + 1 }, ext: { width: width / 2, height: height / 2 } });
    row += Math.ceil(height / 2 / 20) + 3;
  }
}

function addDictionary(wb: ExcelJS.Workbook, dictionary: readonly SheetSpec[]) {
  const dd = wb.addWorksheet('Data dictionary', { views: [{ state: 'frozen', ySplit: 1 }] });
  dd.addRow(['Sheet', 'Column', 'Meaning']).font = { bold: true };
  for (const sh of dictionary) for (const c of sh.columns) dd.addRow([sh.sheet, c.header, c.meaning]);
  dd.addRow(['(all)', 'money', 'US dollars, exact sums of the source amounts, rounded to cents']);
  [18, 26, 70].forEach((w, i) => (dd.getColumn(i + 1).width = w));
  dd.autoFilter = { from: { row: 1, column: 1 }, to: { row: dd.rowCount, column: 3 } };
}

export async function renderExcel(d: ReportData, charts: Record<string, Buffer>, opts: ExcelOptions = {}): Promise<{ buffer: Buffer; dictionary: SheetSpec[] }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'erp-insights';
  wb.created = new Date(d.generatedAt);
  const dictionary: SheetSpec[] = [addSummary(wb, d)];
  const none = noSalesNote(d.period);
  const table: AddTable = (name, rows, cols, empty = none) => {
    addTable(wb, name, rows, cols, empty);
    dictionary.push({ sheet: name, columns: cols.map((c) => ({ header: c.header, meaning: c.meaning })) });
  };
  addPeriodSheets(table, d);
  if (opts.appendix) addAppendixSheets(table, d);
  addCharts(wb, d, charts);
  addDictionary(wb, dictionary);
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), dictionary };
}

/** Width and height from a PNG header. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
