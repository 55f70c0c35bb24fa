/**
 * Writes the ERP entities and the rejects as CSV files with a header row (data/csv_out by default), all at once or as a
 * stream of sale batches (a million-line source then never sits in memory). Analysts open them in spreadsheets, so a
 * text that a spreadsheet would run as a formula is written with a leading quote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGroupWriter, removeLeftovers } from '../../io/atomic';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Reject } from './columns';
import type { Customer, Product, SaleWithItems } from '../core/entities';

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
  return stringify(rows);
}

export interface CsvOutWriter {
  readonly paths: Record<CsvOutFile, string>;
  /** Appends records to one file (each record is quoted on its own, so the files are the same however they are cut). */
  write(name: CsvOutFile, records: readonly object[]): void;
  /** The five files appear together, whole, with a manifest written last (src/io/atomic.ts). */
  commit(): void;
  /** A failed run: the temporary files go, the previous extracts stay. */
  abort(): void;
}

/**
 * Opens the five files (under temporary names) and writes their header rows; the records follow in as many `write`
 * calls as the caller likes. A run killed before `commit` leaves the previous extracts whole, and its temporary files
 * are removed by the next run.
 */
export function createCsvOutWriter(dir: string): CsvOutWriter {
  removeLeftovers(dir);
  const group = createGroupWriter(dir);
  const names = Object.keys(csvOutColumns) as CsvOutFile[];
  const paths = {} as Record<CsvOutFile, string>;
  const fds = {} as Record<CsvOutFile, number>;
  const closeAll = () => {
    for (const name of names) if (fds[name] !== undefined) fs.closeSync(fds[name]);
  };
  try {
    for (const name of names) {
      paths[name] = path.join(dir, `${name}.csv`);
      fds[name] = fs.openSync(group.stagePath(`${name}.csv`), 'w');
      fs.writeSync(fds[name], stringify([[...csvOutColumns[name]]]));
    }
  } catch (err) {
    closeAll();
    group.abort();
    throw err;
  }
  return {
    paths,
    write(name, records) {
      if (records.length) fs.writeSync(fds[name], toCsv(csvOutColumns[name], records));
    },
    commit() {
      closeAll();
      group.commit({ extract: 'csv_out' });
    },
    abort() {
      closeAll();
      group.abort();
    },
  };
}


/** What the streamed form writes: master data and rejects as arrays (from `scanSource`), the sales in batches. */
export interface CsvOutStream {
  products: readonly Product[];
  customers: readonly Customer[];
  rejects: readonly Reject[];
  sales: AsyncIterable<readonly SaleWithItems[]>;
}

/**
 * The streamed form: sales and sales_items are written batch by batch, so memory follows one batch of sales, not the
 * file. `onSales` sees each batch once written (the pipeline builds its reconciliation summary from it).
 */
export async function writeCsvOutStream(
  dir: string,
  source: CsvOutStream,
  onSales?: (batch: readonly SaleWithItems[]) => void,
): Promise<Record<CsvOutFile, string>> {
  const out = createCsvOutWriter(dir);
  try {
    out.write('products', source.products);
    out.write('customers', source.customers);
    out.write('rejects', source.rejects);
    for await (const batch of source.sales) {
      out.write('sales', batch);
      out.write('sales_items', batch.flatMap((s) => s.items));
      onSales?.(batch);
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return out.paths;
}

/** Records in a CSV file written here, without its header (a quoted value may span lines); null if there is no file. */
export function countCsvRecords(file: string): number | null {
  if (!fs.existsSync(file)) return null;
  return (parse(fs.readFileSync(file, 'utf8'), { from_line: 2 }) as unknown[]).length;
}
