import { groupedFields, sumChunks, type ValueChunk } from '../../../../src/pipeline/lake/access';

async function* chunks(...list: unknown[][][]): AsyncIterable<ValueChunk> {
  for (const values of list) yield { key: {}, values };
}

describe('sumChunks: a grouping summed from packed values', () => {
  it('reads the key fields, then the sums, then the extremes, in the order groupedFields names them', () => {
    expect(groupedFields({ by: { c: 'customer_id', b: 'branch_id' }, fields: ['total_e4'], extremes: ['order_date'] })).toEqual(['customer_id', 'branch_id', 'total_e4', 'order_date']);
    expect(groupedFields({ by: 'product_id', fields: ['quantity'] })).toEqual(['product_id', 'quantity']);
  });

  it('groups across chunks by a compound key, counting rows, summing (a missing value as 0) and keeping extremes', async () => {
    const opts = { by: { c: 'customer_id', b: 'branch_id' }, fields: ['total_e4'], extremes: ['order_date'] };
    const rows = await sumChunks(chunks([['C1', 'B1', 100, '2017-01-02'], ['C1', 'B2', 5, '2017-01-02']], [['C1', 'B1', null, '2016-12-31'], ['C1', 'B1', 7, null]]), opts);
    expect(rows.get('{"c":"C1","b":"B1"}')).toEqual({ key: { c: 'C1', b: 'B1' }, count: 3, sums: { total_e4: 107 }, min: { order_date: '2016-12-31' }, max: { order_date: '2017-01-02' } });
    expect(rows.size).toBe(2);
  });

  it('keys by the value itself for one field, and by null for no field, as the server does', async () => {
    const one = await sumChunks(chunks([['P1', 2], ['P1', 3], ['P2', 1]]), { by: 'product_id', fields: ['quantity'] });
    expect([...one.keys()]).toEqual(['"P1"', '"P2"']);
    expect(one.get('"P1"')!.sums.quantity).toBe(5);
    const all = await sumChunks(chunks([[2], [3]]), { by: null, fields: ['quantity'] });
    expect(all.get('null')).toMatchObject({ key: null, count: 2, sums: { quantity: 5 } });
  });
});
