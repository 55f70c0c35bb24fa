/** Writes the ERP entities and the rejects as CSV files with a header row (data/csv_out by default). */
import fs from 'node:fs';
import path from 'node:path';
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

function toCsv(columns: readonly string[], records: readonly object[]): string {
  const rows = records.map((r) =>
    columns.map((c) => {
      const v = (r as Record<string, unknown>)[c];
      return Array.isArray(v) ? v.join(' | ') : v;
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
