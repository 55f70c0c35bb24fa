/**
 * The report as an Excel workbook (exceljs): a Summary sheet of KPIs with number formats and up/down colours, one
 * sheet per table (dates as dates, money as money, frozen header, autofilter, fitted widths), the charts as images,
 * and a data dictionary, in the reader's locale. Text from the data is always written as a string value, so it can
 * never become a formula.
 */
import ExcelJS from 'exceljs';
import { capitalise, formatsOf, periodLabel, translator, type Locale, type Translate } from '../i18n';
import type { ReportData } from './data';
import { change, noSalesNote, reportTitle, standingText, type Change } from './format';
import { kpiLabel, namedRfmRows } from './labels';
import { rankFindings } from './ranked-findings';

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

export type NumFmts = Record<keyof typeof numFmt, string>;

/**
 * The number formats of a locale. A format code is stored in the file in Excel's invariant notation (`,` groups
 * thousands, `.` marks decimals) and Excel, LibreOffice and Numbers show it with the separators of the reader's
 * own settings: `#,##0.00` is `83.829,32` on a Spanish system. Swapping the signs in the code would break it
 * (`#.##0,00` is not a valid invariant code), so only what is text changes: the currency after the amount
 * (`83.829,32 US$`), the points' unit, and the day order of dates.
 */
export function numFmtsOf(locale: Locale): NumFmts {
  if (locale === 'en') return numFmt;
  return {
    ...numFmt,
    money: '#,##0.00" US$";[Red]-#,##0.00" US$"',
    date: 'dd/mm/yyyy',
    points: '+#,##0.0" p. p.";"−"#,##0.0" p. p.";+0.0" p. p."',
  };
}

/** A count's change over a small base: the difference, and the base it is counted from ("+5 (from 1)"). */
export const differenceFmt = (base: number, locale: Locale = 'en') => {
  const from = locale === 'en' ? `from ${base}` : `desde ${base}`;
  return `+#,##0" (${from})";"−"#,##0" (${from})";+0" (${from})"`;
};

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

/** What every sheet of one workbook shares: the reader's words and number formats. */
interface Sheets {
  wb: ExcelJS.Workbook;
  locale: Locale;
  tr: Translate;
  fmts: NumFmts;
}

/** A sheet whose table has no rows says why in its first data row. Number headers stand right, over their numbers. */
function addTable<T>(x: Sheets, name: string, rows: readonly T[], cols: Column<T>[], empty: string): ExcelJS.Worksheet {
  const ws = x.wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = ws.addRow(cols.map((c) => c.header));
  head.font = { bold: true };
  head.fill = HEAD_FILL;
  cols.forEach((c, i) => {
    if (c.fmt !== 'text' && c.fmt !== 'date') head.getCell(i + 1).alignment = { horizontal: 'right' };
  });
  for (const r of rows) {
    const row = ws.addRow(cols.map((c) => cellValue(c.value(r))));
    cols.forEach((c, i) => {
      if (c.fmt !== 'text') row.getCell(i + 1).numFmt = x.fmts[c.fmt];
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
  /** The reader's language: sheet names, headers, texts and number formats (`en` by default). */
  locale?: Locale;
}

/** A change's cell: the number `change` shows, in the format that shows it alike, or its word ("new", "no data"). */
function setChangeCell(x: Sheets, cell: ExcelJS.Cell, ch: Change) {
  if (ch.amount === null) {
    cell.value = ch.text;
    cell.alignment = { horizontal: 'right' };
    return;
  }
  cell.value = ch.amount;
  cell.numFmt = ch.unit === 'points' ? x.fmts.points : ch.unit === 'difference' ? differenceFmt(ch.base ?? 0, x.locale) : x.fmts.relative;
  if (ch.direction === 'up' || ch.direction === 'down') cell.font = { color: { argb: ch.direction === 'up' ? UP : DOWN }, bold: true };
}

const plain = (markdown: string) => markdown.replace(/\*\*/g, '');

/** The Summary's title lines and findings ("What happened"), one merged row each. */
function addSummaryHead(x: Sheets, s: ExcelJS.Worksheet, d: ReportData) {
  const { tr, locale } = x;
  const f = formatsOf(locale);
  const p = d.period;
  const none = noSalesNote(p, locale);
  const compared = tr('excel.summary.compared', { previousFrom: f.day(p.previous.from), previousTo: f.day(p.previous.to), lastYearFrom: f.day(p.lastYear.from), lastYearTo: f.day(p.lastYear.to) });
  s.addRow([reportTitle(tr('report.title'), d.branch)]).font = { bold: true, size: 14 };
  s.addRow([tr('excel.summary.period', { period: capitalise(periodLabel(locale, p)), from: f.day(p.from), to: f.day(p.to) })]);
  if (d.branch && d.standing) s.addRow([standingText(d.branch, d.standing, locale)]);
  s.addRow([d.empty ? `${none} ${compared}` : compared]);
  s.addRow([tr('report.findings.heading')]).font = { bold: true, size: 12 };
  const findings = d.empty ? [tr('report.findings.noSales', { period: periodLabel(locale, p) })] : rankFindings(d, undefined, locale).map((fd) => plain(fd.text));
  for (const text of findings) {
    const row = s.addRow([`• ${text}`]);
    s.mergeCells(row.number, 1, row.number, 6);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    // About 110 characters a line across the six merged columns: Excel does not grow a merged row by itself.
    row.height = 15 * Math.ceil(text.length / 110);
  }
  s.addRow([]);
}

/** The Summary sheet: title and periods, the findings ("What happened"), then the key figures with both changes. */
function addSummary(x: Sheets, d: ReportData): SheetSpec {
  const { tr, locale } = x;
  const name = tr('excel.sheet.summary');
  const s = x.wb.addWorksheet(name);
  addSummaryHead(x, s, d);
  const head = s.addRow([tr('excel.summary.metric'), tr('excel.summary.value'), tr('excel.summary.previous'), tr('excel.summary.changePrevious'), tr('excel.summary.lastYear'), tr('excel.summary.changeLastYear')]);
  head.font = { bold: true };
  head.fill = HEAD_FILL;
  for (let c = 2; c <= 6; c++) head.getCell(c).alignment = { horizontal: 'right' };
  for (const k of d.kpis) {
    const row = s.addRow([kpiLabel(k, locale), k.value, k.previous, null, k.lastYear, null]);
    for (const c of [2, 3, 5]) row.getCell(c).numFmt = x.fmts[k.format];
    setChangeCell(x, row.getCell(4), change(k, k.previous, locale));
    setChangeCell(x, row.getCell(6), change(k, k.lastYear, locale));
  }
  [24, 18, 18, 20, 22, 20].forEach((w, i) => (s.getColumn(i + 1).width = w));
  return {
    sheet: name,
    columns: [
      { header: tr('report.findings.heading'), meaning: tr('excel.meaning.findings') },
      { header: tr('excel.summary.metric'), meaning: tr('excel.meaning.metric') },
      { header: tr('excel.summary.value'), meaning: tr('excel.meaning.value') },
      { header: tr('excel.summary.changePrevious'), meaning: tr('excel.meaning.change') },
    ],
  };
}

/** The columns of money every table shares: revenue and profit of the lines (or of the orders), and the margin. */
function moneyColumns<T extends { revenue: number; profit: number }>(tr: Translate, of: 'lines' | 'orders'): Column<T>[] {
  return [
    { header: tr('report.column.revenue'), value: (r) => r.revenue, fmt: 'money', meaning: of === 'lines' ? tr('excel.meaning.lineTotals') : tr('excel.meaning.orderTotals') },
    { header: tr('report.column.profit'), value: (r) => r.profit, fmt: 'money', meaning: of === 'lines' ? tr('excel.meaning.lineProfits') : tr('excel.meaning.orderProfits') },
  ];
}

const marginColumn = <T extends { margin: number | null }>(tr: Translate): Column<T> => ({ header: tr('report.column.margin'), value: (r) => r.margin, fmt: 'percent', meaning: tr('excel.meaning.margin') });

const productCols = (tr: Translate): Column<ReportData['topProducts'][number]>[] => [
  { header: tr('report.column.productId'), value: (r) => r.product_id, fmt: 'text', meaning: tr('excel.meaning.productId') },
  { header: tr('report.column.product'), value: (r) => r.name, fmt: 'text', meaning: tr('excel.meaning.productName') },
  { header: tr('report.column.category'), value: (r) => r.category, fmt: 'text', meaning: tr('excel.meaning.category') },
  { header: tr('report.column.subCategory'), value: (r) => r.sub_category, fmt: 'text', meaning: tr('excel.meaning.subCategory') },
  { header: tr('report.column.units'), value: (r) => r.units, fmt: 'count', meaning: tr('excel.meaning.quantities') },
  ...moneyColumns<ReportData['topProducts'][number]>(tr, 'lines'),
  marginColumn(tr),
];

type AddTable = <T>(name: string, rows: readonly T[], cols: Column<T>[], empty?: string) => void;

/** The period's sales tables: its days (or months), branches, categories and products, in the report's order. */
function addSalesSheets(table: AddTable, d: ReportData, tr: Translate) {
  const daily = d.trendGrain === 'day';
  table(daily ? tr('excel.sheet.daily') : tr('excel.sheet.monthly'), d.trend, [
    { header: daily ? tr('excel.column.date') : tr('excel.column.month'), value: (r) => day(r.date), fmt: 'date', meaning: tr('excel.meaning.day') },
    ...moneyColumns<ReportData['trend'][number]>(tr, 'lines'),
    { header: tr('excel.column.movingAverage'), value: (r) => r.revenue_avg, fmt: 'money', meaning: tr('excel.meaning.movingAverage', { grain: d.trendGrain }) },
  ]);
  table(tr('excel.sheet.branches'), d.branches, [
    { header: tr('report.column.branch'), value: (r) => r.branch, fmt: 'text', meaning: tr('excel.meaning.branch') },
    { header: tr('report.column.orders'), value: (r) => r.orders, fmt: 'count', meaning: tr('excel.meaning.ordersInPeriod') },
    ...moneyColumns<ReportData['branches'][number]>(tr, 'lines'),
    marginColumn(tr),
  ]);
  table(tr('excel.sheet.categories'), d.categories, [
    { header: tr('report.column.category'), value: (r) => r.category, fmt: 'text', meaning: tr('excel.meaning.categorySource') },
    { header: tr('report.column.subCategory'), value: (r) => r.sub_category, fmt: 'text', meaning: tr('excel.meaning.subCategorySource') },
    { header: tr('report.column.units'), value: (r) => r.units, fmt: 'count', meaning: tr('excel.meaning.quantities') },
    ...moneyColumns<ReportData['categories'][number]>(tr, 'lines'),
    marginColumn(tr),
    { header: tr('excel.column.averageDiscount'), value: (r) => r.avg_discount, fmt: 'percent', meaning: tr('excel.meaning.meanDiscount') },
  ]);
  table(tr('excel.sheet.topProducts'), d.topProducts, productCols(tr));
  table(tr('excel.sheet.bottomProducts'), d.bottomProducts, productCols(tr));
}

/** The period's customers, discounts and shipping, and the RFM segments as of its end. */
function addCustomerSheets(table: AddTable, d: ReportData, tr: Translate, locale: Locale) {
  table(tr('excel.sheet.segments'), d.segments, [
    { header: tr('report.column.segment'), value: (r) => r.segment, fmt: 'text', meaning: tr('excel.meaning.segment') },
    { header: tr('report.column.customers'), value: (r) => r.customers, fmt: 'count', meaning: tr('excel.meaning.distinctCustomers') },
    { header: tr('report.column.orders'), value: (r) => r.orders, fmt: 'count', meaning: tr('excel.meaning.orders') },
    ...moneyColumns<ReportData['segments'][number]>(tr, 'orders'),
  ]);
  table(tr('excel.sheet.discounts'), d.discountBands, [
    { header: tr('excel.column.discountBand'), value: (r) => r.band, fmt: 'text', meaning: tr('excel.meaning.discountBand') },
    { header: tr('report.column.lines'), value: (r) => r.lines, fmt: 'count', meaning: tr('excel.meaning.lines') },
    ...moneyColumns<ReportData['discountBands'][number]>(tr, 'lines'),
    marginColumn(tr),
  ]);
  table(tr('excel.sheet.shipping'), d.shipping, [
    { header: tr('report.column.shipMode'), value: (r) => r.ship_mode, fmt: 'text', meaning: tr('excel.meaning.shipMode') },
    { header: tr('report.column.orders'), value: (r) => r.orders, fmt: 'count', meaning: tr('excel.meaning.orders') },
    { header: tr('report.column.revenue'), value: (r) => r.revenue, fmt: 'money', meaning: tr('excel.meaning.orderTotals') },
    { header: tr('excel.column.averageLeadDays'), value: (r) => r.avg_lead_days, fmt: 'days', meaning: tr('excel.meaning.leadDays') },
  ]);
  const date = formatsOf(locale).day(d.period.to);
  table(tr('excel.sheet.rfm'), namedRfmRows(d.rfm, locale), [
    { header: tr('excel.column.rfmSegment'), value: (r) => r.segment, fmt: 'text', meaning: tr('report.rfm.definition') },
    { header: tr('report.column.customers'), value: (r) => r.customers, fmt: 'count', meaning: tr('excel.meaning.rfmCustomers', { date }) },
    { header: tr('report.column.share'), value: (r) => r.share, fmt: 'percent', meaning: tr('excel.meaning.rfmShare', { date }) },
    { header: tr('report.column.revenueToDate'), value: (r) => r.revenue, fmt: 'money', meaning: tr('excel.meaning.rfmRevenue', { date }) },
  ], tr('report.rfm.noCustomers', { date }));
}

/** The analyst appendix's sheets: model diagnostics, trained on all the data (not as of the period). */
function addAppendixSheets(table: AddTable, d: ReportData, tr: Translate) {
  const byCustomers = d.reco.support.header === 'Customers';
  table(tr('excel.sheet.coPurchases'), d.reco.pairs, [
    { header: tr('report.column.product'), value: (r) => r.a, fmt: 'text', meaning: tr('excel.meaning.product') },
    { header: tr('excel.column.boughtWith'), value: (r) => r.b, fmt: 'text', meaning: tr('excel.meaning.boughtWith') },
    { header: byCustomers ? tr('report.appendix.supportCustomers') : tr('report.appendix.supportOrders'), value: (r) => r.support, fmt: 'count', meaning: byCustomers ? tr('excel.meaning.supportCustomers') : tr('excel.meaning.supportOrders') },
    { header: tr('report.appendix.similarity'), value: (r) => r.similarity, fmt: 'ratio', meaning: tr('excel.meaning.similarity') },
  ], d.reco.model ? tr('report.appendix.noPairs') : tr('report.appendix.noModel', { command: 'npm run train' }));
  if (!d.reco.evaluation) return;
  table(tr('excel.sheet.evaluation'), d.reco.evaluation.rows, [
    { header: tr('report.appendix.scorer'), value: (r) => r.scorer, fmt: 'text', meaning: tr('excel.meaning.scorer') },
    { header: tr('report.appendix.level'), value: (r) => r.level, fmt: 'text', meaning: tr('excel.meaning.level') },
    { header: tr('report.appendix.hitRate'), value: (r) => r.hr, fmt: 'percent', meaning: tr('excel.meaning.hitRate') },
    { header: tr('report.appendix.ndcg'), value: (r) => r.ndcg, fmt: 'ratio', meaning: tr('excel.meaning.ndcg') },
    { header: tr('report.appendix.coverage'), value: (r) => r.coverage, fmt: 'percent', meaning: tr('excel.meaning.coverage') },
  ], tr('report.appendix.noCases'));
}

/** The charts' captions on the Charts sheet, by chart name. */
const chartCaptions = (tr: Translate): Record<string, string> => ({ trend: tr('excel.chart.trend'), branches: tr('excel.chart.branches'), categories: tr('excel.chart.categories'), top_products: tr('excel.chart.topProducts'), discount: tr('excel.chart.discount') });

/** The charts as images, each under its name; a period without sales says so first. */
function addCharts(x: Sheets, d: ReportData, charts: Record<string, Buffer>) {
  const cs = x.wb.addWorksheet(x.tr('excel.sheet.charts'));
  const captions = chartCaptions(x.tr);
  let row = 0;
  if (d.empty) {
    cs.getCell(1, 1).value = noSalesNote(d.period, x.locale);
    cs.getCell(1, 1).font = { italic: true };
    row = 2;
  }
  for (const [name, png] of Object.entries(charts)) {
    const id = x.wb.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
    const { width, height } = pngSize(png);
    cs.getCell(row + 1, 1).value = captions[name] ?? name.replace(/_/g, ' ');
    cs.getCell(row + 1, 1).font = { bold: true };
    cs.addImage(id, { tl: { col: 0, row: row + 1 }, ext: { width: width / 2, height: height / 2 } });
    row += Math.ceil(height / 2 / 20) + 3;
  }
}

function addDictionary(x: Sheets, dictionary: readonly SheetSpec[]) {
  const { tr } = x;
  const dd = x.wb.addWorksheet(tr('excel.sheet.dictionary'), { views: [{ state: 'frozen', ySplit: 1 }] });
  dd.addRow([tr('excel.column.sheet'), tr('excel.column.column'), tr('excel.column.meaning')]).font = { bold: true };
  for (const sh of dictionary) for (const c of sh.columns) dd.addRow([sh.sheet, c.header, c.meaning]);
  dd.addRow([tr('excel.dictionary.all'), tr('excel.dictionary.money'), tr('excel.dictionary.moneyMeaning')]);
  [18, 26, 70].forEach((w, i) => (dd.getColumn(i + 1).width = w));
  dd.autoFilter = { from: { row: 1, column: 1 }, to: { row: dd.rowCount, column: 3 } };
}

export async function renderExcel(d: ReportData, charts: Record<string, Buffer>, opts: ExcelOptions = {}): Promise<{ buffer: Buffer; dictionary: SheetSpec[] }> {
  const locale = opts.locale ?? 'en';
  const wb = new ExcelJS.Workbook();
  wb.creator = 'erp-insights';
  wb.created = new Date(d.generatedAt);
  const x: Sheets = { wb, locale, tr: translator(locale), fmts: numFmtsOf(locale) };
  const dictionary: SheetSpec[] = [addSummary(x, d)];
  const none = noSalesNote(d.period, locale);
  const table: AddTable = (name, rows, cols, empty = none) => {
    addTable(x, name, rows, cols, empty);
    dictionary.push({ sheet: name, columns: cols.map((c) => ({ header: c.header, meaning: c.meaning })) });
  };
  addSalesSheets(table, d, x.tr);
  addCustomerSheets(table, d, x.tr, locale);
  if (opts.appendix) addAppendixSheets(table, d, x.tr);
  addCharts(x, d, charts);
  addDictionary(x, dictionary);
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), dictionary };
}

/** Width and height from a PNG header. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
