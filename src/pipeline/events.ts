/**
 * Message schemas of the ERP topics: one envelope, versioned, JSON. The only place that encodes, decodes and
 * validates them. A message that fails here goes to the dead-letter topic with the reason.
 */
import { z } from 'zod';
import type { Customer, Product, SaleWithItems } from './entities';
import { parseDate } from './source/dates';

export const SCHEMA_VERSION = 1;

export type EntityKind = 'product' | 'customer' | 'sale';

const id = z.string().trim().min(1, 'must be a non-empty string').max(200, 'is longer than 200 characters');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((d) => parseDate(d, 'iso').ok, 'is not a real date');
const money = z.number({ invalid_type_error: 'must be a number' }).finite('must be finite');
const count = z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number');

export const productSchema = z.object({
  product_id: id,
  name: z.string().min(1, 'must not be empty'),
  alt_names: z.array(z.string()).default([]),
  category: z.string().min(1, 'must not be empty'),
  sub_category: z.string().min(1, 'must not be empty'),
  unit_price: money.nonnegative('must not be negative'),
});

export const customerSchema = z.object({
  customer_id: id,
  name: z.string().min(1, 'must not be empty'),
  segment: z.string().min(1, 'must not be empty'),
  country: z.string(),
  email: z.string(),
});

const itemSchema = z.object({
  item_id: id,
  sale_id: id,
  line: count.positive('must be positive'),
  product_id: id,
  quantity: count.positive('must be positive'),
  unit_price: money.nonnegative('must not be negative'),
  discount: money.min(0, 'must be within 0..1').max(1, 'must be within 0..1'),
  line_total: money.nonnegative('must not be negative'),
  profit: money,
  customer_id: id,
  order_date: isoDate,
  branch_id: z.string(),
  category: z.string(),
  sub_category: z.string(),
});

export const saleSchema = z
  .object({
    sale_id: id,
    customer_id: id,
    order_date: isoDate,
    order_time: z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM'),
    ship_date: isoDate,
    ship_mode: z.string(),
    country: z.string(),
    state: z.string(),
    city: z.string(),
    postal_code: z.string(),
    region: z.string(),
    branch_id: z.string().min(1, 'must not be empty'),
    branch_name: z.string(),
    payment_method: z.enum(['card', 'cash', 'transfer', 'wallet']),
    lines: count.positive('must be positive'),
    units: count.positive('must be positive'),
    total: money.nonnegative('must not be negative'),
    profit: money,
    items: z.array(itemSchema).min(1, 'must hold at least one line'),
  })
  .superRefine((s, ctx) => {
    if (s.items.length !== s.lines) ctx.addIssue({ code: 'custom', path: ['lines'], message: `says ${s.lines} but the sale carries ${s.items.length} items` });
    s.items.forEach((it, i) => {
      if (it.sale_id !== s.sale_id) ctx.addIssue({ code: 'custom', path: ['items', i, 'sale_id'], message: `is "${it.sale_id}", not the sale's "${s.sale_id}"` });
    });
  });

const payloadSchemas = { product: productSchema, customer: customerSchema, sale: saleSchema } as const;

export interface Envelope<K extends EntityKind, T> {
  schema: `erp.${K}`;
  v: number;
  produced_at: string;
  data: T;
}

export type ProductEvent = Envelope<'product', Product>;
export type CustomerEvent = Envelope<'customer', Customer>;
export type SaleEvent = Envelope<'sale', SaleWithItems>;
export type ErpEvent = ProductEvent | CustomerEvent | SaleEvent;

export function keyOf(kind: EntityKind, data: Product | Customer | SaleWithItems): string {
  if (kind === 'product') return (data as Product).product_id;
  if (kind === 'customer') return (data as Customer).customer_id;
  return (data as SaleWithItems).sale_id;
}

export function encodeEvent<K extends EntityKind>(kind: K, data: Product | Customer | SaleWithItems, producedAt = new Date()): { key: string; value: string } {
  return { key: keyOf(kind, data), value: wrapEnvelope(kind, JSON.stringify(data), envelopeTime(producedAt)) };
}

/** `produced_at` as the envelope writes it (ISO 8601, UTC, milliseconds). */
export const envelopeTime = (producedAt: Date): string => producedAt.toISOString();

/**
 * The envelope around a payload already encoded as JSON: the same bytes as `JSON.stringify` of the envelope object
 * (its keys in this order, no spaces). Why a splice: the sales are encoded in a worker thread ahead of sending, and
 * `produced_at` must still be the time of the send.
 */
export function wrapEnvelope(kind: EntityKind, dataJson: string, producedAt: string): string {
  return `{"schema":"erp.${kind}","v":${SCHEMA_VERSION},"produced_at":"${producedAt}","data":${dataJson}}`;
}

export type Decoded =
  | { ok: true; kind: 'product'; data: Product; producedAt: string }
  | { ok: true; kind: 'customer'; data: Customer; producedAt: string }
  | { ok: true; kind: 'sale'; data: SaleWithItems; producedAt: string }
  | { ok: false; reason: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'value'} ${i.message}`)
    .join('; ');
}

/**
 * Decode and validate one message. `expected` is the kind the topic carries: a customer on the products topic is
 * as wrong as bad JSON. Never throws: anything wrong becomes `{ ok: false, reason }`.
 */
export function decodeEvent(value: Buffer | string | null, expected: EntityKind, key?: string | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message (tombstone or no value)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `bad JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'not a JSON object' };
  const env = parsed as Record<string, unknown>;
  if (env.schema !== `erp.${expected}`) return { ok: false, reason: `schema is ${JSON.stringify(env.schema)}, expected "erp.${expected}"` };
  if (env.v !== SCHEMA_VERSION) return { ok: false, reason: `unknown schema version ${JSON.stringify(env.v)} (this consumer reads v${SCHEMA_VERSION})` };
  const result = payloadSchemas[expected].safeParse(env.data);
  if (!result.success) return { ok: false, reason: `invalid ${expected}: ${describeIssues(result.error)}` };
  const data = result.data as Product & Customer & SaleWithItems;
  if (key != null && key !== keyOf(expected, data)) return { ok: false, reason: `message key "${key}" does not match the ${expected} id "${keyOf(expected, data)}"` };
  return { ok: true, kind: expected, data, producedAt: typeof env.produced_at === 'string' ? env.produced_at : '' } as Decoded;
}
