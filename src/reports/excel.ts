/**
 * The report as an Excel workbook (exceljs): a Summary sheet of KPIs with number formats and up/down colours, one
 * sheet per table (dates as dates, money as money, frozen header, autofilter, fitted widths), the charts as images,
 * and a data dictionary. Text from the data is always written as a string value, so it can never become a formula.
 */
import ExcelJS from 'exceljs';
import type { ReportData } from './data';
import { noSalesNote } from './format';

export const numFmt = { money: '"$"#,##0.00;[Red]-"$"#,##0.00', percent: '0.0%', count: '#,##0', date: 'yyyy-mm-dd', decimal: '0.000' } as const;

type Fmt = keyof typeof numFmt | 'text';

interface Column<T> {
  header: string;
  value: (r: T) => string | number | Date | null;
  fmt: Fmt;
  meaning: string;
}

const UP = 'FF1E7D45';
const DOWN = 'FFB4361F';

/** A string written as an explicit rich-text-free string value: exceljs never turns it into a formula. */
function cellValue(v: string | number | Date | null): ExcelJS.CellValue {
  return v === null ? null : v;
}

/** A sheet whose table has no rows says why in its first data row. */
function addTable<T>(wb: ExcelJS.Workbook, name: string, rows: readonly T[], cols: Column<T>[], empty: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(cols.map((c) => c.header));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF2F7' } };
  for (const r of rows) {
    const row = ws.addRow(cols.map((c) => cellValue(c.value(r))));
    cols.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      if (c.fmt !== 'text') cell.numFmt = numFmt[c.fmt];
    });
  }
  cols.forEach((c, i) => {
    const width = Math.max(c.header.length, ...rows.map((r) => {
      const v = c.value(r);
      return v instanceof Date ? 10 : c.fmt === 'money' && typeof v === 'number' ? Math.round(Math.abs(v)).toLocaleString('en-US').length + 5 : String(v ?? '').length;
    }));
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, width + 2));
  });
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: cols.length } };
  else ws.addRow([empty]).font = { italic: true, color: { argb: 'FF5B6578' } };
  return ws;
}

const day = (s: string) => new Date(`${s.length === 7 ? `${s}-01` : s}T00:00:00Z`);

export interface SheetSpec {
  sheet: string;
  columns: { header: string; meaning: string }[];
}

export async function renderExcel(d: ReportData, charts: Record<string, Buffer>): Promise<{ buffer: Buffer; dictionary: SheetSpec[] }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'erp-insights';
  wb.created = new Date(d.generatedAt);
  const dictionary: SheetSpec[] = [];
  const none = noSalesNote(d.period);
  const table = <T>(name: string, rows: readonly T[], cols: Column<T>[], empty = none) => {
    addTable(wb, name, rows, cols, empty);
    dictionary.push({ sheet: name, columns: cols.map((c) => ({ header: c.header, meaning: c.meaning })) });
  };

  const s = wb.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 4 }] });
  s.addRow(['Executive sales report']).font = { bold: true, size: 14 };
  s.addRow([`${d.period.label} (${d.period.from} to ${d.period.to})`]);
  s.addRow([`Previous period ${d.period.previous.from} to ${d.period.previous.to}; a year before ${d.period.lastYear.from} to ${d.period.lastYear.to}`]);
  if (d.empty) s.getCell('A3').value = `${none} Previous period ${d.period.previous.from} to ${d.period.previous.to}; a year before ${d.period.lastYear.from} to ${d.period.lastYear.to}`;
  const head = s.addRow(['Metric', 'Value', 'Previous period', 'Change vs previous', 'Same period last year', 'Change vs last year']);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF2F7' } };
  for (const k of d.kpis) {
    const rel = (base: number | null) => (k.value === null || base === null || base === 0 ? null : k.format === 'percent' ? k.value - base : (k.value - base) / Math.abs(base));
    const row = s.addRow([k.label, k.value, k.previous, rel(k.previous), k.lastYear, rel(k.lastYear)]);
    const f = k.format === 'money' ? numFmt.money : k.format === 'percent' ? numFmt.percent : numFmt.count;
    for (const c of [2, 3, 5]) row.getCell(c).numFmt = f;
    for (const c of [4, 6]) {
      const cell = row.getCell(c);
      // Change of a percentage is in points: shown as a percentage of one, like "+1.2%".
      cell.numFmt = '+0.0%;-0.0%;0.0%';
      const v = cell.value as number | null;
      if (typeof v === 'number' && v !== 0) cell.font = { color: { argb: v > 0 ? UP : DOWN }, bold: true };
    }
  }
  [24, 18, 18, 20, 22, 20].forEach((w, i) => (s.getColumn(i + 1).width = w));
  dictionary.push({
    sheet: 'Summary',
    columns: [
      { header: 'Metric', meaning: 'KPI name' },
      { header: 'Value', meaning: 'the period' },
      { header: 'Change vs previous', meaning: 'relative change (for Margin: difference in points)' },
    ],
  });

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
    { header: 'Average lead time (days)', value: (r) => r.avg_lead_days, fmt: 'decimal', meaning: 'days from order to shipping' },
  ]);
  table('RFM', d.rfm, [
    { header: 'RFM segment', value: (r) => r.segment, fmt: 'text', meaning: 'rule in docs/warehouse.md' },
    { header: 'Customers', value: (r) => r.customers, fmt: 'count', meaning: 'customers in the segment (all time)' },
    { header: 'Share', value: (r) => r.share, fmt: 'percent', meaning: 'of all customers' },
    { header: 'Revenue', value: (r) => r.revenue, fmt: 'money', meaning: 'all-time revenue of those customers' },
  ], 'No customers in the warehouse yet.');
  table('Co-purchases', d.reco.pairs, [
    { header: 'Product', value: (r) => r.a, fmt: 'text', meaning: 'a product' },
    { header: 'Bought with', value: (r) => r.b, fmt: 'text', meaning: 'its most co-purchased partner' },
    { header: d.reco.support.header, value: (r) => r.support, fmt: 'count', meaning: d.reco.support.meaning },
    { header: 'Similarity', value: (r) => r.similarity, fmt: 'decimal', meaning: 'co-occurrence similarity, co/(n(a)^α·n(b)^(1−α)); α = 0.5 is the cosine' },
  ], d.reco.model ? 'The model holds no co-purchased pairs.' : 'No model trained yet (npm run train).');
  if (d.reco.evaluation) {
    table('Evaluation', d.reco.evaluation.rows, [
      { header: 'Scorer', value: (r) => r.scorer, fmt: 'text', meaning: 'model, popularity or random' },
      { header: 'Level', value: (r) => r.level, fmt: 'text', meaning: 'product or sub-category' },
      { header: 'Hit rate @5', value: (r) => r.hr, fmt: 'percent', meaning: 'share of test cases with a hit in the top 5' },
      { header: 'NDCG @5', value: (r) => r.ndcg, fmt: 'percent', meaning: 'rank-discounted gain' },
      { header: 'Coverage', value: (r) => r.coverage, fmt: 'percent', meaning: 'share of the catalogue ever recommended' },
    ], 'No evaluation cases.');
  }

  const cs = wb.addWorksheet('Charts');
  let row = 0;
  if (d.empty) {
    cs.getCell(1, 1).value = none;
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

  const dd = wb.addWorksheet('Data dictionary', { views: [{ state: 'frozen', ySplit: 1 }] });
  dd.addRow(['Sheet', 'Column', 'Meaning']).font = { bold: true };
  for (const sh of dictionary) for (const c of sh.columns) dd.addRow([sh.sheet, c.header, c.meaning]);
  dd.addRow(['(all)', 'money', 'US dollars, exact sums of the source amounts, rounded to cents']);
  [18, 26, 70].forEach((w, i) => (dd.getColumn(i + 1).width = w));
  dd.autoFilter = { from: { row: 1, column: 1 }, to: { row: dd.rowCount, column: 3 } };
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), dictionary };
}

/** Width and height from a PNG header. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
