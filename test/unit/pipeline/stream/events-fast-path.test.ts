import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { customerSchema, decodeEvent, isExactPayload, productSchema, saleSchema, type EntityKind } from '../../../../src/pipeline/stream/events';
import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { createRandom } from '../../../../src/pipeline/source/generate';
import { makeRow } from '../../rows';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Payload = Record<string, Json>;

const { data } = normalizeRows([makeRow({}), makeRow({ line: 3, productId: 'P-2', productName: 'Desk', sales: 50.5, quantity: 1, discount: 0 })]);
const sale = salesWithItems(data)[0]!;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const bases: [EntityKind, Payload][] = [
  ['product', clone(data.products[0]!) as unknown as Payload],
  ['product', { ...clone(data.products[1]!), alt_names: ['Desk (old)', ''] } as unknown as Payload],
  ['customer', clone(data.customers[0]!) as unknown as Payload],
  ['sale', clone(sale) as unknown as Payload],
];
const schemas: Record<EntityKind, z.ZodTypeAny> = { product: productSchema, customer: customerSchema, sale: saleSchema };

/** What decodeEvent answered for a payload before the fast path: zod alone (the reason worded as decodeEvent words it). */
function zodDecode(kind: EntityKind, payload: unknown): { ok: true; data: unknown } | { ok: false; reason: string } {
  const r = schemas[kind].safeParse(payload);
  if (r.success) return { ok: true, data: r.data };
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'value'} ${i.message}`);
  return { ok: false, reason: `invalid ${kind}: ${issues.join('; ')}` };
}

/** Equal values with the keys in the same order (the order is what BSON stores). */
const identical = (a: unknown, b: unknown) => isDeepStrictEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);

function messageOf(kind: EntityKind, payload: unknown): string {
  return JSON.stringify({ schema: `erp.${kind}`, v: 1, produced_at: '2026-01-01T00:00:00.000Z', data: payload });
}

/**
 * decodeEvent answers exactly what zod alone answered, and the fast path takes exactly the payloads zod returns
 * unchanged. Everything is judged on the message as the consumer sees it: the payload after JSON.
 */
function expectSameAsZod(kind: EntityKind, payload: unknown): void {
  const message = messageOf(kind, payload);
  const received = () => (JSON.parse(message) as { data: unknown }).data;
  const reference = zodDecode(kind, received());
  const decoded = decodeEvent(message, kind);
  if (reference.ok) {
    expect(decoded.ok).toBe(true);
    expect(decoded.ok && identical(decoded.data, reference.data)).toBe(true);
  } else {
    expect(decoded).toEqual({ ok: false, reason: reference.reason });
  }
  const input = received();
  expect(isExactPayload[kind](input)).toBe(reference.ok && identical(reference.data, input));
}

describe('decodeEvent fast path', () => {
  it.each(bases)('takes a valid %s as it is', (kind, payload) => {
    expect(isExactPayload[kind](payload)).toBe(true);
    expectSameAsZod(kind, payload);
  });

  const saleWith = (mutate: (s: Payload & { items: Payload[] }) => void): Payload => {
    const s = clone(sale) as unknown as Payload & { items: Payload[] };
    mutate(s);
    return s;
  };
  const { alt_names: _alt, ...productWithoutAltNames } = clone(data.products[0]!);
  const { customer_id: _cid, ...customerRest } = clone(data.customers[0]!);

  it.each<[string, EntityKind, unknown]>([
    ['an id of 200 characters', 'sale', saleWith((s) => ((s.customer_id = 'C'.repeat(200)), (s.items[0]!.customer_id = 'C'.repeat(200))))],
    ['a free product', 'product', { ...clone(data.products[0]!), unit_price: 0 }],
    ['discounts of 0 and 1', 'sale', saleWith((s) => ((s.items[0]!.discount = 0), (s.items[1]!.discount = 1)))],
    ['a line total of 0 and a negative profit', 'sale', saleWith((s) => ((s.items[0]!.line_total = 0), (s.profit = -12.5)))],
    ['29 February of a leap year', 'sale', saleWith((s) => (s.ship_date = '2016-02-29'))],
    ['31 December and 00:00', 'sale', saleWith((s) => ((s.order_date = '2016-12-31'), (s.order_time = '00:00')))],
    ['each payment method', 'sale', saleWith((s) => (s.payment_method = 'wallet'))],
    ['empty optional texts', 'customer', { ...clone(data.customers[0]!), country: '', email: '' }],
    ['an id with inner spaces', 'product', { ...clone(data.products[0]!), product_id: 'P 1' }],
  ])('takes as it is %s', (_what, kind, payload) => {
    expect(isExactPayload[kind](payload)).toBe(true);
    expectSameAsZod(kind, payload);
  });

  // Valid for zod, but zod returns something else than its input: the fast path must leave them to zod.
  it.each<[string, EntityKind, unknown]>([
    ['an id with spaces around it (zod trims it)', 'sale', saleWith((s) => (s.sale_id = ' O-1 '))],
    ['an item id with a trailing tab', 'sale', saleWith((s) => (s.items[0]!.item_id = 'O-1#1\t'))],
    ['a product without alt_names (zod adds [])', 'product', productWithoutAltNames],
    ['an unknown field (zod drops it)', 'customer', { ...clone(data.customers[0]!), vip: true }],
    ['an unknown field on a line', 'sale', saleWith((s) => (s.items[1]!.note = 'x'))],
    ['the fields in another order (zod emits its own)', 'customer', { ...customerRest, customer_id: 'C-1' }],
  ])('leaves to zod %s', (_what, kind, payload) => {
    expect(isExactPayload[kind](payload)).toBe(false);
    expectSameAsZod(kind, payload);
  });

  it.each<[string, EntityKind, unknown]>([
    ['an empty id', 'product', { ...clone(data.products[0]!), product_id: '' }],
    ['an id of 201 characters', 'customer', { ...clone(data.customers[0]!), customer_id: 'C'.repeat(201) }],
    ['a negative price', 'product', { ...clone(data.products[0]!), unit_price: -0.01 }],
    ['a name that is not a string', 'customer', { ...clone(data.customers[0]!), name: 7 }],
    ['a 29 February outside a leap year', 'sale', saleWith((s) => (s.ship_date = '2017-02-29'))],
    ['a date without leading zeros', 'sale', saleWith((s) => (s.items[0]!.order_date = '2017-1-02'))],
    ['a time without leading zeros', 'sale', saleWith((s) => (s.order_time = '9:05'))],
    ['an unknown payment method', 'sale', saleWith((s) => (s.payment_method = 'cheque'))],
    ['a fractional quantity', 'sale', saleWith((s) => (s.items[1]!.quantity = 1.5))],
    ['a discount above 1', 'sale', saleWith((s) => (s.items[0]!.discount = 1.01))],
    ['no lines', 'sale', saleWith((s) => ((s.items = []), (s.lines = 0)))],
    ['lines that disagree with the items', 'sale', saleWith((s) => (s.lines = 3))],
    ['a line of another sale', 'sale', saleWith((s) => (s.items[1]!.sale_id = 'O-2'))],
    ['a null instead of the data', 'sale', null],
    ['an array instead of the data', 'product', [clone(data.products[0]!)]],
  ])('rejects %s with zod\'s reason', (_what, kind, payload) => {
    expect(isExactPayload[kind](payload)).toBe(false);
    expect(decodeEvent(messageOf(kind, payload), kind).ok).toBe(false);
    expectSameAsZod(kind, payload);
  });

  it('agrees with zod on thousands of mutated messages', () => {
    const random = createRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const oddValues: Json[] = [
      '', ' ', 'x', ' x', 'x ', '\u00a0x', 'C'.repeat(200), 'C'.repeat(201), '2016-02-29', '2017-02-29', '2017-13-01', '2017-00-10',
      '2017-04-31', '2017-1-05', ' 2017-01-05', '12:30', '1:30', '12:3', '99:99', 'card', 'wallet', 'Card', 'cheque',
      0, -0, 1, 2, -1, 0.5, 1.0000001, 1.5, -0.0001, 1e308, -1e308, 200, 5e-324, null, true, false, [], ['x'], [1], {},
    ];
    const odd = (): Json => clone(pick(oddValues));
    type Container = Record<string, Json> | Json[];
    // Every object and array inside the payload, so a mutation can land anywhere (header, a line, alt_names).
    const containers = (v: Json, out: Container[] = []): Container[] => {
      if (v !== null && typeof v === 'object') {
        out.push(v);
        for (const child of Object.values(v)) containers(child, out);
      }
      return out;
    };
    const mutate = (payload: Payload): void => {
      const target = pick(containers(payload));
      const keys = Object.keys(target);
      if (Array.isArray(target)) {
        const r = random();
        if (r < 0.2 || !target.length) target.push(odd());
        else if (r < 0.35) target.splice(Math.floor(random() * target.length), 1);
        else if (r < 0.5) target.push(clone(pick(target)));
        else target[Math.floor(random() * target.length)] = odd();
        return;
      }
      const key = pick(keys);
      const value = target[key]!;
      const r = random();
      if (r < 0.1) delete target[key];
      // An own "__proto__" key, as JSON.parse makes one (a plain assignment would set the prototype instead).
      else if (r < 0.18) Object.defineProperty(target, pick(['extra', 'note', '__proto__']), { value: odd(), enumerable: true, writable: true, configurable: true });
      else if (r < 0.26) {
        delete target[key];
        target[key] = value; // same fields, another order
      } else if (r < 0.4 && typeof value === 'string') target[key] = pick([` ${value}`, `${value} `, value.slice(1), `${value}${value}`, value.toUpperCase()]);
      else if (r < 0.5 && typeof value === 'number') target[key] = pick([value + 1, value - 1, -value, value / 3, value * 1e6]);
      else if (r < 0.55) target[key] = pick([payload.sale_id ?? null, target.sale_id === undefined ? 'x' : `${String(target.sale_id)}x`]);
      else target[key] = odd();
    };

    let exact = 0;
    let zodOnlyValid = 0;
    let invalid = 0;
    for (let n = 0; n < 4000; n++) {
      const [kind, base] = pick(bases);
      const payload = clone(base);
      const times = 1 + Math.floor(random() * 3);
      for (let i = 0; i < times; i++) mutate(payload);
      expectSameAsZod(kind, payload);
      const reference = zodDecode(kind, payload);
      if (isExactPayload[kind](payload)) exact++;
      else if (reference.ok) zodOnlyValid++;
      else invalid++;
    }
    // The mutations reach all three outcomes, so the comparison above means something.
    expect(exact).toBeGreaterThan(100);
    expect(zodOnlyValid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(1000);
  });
});
