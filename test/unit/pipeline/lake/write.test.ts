import type { Db, Document } from 'mongodb';
import { itemDocument, saleDocument, sameContent, writeLake } from '../../../../src/pipeline/lake/write';
import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { deadLetter } from '../../../../src/pipeline/stream/dlq';
import type { SuperstoreRow } from '../../../../src/pipeline/source/columns';
import { makeRow } from '../../rows';

const base: SuperstoreRow = {
  line: 2, rowId: '1', orderId: 'O-1', orderDate: '2017-01-02', shipDate: '2017-01-05', shipMode: 'Standard Class',
  customerId: 'C-1', customerName: 'Ann Lee', segment: 'Consumer', country: 'United States', city: 'Chicago',
  state: 'Illinois', postalCode: '60623', region: 'Central', productId: 'P-1', category: 'Furniture',
  subCategory: 'Chairs', productName: 'Chair', sales: 957.5775, quantity: 5, discount: 0.45, profit: -383.031,
};

describe('lake documents', () => {
  const sale = salesWithItems(normalizeRows([base]).data)[0]!;

  it('key sales by sale_id and leave the lines out of the header', () => {
    const doc = saleDocument(sale, new Date(0));
    expect(doc._id).toBe('O-1');
    expect(doc.items).toBeUndefined();
    expect(doc).toMatchObject({ order_date: '2017-01-02', total: 957.5775, total_e4: 9575775, profit_e4: -3830310 });
  });

  it('key lines by sale#line and carry exact integer amounts', () => {
    const doc = itemDocument(sale.items[0]!, new Date(0));
    expect(doc).toMatchObject({ _id: 'O-1#1', sale_id: 'O-1', quantity: 5, line_total: 957.5775, line_total_e4: 9575775, profit_e4: -3830310 });
  });
});

/** A Db that accepts every insert and keeps what it was given, per collection. */
function recordingDb(): { db: Db; written: Record<string, Document[]> } {
  const written: Record<string, Document[]> = {};
  const collection = (name: string) => ({
    insertMany: async (docs: Document[]) => {
      (written[name] ??= []).push(...docs);
      return { insertedCount: docs.length };
    },
  });
  return { db: { collection } as unknown as Db, written };
}

describe('writeLake', () => {
  it('writes every entity once, with its derived fields and ingested_at, fields in the stored order', async () => {
    const { data } = normalizeRows([makeRow({}), makeRow({ line: 3, productId: 'P-2', productName: 'Desk', sales: 50.5, quantity: 1, discount: 0 })]);
    const { db, written } = recordingDb();
    const at = new Date(0);
    const result = await writeLake(db, { products: data.products, customers: data.customers, sales: salesWithItems(data) }, at);
    expect(result).toEqual({ inserted: 6, updated: 0, unchanged: 0 });
    // Written as the lake has always stored them (the documents' JSON, so the field order counts too).
    expect(JSON.parse(JSON.stringify(written))).toEqual({
      products: [
        { _id: 'P-1', product_id: 'P-1', name: 'Chair', alt_names: [], category: 'Furniture', sub_category: 'Chairs', unit_price: 62.5, ingested_at: '1970-01-01T00:00:00.000Z' },
        { _id: 'P-2', product_id: 'P-2', name: 'Desk', alt_names: [], category: 'Furniture', sub_category: 'Chairs', unit_price: 50.5, ingested_at: '1970-01-01T00:00:00.000Z' },
      ],
      customers: [
        { _id: 'C-1', customer_id: 'C-1', name: 'Ann Lee', segment: 'Consumer', country: 'United States', email: 'ann.lee.1@example.com', ingested_at: '1970-01-01T00:00:00.000Z' },
      ],
      sales_items: [
        {
          _id: 'O-1#1', item_id: 'O-1#1', sale_id: 'O-1', line: 1, product_id: 'P-1', quantity: 2, unit_price: 62.5, discount: 0.2, line_total: 100, profit: 10,
          customer_id: 'C-1', order_date: '2017-01-02', branch_id: 'BR-CENTRAL', category: 'Furniture', sub_category: 'Chairs',
          order_month: '2017-01', order_year: 2017, line_total_e4: 1000000, profit_e4: 100000, discount_e4: 2000, ingested_at: '1970-01-01T00:00:00.000Z',
        },
        {
          _id: 'O-1#2', item_id: 'O-1#2', sale_id: 'O-1', line: 2, product_id: 'P-2', quantity: 1, unit_price: 50.5, discount: 0, line_total: 50.5, profit: 10,
          customer_id: 'C-1', order_date: '2017-01-02', branch_id: 'BR-CENTRAL', category: 'Furniture', sub_category: 'Chairs',
          order_month: '2017-01', order_year: 2017, line_total_e4: 505000, profit_e4: 100000, discount_e4: 0, ingested_at: '1970-01-01T00:00:00.000Z',
        },
      ],
      sales: [
        {
          _id: 'O-1', sale_id: 'O-1', customer_id: 'C-1', order_date: '2017-01-02', order_time: '16:48', ship_date: '2017-01-05', ship_mode: 'Standard Class',
          country: 'United States', state: 'Illinois', city: 'Chicago', postal_code: '60623', region: 'Central', branch_id: 'BR-CENTRAL',
          branch_name: 'Central · Chicago', payment_method: 'card', lines: 2, units: 3, total: 150.5, profit: 20,
          order_month: '2017-01', order_year: 2017, ship_days: 3, total_e4: 1505000, profit_e4: 200000, ingested_at: '1970-01-01T00:00:00.000Z',
        },
      ],
    });
    const keyOrder = (docs: Document[]) => docs.map((d) => Object.keys(d).join(','));
    expect(keyOrder(written.sales!)).toEqual([
      '_id,sale_id,customer_id,order_date,order_time,ship_date,ship_mode,country,state,city,postal_code,region,branch_id,branch_name,payment_method,lines,units,total,profit,order_month,order_year,ship_days,total_e4,profit_e4,ingested_at',
    ]);
    expect(keyOrder(written.sales_items!)[0]).toBe(
      '_id,item_id,sale_id,line,product_id,quantity,unit_price,discount,line_total,profit,customer_id,order_date,branch_id,category,sub_category,order_month,order_year,line_total_e4,profit_e4,discount_e4,ingested_at',
    );
    expect(written.sales![0]!.ingested_at).toBe(at);
  });

  it('writes the last of several messages for one key in a batch', async () => {
    const { data } = normalizeRows([makeRow({})]);
    const { db, written } = recordingDb();
    const renamed = { ...data.products[0]!, name: 'Chair v2' };
    await writeLake(db, { products: [data.products[0]!, renamed], customers: [], sales: [] });
    expect(written.products!.map((p) => p.name)).toEqual(['Chair v2']);
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
