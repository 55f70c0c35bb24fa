/** Turns one raw CSV record into a validated SuperstoreRow, or says exactly what is wrong with it. */
import { superstoreColumns, type Reject, type SuperstoreField, type SuperstoreRow } from './columns';
import { parseDate, type DateFormat } from './dates';

/** Reads one source field by its column name ('' when absent). */
export type FieldReader = (column: string) => string;

export type Validation = { ok: true; row: SuperstoreRow } | { ok: false; rejects: Reject[] };

const textFields = [
  'orderId', 'shipMode', 'customerId', 'customerName', 'segment', 'country', 'city', 'state', 'region',
  'productId', 'category', 'subCategory', 'productName',
] as const satisfies readonly SuperstoreField[];

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

// Helpers at module level, not closures made for every row: a million-line file validates a million rows.
function field(read: FieldReader, f: SuperstoreField): string {
  return read(superstoreColumns[f]).trim();
}

function fail(rejects: Reject[], read: FieldReader, line: number, f: SuperstoreField, reason: string): void {
  rejects.push({ line, column: superstoreColumns[f], value: field(read, f), reason });
}

function dateField(read: FieldReader, line: number, dateFormat: DateFormat, rejects: Reject[], f: 'orderDate' | 'shipDate'): string {
  const r = parseDate(field(read, f), dateFormat);
  if (r.ok) return r.iso;
  fail(rejects, read, line, f, `${superstoreColumns[f]} ${r.reason}`);
  return '';
}

function numberField(read: FieldReader, line: number, rejects: Reject[], f: 'sales' | 'quantity' | 'discount' | 'profit'): number {
  const v = field(read, f);
  const n = NUMBER.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    fail(rejects, read, line, f, v ? `${superstoreColumns[f]} "${v}" is not a number` : `${superstoreColumns[f]} is empty`);
    return NaN;
  }
  return n;
}

export function validateRecord(read: FieldReader, line: number, dateFormat: DateFormat): Validation {
  const rejects: Reject[] = [];
  const text = {} as Record<(typeof textFields)[number], string>;
  for (const f of textFields) {
    text[f] = field(read, f);
    if (!text[f]) fail(rejects, read, line, f, `${superstoreColumns[f]} is empty`);
  }

  const orderDate = dateField(read, line, dateFormat, rejects, 'orderDate');
  const shipDate = dateField(read, line, dateFormat, rejects, 'shipDate');
  if (orderDate && shipDate && shipDate < orderDate) fail(rejects, read, line, 'shipDate', `Ship Date ${shipDate} is before Order Date ${orderDate}`);

  const sales = numberField(read, line, rejects, 'sales');
  const quantity = numberField(read, line, rejects, 'quantity');
  const discount = numberField(read, line, rejects, 'discount');
  const profit = numberField(read, line, rejects, 'profit');
  if (Number.isFinite(sales) && sales < 0) fail(rejects, read, line, 'sales', `Sales ${sales} is negative (returns are not modelled)`);
  if (Number.isFinite(quantity) && !(Number.isInteger(quantity) && quantity > 0)) {
    fail(rejects, read, line, 'quantity', `Quantity ${field(read, 'quantity')} is not a positive whole number`);
  }
  if (Number.isFinite(discount) && (discount < 0 || discount > 1)) fail(rejects, read, line, 'discount', `Discount ${discount} is outside 0..1`);
  if (discount === 1 && sales > 0) fail(rejects, read, line, 'discount', 'Discount 1 (100 %) with a non-zero Sales value is contradictory');

  if (rejects.length) return { ok: false, rejects };
  return {
    ok: true,
    row: {
      line,
      rowId: field(read, 'rowId'),
      ...text,
      orderDate,
      shipDate,
      postalCode: field(read, 'postalCode'),
      sales,
      quantity,
      discount,
      profit,
    },
  };
}
