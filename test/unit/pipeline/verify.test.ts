import { reconcile, formatReconciliation } from '../../../src/pipeline/verify';
import { normalizeRows } from '../../../src/pipeline/normalize';
import { deadLetter } from '../../../src/pipeline/dlq';
import { toUnits } from '../../../src/pipeline/money';
import type { SuperstoreRow } from '../../../src/pipeline/source/columns';
import { makeRow } from '../rows';

const row = (o: Partial<SuperstoreRow>): SuperstoreRow => makeRow({ ...{ sales: 100.25, discount: 0 }, ...o });
const { data } = normalizeRows([row({}), row({ line: 3, orderId: 'O-2', sales: 50.5, profit: -1 })]);

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

  it('counts lake documents the source lacks as extra, not as errors', () => {
    const lake = lakeOf(['O-1', 'O-2', 'LIVE-1'], ['O-1#1', 'O-2#1', 'LIVE-1#1'], 150.75, 9);
    const r = reconcile(data, lake, []);
    expect(r.ok).toBe(true);
    expect(r.entities.find((e) => e.entity === 'sales')!.extra).toBe(1);
  });
});
