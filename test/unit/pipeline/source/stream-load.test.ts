import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadErpData } from '../../../../src/pipeline/source/load';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { scanSource, streamSales, type SourceScan } from '../../../../src/pipeline/source/stream-load';
import { superstoreHeader } from '../../../../src/pipeline/source/columns';
import { toUnits } from '../../../../src/pipeline/core/money';
import type { SaleWithItems } from '../../../../src/pipeline/core/entities';

const broken = path.join(__dirname, '../../../fixtures/superstore-broken.csv');

async function collect(scan: SourceScan, batchSize?: number): Promise<{ sales: SaleWithItems[]; batches: number }> {
  const sales: SaleWithItems[] = [];
  let batches = 0;
  for await (const b of streamSales(scan, batchSize)) {
    batches++;
    sales.push(...b);
  }
  return { sales, batches };
}

const byId = (a: SaleWithItems, b: SaleWithItems) => a.sale_id.localeCompare(b.sale_id);

describe('two-pass source (scanSource + streamSales)', () => {
  it('gives exactly what loadErpData gives on the real Superstore, in the same order, reading the file twice', async () => {
    const whole = await loadErpData();
    const scan = await scanSource();
    const { sales, batches } = await collect(scan, 1000);
    expect(scan.scans).toBe(1);
    expect(scan.products).toEqual(whole.data.products);
    expect(scan.customers).toEqual(whole.data.customers);
    expect(sales).toEqual(salesWithItems(whole.data));
    expect([scan.sales, scan.lines, scan.rowsRead]).toEqual([5009, 9994, 9994]);
    expect(batches).toBeGreaterThan(1);
    expect(scan.revenueE4).toBe(whole.data.salesItems.reduce((s, i) => s + toUnits(i.line_total), 0));
    expect(scan.profitE4).toBe(whole.data.salesItems.reduce((s, i) => s + toUnits(i.profit), 0));
  });

  it('rejects the same rows with the same reasons as loadErpData, and streams only the accepted lines', async () => {
    const whole = await loadErpData({ input: broken, dateFormat: 'dmy' });
    const scan = await scanSource({ input: broken, dateFormat: 'dmy' });
    expect(scan.rejects).toEqual(whole.rejects);
    expect([...scan.rejectedLines].sort()).toEqual([...new Set(whole.rejects.map((r) => r.line))].sort());
    const { sales } = await collect(scan);
    expect(sales).toEqual(salesWithItems(whole.data));
    expect(scan.lines).toBe(whole.data.salesItems.length);
  });

  it('stops at the first reject in strict mode, naming the line and the file', async () => {
    await expect(scanSource({ input: broken, dateFormat: 'dmy', strict: true })).rejects.toThrow(/--strict: rejected line 4: Order Date: .*superstore-broken\.csv/);
  });

  it('names a missing file', async () => {
    await expect(scanSource({ input: '/nonexistent/x.csv' })).rejects.toThrow('input file not found: /nonexistent/x.csv');
  });

  describe('an order whose lines are spread over the file', () => {
    let dir: string;
    let file: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spread-'));
      file = path.join(dir, 'spread.csv');
      const line = (order: string, product: string, o: { ship?: string; sales?: string } = {}) =>
        [
          '1', order, '2017-01-02', '2017-01-05', o.ship ?? 'Standard Class', 'C-1', 'Ann Lee', 'Consumer', 'United States', 'Chicago', 'Illinois',
          '60623', 'Central', product, 'Furniture', 'Chairs', `Chair ${product}`, o.sales ?? '100', '2', '0.2', '10',
        ].join(',');
      fs.writeFileSync(
        file,
        [
          superstoreHeader.join(','),
          line('O-A', 'P-1'),
          line('O-B', 'P-2'),
          line('O-A', 'P-3', { sales: '50' }), // A again, after B: spread
          line('O-C', 'P-1'),
          line('O-A', 'P-2', { ship: 'First Class' }), // contradicts A's header: rejected in both readers
          line('O-B', 'P-1', { sales: '7' }),
        ].join('\n') + '\n',
      );
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps every line of the order together, with the same lines, rejects and totals as loadErpData', async () => {
      const whole = await loadErpData({ input: file });
      const scan = await scanSource({ input: file });
      expect(scan.scans).toBe(2);
      expect([...scan.spread.keys()].sort()).toEqual(['O-A', 'O-B']);
      expect(scan.rejects).toEqual(whole.rejects);
      expect(scan.rejects.map((r) => [r.line, r.column])).toEqual([[6, 'Ship Mode']]);
      expect(scan.products).toEqual(whole.data.products);
      const { sales } = await collect(scan, 1);
      expect(sales.sort(byId)).toEqual(salesWithItems(whole.data).sort(byId));
      expect(sales.find((s) => s.sale_id === 'O-A')!.items.map((i) => i.product_id)).toEqual(['P-1', 'P-3']);
      expect(sales.find((s) => s.sale_id === 'O-B')!.items.map((i) => i.item_id)).toEqual(['O-B#1', 'O-B#2']);
      expect(scan.sales).toBe(3);
    });
  });
});
