/**
 * Message schemas of the ERP topics: one envelope, versioned, JSON. The only place that encodes, decodes and
 * validates them. A message that fails here goes to the dead-letter topic with the reason.
 */
import { z } from 'zod';
import type { Customer, Product, SaleWithItems } from '../core/entities';
import { parseDate } from '../source/dates';

export const SCHEMA_VERSION = 1;

export type EntityKind = 'product' | 'customer' | 'sale';

const MAX_ID_LENGTH = 200;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HH_MM = /^\d{2}:\d{2}$/;
const PAYMENT_METHODS = ['card', 'cash', 'transfer', 'wallet'] as const;

const id = z.string().trim().min(1, 'must be a non-empty string').max(MAX_ID_LENGTH, `is longer than ${MAX_ID_LENGTH} characters`);
const isoDate = z.string().regex(ISO_DATE, 'must be a date YYYY-MM-DD').refine((d) => parseDate(d, 'iso').ok, 'is not a real date');
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

const saleFields = z.object({
  sale_id: id,
  customer_id: id,
  order_date: isoDate,
  order_time: z.string().regex(HH_MM, 'must be HH:MM'),
  ship_date: isoDate,
  ship_mode: z.string(),
  country: z.string(),
  state: z.string(),
  city: z.string(),
  postal_code: z.string(),
  region: z.string(),
  branch_id: z.string().min(1, 'must not be empty'),
  branch_name: z.string(),
  payment_method: z.enum(PAYMENT_METHODS),
  lines: count.positive('must be positive'),
  units: count.positive('must be positive'),
  total: money.nonnegative('must not be negative'),
  profit: money,
  items: z.array(itemSchema).min(1, 'must hold at least one line'),
});

export const saleSchema = saleFields.superRefine((s, ctx) => {
  if (s.items.length !== s.lines) ctx.addIssue({ code: 'custom', path: ['lines'], message: `says ${s.lines} but the sale carries ${s.items.length} items` });
  s.items.forEach((it, i) => {
    if (it.sale_id !== s.sale_id) ctx.addIssue({ code: 'custom', path: ['items', i, 'sale_id'], message: `is "${it.sale_id}", not the sale's "${s.sale_id}"` });
  });
});

/*
 * The fast path. Zod was the largest share of the lake consumer's CPU (it rebuilds every object and keeps a context
 * per field), and nearly every message is valid. The checks below restate the schemas' rules in plain code and accept a payload
 * only when zod would accept it AND return it unchanged: exactly the schema's keys in the schema's order (zod drops
 * unknown keys and emits the shape's order), ids already trimmed, alt_names present (zod defaults it). Anything else,
 * valid or not, goes through zod, which also words the reason, so a dead letter reads the same either way.
 * test/unit/pipeline/events-fast-path.test.ts compares the two on valid and mutated payloads; change a rule in both
 * places.
 */
type Check = (v: unknown) => boolean;

const isText: Check = (v) => typeof v === 'string';
const isNonEmptyText: Check = (v) => typeof v === 'string' && v.length > 0;
const isTrimmedId: Check = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH && v.trim() === v;
const isMoney: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isNonNegativeMoney: Check = (v) => isMoney(v) && (v as number) >= 0;
const isPositiveCount: Check = (v) => Number.isInteger(v) && (v as number) > 0;
const isRealDate: Check = (v) => typeof v === 'string' && ISO_DATE.test(v) && parseDate(v, 'iso').ok;
const isTime: Check = (v) => typeof v === 'string' && HH_MM.test(v);
const isPaymentMethod: Check = (v) => (PAYMENT_METHODS as readonly unknown[]).includes(v);
const isArrayOf = (each: Check, min = 0): Check => (v) => Array.isArray(v) && v.length >= min && v.every(each);

/** An object with exactly the shape's keys, in the shape's order, each passing its check. */
function exactObject<S extends z.ZodRawShape>(shape: S, checks: { [K in keyof S]: Check }): Check {
  const keys = Object.keys(shape);
  const ordered = keys.map((k) => checks[k as keyof S]);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const actual = Object.keys(v);
    if (actual.length !== keys.length) return false;
    for (let i = 0; i < keys.length; i++) {
      if (actual[i] !== keys[i] || !ordered[i]!((v as Record<string, unknown>)[keys[i]!])) return false;
    }
    return true;
  };
}

const isExactProduct = exactObject(productSchema.shape, {
  product_id: isTrimmedId,
  name: isNonEmptyText,
  alt_names: isArrayOf(isText),
  category: isNonEmptyText,
  sub_category: isNonEmptyText,
  unit_price: isNonNegativeMoney,
});

const isExactCustomer = exactObject(customerSchema.shape, {
  customer_id: isTrimmedId,
  name: isNonEmptyText,
  segment: isNonEmptyText,
  country: isText,
  email: isText,
});

const isExactItem = exactObject(itemSchema.shape, {
  item_id: isTrimmedId,
  sale_id: isTrimmedId,
  line: isPositiveCount,
  product_id: isTrimmedId,
  quantity: isPositiveCount,
  unit_price: isNonNegativeMoney,
  discount: (v) => isMoney(v) && (v as number) >= 0 && (v as number) <= 1,
  line_total: isNonNegativeMoney,
  profit: isMoney,
  customer_id: isTrimmedId,
  order_date: isRealDate,
  branch_id: isText,
  category: isText,
  sub_category: isText,
});

const isExactSaleFields = exactObject(saleFields.shape, {
  sale_id: isTrimmedId,
  customer_id: isTrimmedId,
  order_date: isRealDate,
  order_time: isTime,
  ship_date: isRealDate,
  ship_mode: isText,
  country: isText,
  state: isText,
  city: isText,
  postal_code: isText,
  region: isText,
  branch_id: isNonEmptyText,
  branch_name: isText,
  payment_method: isPaymentMethod,
  lines: isPositiveCount,
  units: isPositiveCount,
  total: isNonNegativeMoney,
  profit: isMoney,
  items: isArrayOf(isExactItem, 1),
});

const isExactSale: Check = (v) => {
  if (!isExactSaleFields(v)) return false;
  const s = v as SaleWithItems;
  return s.items.length === s.lines && s.items.every((it) => it.sale_id === s.sale_id);
};

/** True when `payload` is valid and already exactly what its zod schema would return: it can be used as it is. */
export const isExactPayload: Record<EntityKind, Check> = { product: isExactProduct, customer: isExactCustomer, sale: isExactSale };

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
  let data: Product & Customer & SaleWithItems;
  if (isExactPayload[expected](env.data)) data = env.data as Product & Customer & SaleWithItems;
  else {
    const result = payloadSchemas[expected].safeParse(env.data);
    if (!result.success) return { ok: false, reason: `invalid ${expected}: ${describeIssues(result.error)}` };
    data = result.data as Product & Customer & SaleWithItems;
  }
  if (key != null && key !== keyOf(expected, data)) return { ok: false, reason: `message key "${key}" does not match the ${expected} id "${keyOf(expected, data)}"` };
  return { ok: true, kind: expected, data, producedAt: typeof env.produced_at === 'string' ? env.produced_at : '' } as Decoded;
}
