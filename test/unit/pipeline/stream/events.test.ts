import { decodeEvent, encodeEvent, envelopeTime, SCHEMA_VERSION, wrapEnvelope } from '../../../../src/pipeline/stream/events';
import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { salesWithItems, makeLiveSale } from '../../../../src/pipeline/source/live';
import { makeRow } from '../../rows';

const row = makeRow;
const { data } = normalizeRows([row({}), row({ line: 3, productId: 'P-2', productName: 'Desk', sales: 50.5 })]);
const sale = salesWithItems(data)[0]!;

function saleValue(mutate: (env: Record<string, unknown> & { data: Record<string, unknown> }) => void): string {
  const env = JSON.parse(encodeEvent('sale', sale).value);
  mutate(env);
  return JSON.stringify(env);
}

describe('events', () => {
  it('round-trip a sale with its lines, keyed by sale_id', () => {
    const { key, value } = encodeEvent('sale', sale);
    expect(key).toBe('O-1');
    const d = decodeEvent(Buffer.from(value), 'sale', key);
    expect(d).toMatchObject({ ok: true, kind: 'sale', data: sale });
  });

  it.each([
    ['bad JSON', '{"schema":', /^bad JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['an empty value', '', /empty message/],
    ['another entity', encodeEvent('product', data.products[0]!).value, /schema is "erp.product", expected "erp.sale"/],
    ['an unknown schema version', saleValue((e) => (e.v = 99)), /unknown schema version 99/],
    ['a missing field', saleValue((e) => delete e.data.customer_id), /invalid sale: customer_id/],
    ['a wrong type', saleValue((e) => (e.data.total = '150.5')), /invalid sale: total must be a number/],
    ['an impossible value', saleValue((e) => ((e.data.items as { quantity: number }[])[0]!.quantity = -3)), /items\.0\.quantity must be positive/],
    ['an impossible date', saleValue((e) => (e.data.order_date = '2017-02-31')), /order_date is not a real date/],
    ['lines that disagree with the items', saleValue((e) => (e.data.lines = 5)), /lines says 5 but the sale carries 2 items/],
  ])('rejects %s with a reason', (_what, value, reason) => {
    const d = decodeEvent(value, 'sale');
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toMatch(reason);
  });

  it('rejects a key that does not match the id', () => {
    const d = decodeEvent(encodeEvent('sale', sale).value, 'sale', 'O-2');
    expect(!d.ok && d.reason).toBe('message key "O-2" does not match the sale id "O-1"');
  });

  it('makes live sales with new ids, today\'s date and the template\'s lines', () => {
    const live = makeLiveSale(sale, new Date(2026, 10, 27, 14, 5), 3, 'run1');
    expect(live.sale_id).toBe('LIVE-20261127-run1-3');
    expect(live.order_date).toBe('2026-11-27');
    expect(live.order_time).toBe('14:05');
    expect(live.items.map((i) => i.item_id)).toEqual(['LIVE-20261127-run1-3#1', 'LIVE-20261127-run1-3#2']);
    expect(decodeEvent(encodeEvent('sale', live).value, 'sale').ok).toBe(true);
  });

  describe('wrapEnvelope (the envelope spliced around a payload encoded ahead, in the sales worker)', () => {
    const at = new Date(Date.UTC(2017, 0, 2, 3, 4, 5, 6));
    const odd = { ...sale, city: 'Zürich "Nord" \\ 東京\n', items: sale.items.map((i) => ({ ...i, sub_category: '\u2028\ttab' })) };
    it.each([
      ['a product', 'product', data.products[0]!],
      ['a customer', 'customer', data.customers[0]!],
      ['a sale with its lines', 'sale', sale],
      ['a sale with quotes, backslashes, control and non-ASCII characters', 'sale', odd],
    ] as const)('gives the bytes of JSON.stringify of the envelope object for %s', (_what, kind, record) => {
      const envelope = { schema: `erp.${kind}`, v: SCHEMA_VERSION, produced_at: at.toISOString(), data: record };
      const spliced = wrapEnvelope(kind, JSON.stringify(record), envelopeTime(at));
      expect(Buffer.from(spliced).equals(Buffer.from(JSON.stringify(envelope)))).toBe(true);
      expect(encodeEvent(kind, record, at).value).toBe(spliced);
    });
  });
});
