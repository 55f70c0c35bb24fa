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

export function validateRecord(read: FieldReader, line: number, dateFormat: DateFormat): Validation {
  const rejects: Reject[] = [];
  const get = (f: SuperstoreField) => read(superstoreColumns[f]).trim();
  const fail = (f: SuperstoreField, reason: string) =>
    rejects.push({ line, column: superstoreColumns[f], value: get(f), reason });

  const text = {} as Record<(typeof textFields)[number], string>;
  for (const f of textFields) {
    text[f] = get(f);
    if (!text[f]) fail(f, `${superstoreColumns[f]} is empty`);
  }

  const date = (f: 'orderDate' | 'shipDate') => {
    const r = parseDate(get(f), dateFormat);
    if (r.ok) return r.iso;
    fail(f, `${superstoreColumns[f]} ${r.reason}`);
    return '';
  };
  const orderDate = date('orderDate');
  const shipDate = date('shipDate');
  if (orderDate && shipDate && shipDate < orderDate) fail('shipDate', `Ship Date ${shipDate} is before Order Date ${orderDate}`);

  const num = (f: 'sales' | 'quantity' | 'discount' | 'profit') => {
    const v = get(f);
    const n = NUMBER.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      fail(f, v ? `${superstoreColumns[f]} "${v}" is not a number` : `${superstoreColumns[f]} is empty`);
      return NaN;
    }
    return n;
  };
  const sales = num('sales');
  const quantity = num('quantity');
  const discount = num('discount');
  const profit = num('profit');
  if (Number.isFinite(sales) && sales < 0) fail('sales', `Sales ${sales} is negative (returns are not modelled)`);
  if (Number.isFinite(quantity) && !(Number.isInteger(quantity) && quantity > 0)) {
    fail('quantity', `Quantity ${get('quantity')} is not a positive whole number`);
  }
  if (Number.isFinite(discount) && (discount < 0 || discount > 1)) fail('discount', `Discount ${discount} is outside 0..1`);
  if (discount === 1 && sales > 0) fail('discount', 'Discount 1 (100 %) with a non-zero Sales value is contradictory');

  if (rejects.length) return { ok: false, rejects };
  return {
    ok: true,
    row: {
      line,
      rowId: get('rowId'),
      ...text,
      orderDate,
      shipDate,
      postalCode: get('postalCode'),
      sales,
      quantity,
      discount,
      profit,
    },
  };
}
