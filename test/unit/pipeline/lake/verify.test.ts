import { createSourceSummary, reconcile, formatReconciliation, summarizeErpData, summarizeSource, type LakeKeys } from '../../../../src/pipeline/lake/verify';
import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { deadLetter, type DeadLetter } from '../../../../src/pipeline/stream/dlq';
import { fromUnits, roundCents, toUnits } from '../../../../src/pipeline/core/money';
import type { ErpData } from '../../../../src/pipeline/core/entities';
import type { SuperstoreRow } from '../../../../src/pipeline/source/columns';
import { makeRow } from '../../rows';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { loadErpData } from '../../../../src/pipeline/source/load';
import { scanSource } from '../../../../src/pipeline/source/stream-load';

const row = (o: Partial<SuperstoreRow>): SuperstoreRow => makeRow({ ...{ sales: 100.25, discount: 0 }, ...o });
const { data: erp } = normalizeRows([row({}), row({ line: 3, orderId: 'O-2', sales: 50.5, profit: -1 })]);
const data = summarizeErpData(erp);
const erpMaster = { products: erp.products, customers: erp.customers };

const lakeOf = (sales: string[], items: string[], revenue: number, profit: number) => ({
  products: new Set(['P-1']), customers: new Set(['C-1']), sales: new Set(sales), items: new Set(items), revenueE4: toUnits(revenue), profitE4: toUnits(profit),
});

describe('reconcile', () => {
  it('passes when the lake holds everything with the same money', () => {
    const r = reconcile(data, lakeOf(['O-1', 'O-2'], ['O-1#1', 'O-2#1'], 150.75, 9), []);
    expect(r.ok).toBe(true);
  });

  it('accounts a missing sale and its lines to a dead letter with that key', () => {
    const letter = deadLetter('bad', { topic: 'erp.sales', partition: 0, offset: '3' }, 'O-2', '{}', 'erp-lake');
    const r = reconcile(data, lakeOf(['O-1'], ['O-1#1'], 100.25, 10), [letter]);
    expect(r.ok).toBe(true);
    expect(r.entities.find((e) => e.entity === 'sales')).toMatchObject({ source: 2, stored: 1, deadLettered: 1, missing: [] });
  });

  it('fails naming what is unaccounted for, and a money difference', () => {
    const r = reconcile(data, lakeOf(['O-1', 'O-2'], ['O-1#1'], 100.25, 10), []);
    expect(r.ok).toBe(false);
    expect(r.entities.find((e) => e.entity === 'sales_items')!.missing).toEqual(['O-2#1']);
    const text = formatReconciliation(r);
    expect(text).toContain('missing sales_items: O-2#1');
    expect(text).toContain('revenue  source 150.75  lake 100.25  DIFF -50.50');
  });

  it('names the likely cause and the fix when an earlier run on other data left lines under the same sale IDs', () => {
    // O-1 holds a second line that this source does not have, so its money differs.
    const r = reconcile(data, lakeOf(['O-1', 'O-2'], ['O-1#1', 'O-1#2', 'O-2#1'], 170.75, 9), []);
    expect(r.ok).toBe(false);
    const text = formatReconciliation(r);
    expect(text).toContain('an earlier run on other data');
    expect(text).toContain('MONGODB_DB=<name>');
    expect(text).toContain('npm run services -- reset');
  });

  it('counts lake documents the source lacks as extra, not as errors', () => {
    const lake = lakeOf(['O-1', 'O-2', 'LIVE-1'], ['O-1#1', 'O-2#1', 'LIVE-1#1'], 150.75, 9);
    const r = reconcile(data, lake, []);
    expect(r.ok).toBe(true);
    expect(r.entities.find((e) => e.entity === 'sales')!.extra).toBe(1);
  });
});

describe('reconcile over a sale with several lines', () => {
  // O-1 has three lines (100.25 + 20 + 3, profit 10 + 10 + 1.5), O-2 one (50.5, profit -1).
  const { data: erp } = normalizeRows([
    row({}),
    row({ line: 3, productId: 'P-2', sales: 20 }),
    row({ line: 4, sales: 3, profit: 1.5 }),
    row({ line: 5, orderId: 'O-2', sales: 50.5, profit: -1 }),
  ]);
  const source = summarizeErpData(erp);
  const lake = (items: string[], revenue = 173.75, profit = 20.5) => ({
    products: new Set(['P-1', 'P-2']), customers: new Set(['C-1']), sales: new Set(['O-1', 'O-2']), items: new Set(items), revenueE4: toUnits(revenue), profitE4: toUnits(profit),
  });
  const lines = (r: ReturnType<typeof reconcile>) => r.entities.find((e) => e.entity === 'sales_items')!;

  it('counts every line of every sale and passes when all are stored', () => {
    const r = reconcile(source, lake(['O-1#1', 'O-1#2', 'O-1#3', 'O-2#1']), []);
    expect(r.ok).toBe(true);
    expect(lines(r)).toEqual({ entity: 'sales_items', source: 4, stored: 4, deadLettered: 0, missing: [], extra: 0 });
    expect(r.money).toEqual([{ measure: 'revenue', source: 173.75, stored: 173.75 }, { measure: 'profit', source: 20.5, stored: 20.5 }]);
  });

  it('names a missing middle line by its key, in source order', () => {
    const r = reconcile(source, lake(['O-1#1', 'O-1#3']), []);
    expect(r.ok).toBe(false);
    expect(lines(r)).toMatchObject({ source: 4, stored: 2, deadLettered: 0, missing: ['O-1#2', 'O-2#1'] });
  });

  it('explains a missing line by a dead letter of its sale only', () => {
    const letter = deadLetter('bad', { topic: 'erp.sales', partition: 0, offset: '3' }, 'O-2', '{}', 'erp-lake');
    const r = reconcile(source, lake(['O-1#1', 'O-1#3']), [letter]);
    expect(lines(r)).toMatchObject({ stored: 2, deadLettered: 1, missing: ['O-1#2'] });
  });

  it('counts as extra a stored line beyond its sale, of another sale, or not written plainly', () => {
    const r = reconcile(source, lake(['O-1#1', 'O-1#2', 'O-1#3', 'O-2#1', 'O-1#4', 'O-1#0', 'O-1#02', 'O-1#2.0', 'O-3#1', 'O-1', 'LIVE-1#1']), []);
    expect(r.ok).toBe(true);
    expect(lines(r)).toMatchObject({ source: 4, stored: 4, missing: [], extra: 7 });
  });

  it('compares money over the sales that reached the lake', () => {
    const stored = { ...lake(['O-1#1', 'O-1#2', 'O-1#3'], 123.25, 21.5), sales: new Set(['O-1']) };
    const r = reconcile(source, stored, []);
    expect(r.money).toEqual([{ measure: 'revenue', source: 123.25, stored: 123.25 }, { measure: 'profit', source: 21.5, stored: 21.5 }]);
  });

  it('names a sale ID holding # by the last #', () => {
    const { data: hashed } = normalizeRows([row({ orderId: 'A#B' }), row({ line: 3, orderId: 'A#B', sales: 3 })]);
    const r = reconcile(summarizeErpData(hashed), { ...lake(['A#B#1', 'A#B#2', 'A#B#3'], 103.25, 20), sales: new Set(['A#B']) }, []);
    expect(r.ok).toBe(true);
    expect(lines(r)).toMatchObject({ source: 2, stored: 2, missing: [], extra: 1 });
  });
});

describe('source summary', () => {
  it('holds keys, line counts and exact per-sale sums, the same built batch by batch as all at once', () => {
    const { data: erp } = normalizeRows([row({}), row({ line: 3, sales: 0.1, profit: 0.2 }), row({ line: 4, orderId: 'O-2', sales: 0.2, profit: -0.1 })]);
    const whole = summarizeErpData(erp);
    expect([...whole.products]).toEqual(['P-1']);
    expect([...whole.customers]).toEqual(['C-1']);
    expect([...whole.sales]).toEqual([['O-1', 0], ['O-2', 1]]);
    expect(whole.lines).toEqual([2, 1]);
    expect(whole.revenueE4).toEqual([1_003_500, 2_000]);
    expect(whole.profitE4).toEqual([102_000, -1_000]);
    const streamed = createSourceSummary(erp);
    const [o1, o2] = salesWithItems(erp);
    streamed.add([o1!]);
    streamed.add([o2!]);
    expect(streamed.finish()).toEqual(whole);
  });

  it('refuses lines not numbered 1..n within their sale, and a sale seen twice', () => {
    const [sale] = salesWithItems(normalizeRows([row({}), row({ line: 3 })]).data);
    const skipped = { ...sale!, items: [sale!.items[0]!, { ...sale!.items[1]!, item_id: 'O-1#3' }] };
    expect(() => createSourceSummary(erpMaster).add([skipped])).toThrow('line 2 of sale O-1 has item_id O-1#3 (expected O-1#2)');
    expect(() => createSourceSummary(erpMaster).add([sale!, sale!])).toThrow('sale O-1 appears twice in the source stream');
  });

  it('streamed from the file equals the summary of loadErpData on the real Superstore', async () => {
    const scan = await scanSource();
    const streamed = await summarizeSource(scan);
    expect(streamed).toEqual(summarizeErpData((await loadErpData()).data));
    expect([streamed.products.size, streamed.customers.size, streamed.sales.size, streamed.lines.reduce((a, b) => a + b, 0)]).toEqual([1862, 793, 5009, 9994]);
    expect(streamed.revenueE4.reduce((a, b) => a + b, 0)).toBe(scan.revenueE4);
  });
});

describe('reconcile gives what the key-by-key comparison gives', () => {
  // The comparison as it was written over whole records (every line key in a Set): the reference for the summary.
  function reconcileByKeys(source: ErpData, lake: LakeKeys, letters: DeadLetter[]) {
    const lettered = new Set(letters.map((l) => l.key ?? ''));
    const letterKey = (entity: string, key: string) => (entity === 'sales_items' ? key.slice(0, key.lastIndexOf('#')) : key);
    const check = (entity: string, keys: string[], stored: Set<string>) => {
      const absent = keys.filter((k) => !stored.has(k));
      const sourceKeys = new Set(keys);
      let extra = 0;
      for (const k of stored) if (!sourceKeys.has(k)) extra++;
      const missing = absent.filter((k) => !lettered.has(letterKey(entity, k)));
      return { entity, source: keys.length, stored: keys.length - absent.length, deadLettered: absent.length - missing.length, missing, extra };
    };
    const kept = source.salesItems.filter((i) => lake.sales.has(i.sale_id));
    const sum = (xs: number[]) => xs.reduce((s, x) => s + toUnits(x), 0);
    return {
      entities: [
        check('products', source.products.map((p) => p.product_id), lake.products),
        check('customers', source.customers.map((c) => c.customer_id), lake.customers),
        check('sales', source.sales.map((s) => s.sale_id), lake.sales),
        check('sales_items', source.salesItems.map((i) => i.item_id), lake.items),
      ],
      money: [sum(kept.map((i) => i.line_total)), sum(kept.map((i) => i.profit))].map((u) => roundCents(fromUnits(u))),
    };
  }

  it('on the Superstore with random records lost, dead-lettered and added', async () => {
    const { data: erp } = await loadErpData();
    const summary = summarizeErpData(erp);
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 5; round++) {
      const keep = <T>(xs: T[], key: (x: T) => string, p: number) => new Set(xs.filter(() => random() > p).map(key));
      const lake: LakeKeys = {
        products: keep(erp.products, (p) => p.product_id, 0.01),
        customers: keep(erp.customers, (c) => c.customer_id, 0.01),
        sales: keep(erp.sales, (s) => s.sale_id, 0.02),
        items: keep(erp.salesItems, (i) => i.item_id, 0.02),
        revenueE4: 0,
        profitE4: 0,
      };
      // CA-2016-152156 has 2 lines: its #9 and #01 are not source lines.
      for (const extra of ['LIVE-1#1', 'CA-2016-152156#9', 'CA-2016-152156#01', 'X']) lake.items.add(extra);
      lake.sales.add('LIVE-1');
      // Half the lost sales are explained by a dead letter, plus a few letters for sales that did arrive.
      const letters = erp.sales.filter((s) => random() < (lake.sales.has(s.sale_id) ? 0.01 : 0.5)).map((s, i) => deadLetter('bad', { topic: 'erp.sales', partition: 0, offset: String(i) }, s.sale_id, '{}', 'erp-lake'));
      const r = reconcile(summary, lake, letters);
      const expected = reconcileByKeys(erp, lake, letters);
      expect(r.entities).toEqual(expected.entities);
      expect(r.money.map((m) => m.source)).toEqual(expected.money);
      const lines = r.entities.find((e) => e.entity === 'sales_items')!;
      expect([lines.missing.length, lines.deadLettered, lines.extra]).toEqual([expect.any(Number), expect.any(Number), 4]);
      expect(Math.min(lines.missing.length, lines.deadLettered)).toBeGreaterThan(0);
    }
  });
});
