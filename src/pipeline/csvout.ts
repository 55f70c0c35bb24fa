/**
 * Writes the ERP entities and the rejects as CSV files with a header row (data/csv_out by default). Analysts open
 * them in spreadsheets, so a text that a spreadsheet would run as a formula is written with a leading quote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Reject } from './source/columns';
import type { ErpData } from './entities';

export const csvOutColumns = {
  products: ['product_id', 'name', 'category', 'sub_category', 'unit_price', 'alt_names'],
  customers: ['customer_id', 'name', 'segment', 'country', 'email'],
  sales: [
    'sale_id', 'customer_id', 'order_date', 'order_time', 'ship_date', 'ship_mode', 'country', 'state', 'city',
    'postal_code', 'region', 'branch_id', 'branch_name', 'payment_method', 'lines', 'units', 'total', 'profit',
  ],
  sales_items: [
    'item_id', 'sale_id', 'line', 'product_id', 'quantity', 'unit_price', 'discount', 'line_total', 'profit',
    'customer_id', 'order_date', 'branch_id', 'category', 'sub_category',
  ],
  rejects: ['line', 'column', 'value', 'reason'],
} as const;

export type CsvOutFile = keyof typeof csvOutColumns;

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A text starting with =, +, -, @, a tab or a carriage return gets a leading `'`, which spreadsheets show as text
 * rather than run (CSV injection: a product name or a rejected value from the source could hold `=HYPERLINK(…)`).
 * Numbers, and texts that are plain signed numbers, are left as they are.
 */
export function spreadsheetSafe(v: unknown): unknown {
  return typeof v === 'string' && FORMULA_START.test(v) && !NUMBER_TEXT.test(v) ? `'${v}` : v;
}

function toCsv(columns: readonly string[], records: readonly object[]): string {
  const rows = records.map((r) =>
    columns.map((c) => {
      const v = (r as Record<string, unknown>)[c];
      return spreadsheetSafe(Array.isArray(v) ? v.join(' | ') : v);
    }),
  );
  return stringify([columns as string[], ...rows]);
}

export function writeCsvOut(dir: string, data: ErpData, rejects: Reject[]): Record<CsvOutFile, string> {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<CsvOutFile, readonly object[]> = {
    products: data.products,
    customers: data.customers,
    sales: data.sales,
    sales_items: data.salesItems,
    rejects,
  };
  const paths = {} as Record<CsvOutFile, string>;
  for (const name of Object.keys(files) as CsvOutFile[]) {
    const file = path.join(dir, `${name}.csv`);
    fs.writeFileSync(file, toCsv(csvOutColumns[name], files[name]));
    paths[name] = file;
  }
  return paths;
}

/** Records in a CSV file written here, without its header (a quoted value may span lines); null if there is no file. */
export function countCsvRecords(file: string): number | null {
  if (!fs.existsSync(file)) return null;
  return (parse(fs.readFileSync(file, 'utf8'), { from_line: 2 }) as unknown[]).length;
}
