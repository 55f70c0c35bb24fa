/**
 * Figures computed straight from the Superstore CSV with csv-parse and plain loops: deliberately none of the
 * project's reader, normaliser or warehouse code, so the warehouse is checked against an independent computation.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { defaultSuperstorePath } from '../../src/pipeline/source/superstore';

export interface RefLine {
  orderId: string;
  date: string;
  customerId: string;
  productId: string;
  region: string;
  category: string;
  subCategory: string;
  sales: number;
  quantity: number;
  discount: number;
  profit: number;
}

export function readReferenceLines(file = defaultSuperstorePath()): RefLine[] {
  const rows = parse(fs.readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r) => ({
    orderId: r['Order ID']!,
    date: r['Order Date']!,
    customerId: r['Customer ID']!,
    productId: r['Product ID']!,
    region: r['Region']!,
    category: r['Category']!,
    subCategory: r['Sub-Category']!,
    sales: Number(r['Sales']),
    quantity: Number(r['Quantity']),
    discount: Number(r['Discount']),
    profit: Number(r['Profit']),
  }));
}

/** Integer ten-thousandths, so reference sums are exact too. */
export const e4 = (x: number) => Math.round(x * 10_000);

export function sumBy<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

export function distinctBy<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => string): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = sets.get(key(r)) ?? new Set<string>();
    s.add(value(r));
    sets.set(key(r), s);
  }
  return new Map([...sets].map(([k, s]) => [k, s.size]));
}
