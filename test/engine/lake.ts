/**
 * A small, deterministic, lake-shaped data set for the engine conformance suite, and the plain-TypeScript reference
 * computations every test compares the server's answer with. Nothing here talks to a database.
 *
 * Money is kept twice on each line, as a double (`line_total`) and as Decimal128 (`line_total_dec`), from one exact
 * integer number of cents; prices like 19.99 and 0.10 make a double sum drift off the cent while the decimal one may not.
 */
import { Decimal128 } from 'mongodb';

export type Category = 'Furniture' | 'Office Supplies' | 'Technology';
export type Segment = 'Consumer' | 'Corporate' | 'Home Office';

export interface Customer {
  _id: string;
  name: string;
  segment: Segment;
  region: string;
}

export interface Product {
  _id: string;
  name: string;
  category: Category;
  price_cents: number;
}

/** One row per order line, as the lake's sales_items holds them. */
export interface SaleLine {
  _id: string;
  order_id: string;
  line_no: number;
  /** The order's calendar day, 'YYYY-MM-DD', as the source gives it. */
  order_date: string;
  /** The order's instant (UTC), shared by its lines. */
  ordered_at: Date;
  customer_id: string;
  product_id: string;
  category: Category;
  quantity: number;
  unit_price: number;
  discount: number;
  line_total: number;
  line_total_dec: Decimal128;
}

/** Customers who place the generated orders. */
const activeCustomers: Customer[] = [
  { _id: 'C01', name: 'Ada', segment: 'Consumer', region: 'East' },
  { _id: 'C02', name: 'Bo', segment: 'Corporate', region: 'West' },
  { _id: 'C03', name: 'Cy', segment: 'Home Office', region: 'East' },
  { _id: 'C04', name: 'Di', segment: 'Consumer', region: 'South' },
  { _id: 'C05', name: 'Ed', segment: 'Corporate', region: 'Central' },
  { _id: 'C06', name: 'Flo', segment: 'Consumer', region: 'West' },
  { _id: 'C07', name: 'Gus', segment: 'Home Office', region: 'Central' },
];

/** The customers collection: the active ones plus one who never ordered (a join must still list them, with 0 lines). */
export const customers: Customer[] = [...activeCustomers, { _id: 'C08', name: 'Hal', segment: 'Corporate', region: 'South' }];

/** A customer id that sales lines use but the customers collection lacks (a late master-data record). */
export const unknownCustomerId = 'C99';

export const products: Product[] = [
  { _id: 'P01', name: 'Chair', category: 'Furniture', price_cents: 12995 },
  { _id: 'P02', name: 'Desk lamp', category: 'Furniture', price_cents: 1999 },
  { _id: 'P03', name: 'Bookcase', category: 'Furniture', price_cents: 34999 },
  { _id: 'P04', name: 'Paper clips', category: 'Office Supplies', price_cents: 10 },
  { _id: 'P05', name: 'Pens', category: 'Office Supplies', price_cents: 430 },
  { _id: 'P06', name: 'Binder', category: 'Office Supplies', price_cents: 777 },
  { _id: 'P07', name: 'Phone', category: 'Technology', price_cents: 33333 },
  { _id: 'P08', name: 'Cable', category: 'Technology', price_cents: 101 },
  { _id: 'P09', name: 'Keyboard', category: 'Technology', price_cents: 2929 },
];

export const discounts = [0, 0.1, 0.15, 0.2] as const;

/** mulberry32: a tiny seeded generator, so the data set is the same on every run and every machine. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export const isoDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** Integer cents of a line: price × quantity × (1 − discount), rounded half up, in integers only. */
export function lineCents(priceCents: number, quantity: number, discount: number): number {
  const pct = Math.round(discount * 100);
  return Math.floor((priceCents * quantity * (100 - pct) + 50) / 100);
}

/** 60 orders of 1-3 lines, one every 1-2 days from 2016-11-20 (so they cross a year end), at varied hours. */
export function makeSaleLines(orderCount = 60, seed = 16): SaleLine[] {
  const rnd = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const lines: SaleLine[] = [];
  let day = Date.UTC(2016, 10, 20);
  for (let o = 1; o <= orderCount; o++) {
    day += (1 + Math.floor(rnd() * 2)) * 86_400_000;
    const orderedAt = new Date(day + (7 + Math.floor(rnd() * 14)) * 3_600_000 + Math.floor(rnd() * 60) * 60_000);
    // Every 17th order comes from a customer the master data does not know yet.
    const customerId = o % 17 === 0 ? unknownCustomerId : pick(activeCustomers)._id;
    const lineCount = 1 + Math.floor(rnd() * 3);
    for (let l = 1; l <= lineCount; l++) {
      const product = pick(products);
      const quantity = 1 + Math.floor(rnd() * 9);
      const discount = pick(discounts);
      const cents = lineCents(product.price_cents, quantity, discount);
      const orderId = `O${pad(o, 4)}`;
      lines.push({
        _id: `${orderId}-${l}`,
        order_id: orderId,
        line_no: l,
        order_date: isoDay(orderedAt),
        ordered_at: orderedAt,
        customer_id: customerId,
        product_id: product._id,
        category: product.category,
        quantity,
        unit_price: product.price_cents / 100,
        discount,
        line_total: cents / 100,
        line_total_dec: Decimal128.fromString((cents / 100).toFixed(2)),
      });
    }
  }
  return lines;
}

// ---- reference computations -------------------------------------------------------------------------------------

export function groupBy<T, K extends string>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export const sumBy = <T>(rows: readonly T[], f: (row: T) => number) => rows.reduce((s, r) => s + f(r), 0);

/** Exact integer cents of a line (line_total is cents / 100, so this round-trips exactly). */
export const centsOf = (line: SaleLine) => Math.round(line.line_total * 100);

/** A Decimal128 (or its string) as exact integer cents; refuses a value with a non-zero fraction past the cent. */
export function decimalToCents(value: Decimal128 | string): bigint {
  const text = value.toString();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`decimal "${text}" is not a plain decimal number`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (/[^0]/.test(frac.slice(2))) throw new Error(`decimal "${text}" has a fraction of a cent`);
  const cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  return m[1] ? -cents : cents;
}

/** Sorted copy, for comparing sets and multisets returned in no particular order. */
export const sorted = <T extends string | number>(list: readonly T[]) =>
  [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
