import path from 'node:path';
import { loadErpData } from '../../../../src/pipeline/source/load';
import { sumMoney } from '../../../../src/pipeline/core/money';

const broken = path.join(__dirname, '../../../fixtures/superstore-broken.csv');

describe('loadErpData on a file with broken rows', () => {
  it('loses only the broken rows and reports each with its line, column and reason', async () => {
    const r = await loadErpData({ input: broken, dateFormat: 'dmy' });
    expect(r.rowsRead).toBe(10);
    expect(r.rejects.map((x) => [x.line, x.column, x.reason])).toEqual([
      [4, 'Order Date', 'Order Date "31/02/2016" is not a real date (read as DD/MM/YYYY)'],
      [5, 'Quantity', 'Quantity -5 is not a positive whole number'],
      [7, 'Product ID', 'Product ID is empty'],
      [8, 'Discount', 'Discount 1.5 is outside 0..1'],
      [10, 'Category', 'Category of product FUR-BO-10001798 was "Furniture" on line 2; this line says "Office Supplies"'],
      [11, 'Sales', 'Sales "abc" is not a number'],
    ]);
    expect(r.rejectedLines).toBe(6);
    expect(r.data.salesItems).toHaveLength(4);
    expect(r.data.sales.map((s) => s.sale_id)).toEqual(['CA-2016-152156', 'US-2015-108966', 'CA-2014-115812']);
    expect(sumMoney(r.data.salesItems.map((i) => i.line_total))).toBe(261.96 + 731.94 + 22.368 + 907.152);
  });

  it('reads columns in any order, with a BOM, CRLF and extra columns', async () => {
    const r = await loadErpData({ input: broken, dateFormat: 'dmy' });
    expect(r.data.sales[0]).toMatchObject({ sale_id: 'CA-2016-152156', order_date: '2016-11-08', ship_date: '2016-11-11', lines: 2 });
  });

  it('stops at the first reject with --strict, naming line and reason', async () => {
    await expect(loadErpData({ input: broken, dateFormat: 'dmy', strict: true })).rejects.toThrow(
      /--strict: rejected line 4: Order Date: Order Date "31\/02\/2016" is not a real date/,
    );
  });

  it('never guesses the date format: ISO on a day-first file rejects every row', async () => {
    const r = await loadErpData({ input: broken });
    expect(r.data.salesItems).toHaveLength(0);
    expect(r.rejects[0]!.reason).toContain('use --date-format dmy or mdy');
  });

  it('names a missing required column', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'erp-')), 'no-profit.csv');
    fs.writeFileSync(file, 'Order ID,Sales\nA,1\n');
    await expect(loadErpData({ input: file })).rejects.toThrow(/missing required columns .*"Profit"/);
  });

  it('names a missing input file', async () => {
    await expect(loadErpData({ input: '/nonexistent/file.csv' })).rejects.toThrow('input file not found: /nonexistent/file.csv');
  });
});
