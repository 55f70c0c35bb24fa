import { itemDocument, saleDocument, sameContent } from '../../../src/pipeline/lake';
import { normalizeRows } from '../../../src/pipeline/normalize';
import { salesWithItems } from '../../../src/pipeline/live';
import { deadLetter } from '../../../src/pipeline/dlq';
import type { SuperstoreRow } from '../../../src/pipeline/source/columns';

const base: SuperstoreRow = {
  line: 2, rowId: '1', orderId: 'O-1', orderDate: '2017-01-02', shipDate: '2017-01-05', shipMode: 'Standard Class',
  customerId: 'C-1', customerName: 'Ann Lee', segment: 'Consumer', country: 'United States', city: 'Chicago',
  state: 'Illinois', postalCode: '60623', region: 'Central', productId: 'P-1', category: 'Furniture',
  subCategory: 'Chairs', productName: 'Chair', sales: 957.5775, quantity: 5, discount: 0.45, profit: -383.031,
};

describe('lake documents', () => {
  const sale = salesWithItems(normalizeRows([base]).data)[0]!;

  it('key sales by sale_id and leave the lines out of the header', () => {
    const doc = saleDocument(sale);
    expect(doc._id).toBe('O-1');
    expect(doc.items).toBeUndefined();
    expect(doc).toMatchObject({ order_date: '2017-01-02', total: 957.5775, total_e4: 9575775, profit_e4: -3830310 });
  });

  it('key lines by sale#line and carry exact integer amounts', () => {
    const doc = itemDocument(sale.items[0]!);
    expect(doc).toMatchObject({ _id: 'O-1#1', sale_id: 'O-1', quantity: 5, line_total: 957.5775, line_total_e4: 9575775, profit_e4: -3830310 });
  });
});

describe('dead letters', () => {
  it('keep the reason, the origin and the original value', () => {
    const l = deadLetter('bad JSON', { topic: 'erp.sales', partition: 2, offset: '41' }, Buffer.from('k'), Buffer.from('{oops'), 'erp-lake', new Date(0));
    expect(l).toEqual({ reason: 'bad JSON', origin: { topic: 'erp.sales', partition: 2, offset: '41' }, key: 'k', value: '{oops', failed_at: '1970-01-01T00:00:00.000Z', consumer: 'erp-lake' });
  });

  it('truncate huge values', () => {
    const l = deadLetter('too big', { topic: 't', partition: 0, offset: '0' }, null, 'x'.repeat(200_000), 'g');
    expect(l.value!.length).toBeLessThan(100_100);
    expect(l.value!.endsWith('…(truncated)')).toBe(true);
  });
});

describe('sameContent', () => {
  it('ignores ingested_at and compares values deeply', () => {
    expect(sameContent({ _id: 'a', x: 1, tags: ['p'], ingested_at: new Date(0) }, { _id: 'a', x: 1, tags: ['p'] })).toBe(true);
    expect(sameContent({ _id: 'a', x: 1 }, { _id: 'a', x: 2 })).toBe(false);
    expect(sameContent({ _id: 'a', x: 1 }, { _id: 'a', x: 1, y: 0 })).toBe(false);
  });
});
