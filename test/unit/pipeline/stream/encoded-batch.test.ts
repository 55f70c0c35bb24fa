import { encodeBatch, encodeSaleBatches, toMessages, type EncodedBatch } from '../../../../src/pipeline/stream/encoded-batch';
import { encodeEvent, envelopeTime } from '../../../../src/pipeline/stream/events';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { partitionFor } from '../../../../src/pipeline/stream/partition';
import type { SaleWithItems } from '../../../../src/pipeline/core/entities';
import { makeRow } from '../../rows';

// 30 sales, every third with two lines.
const rows = Array.from({ length: 30 }, (_, i) => makeRow({ line: 2 * i + 2, orderId: `O-${i}` }));
const extra = rows.filter((_, i) => i % 3 === 0).map((r, i) => ({ ...r, line: 100 + i, productId: 'P-2', productName: 'Desk' }));
const { data } = normalizeRows([...rows, ...extra].sort((a, b) => a.orderId.localeCompare(b.orderId)));
const sales = salesWithItems(data);

async function* inBatches(sizes: number[]): AsyncGenerator<SaleWithItems[]> {
  let i = 0;
  for (const n of sizes) {
    yield sales.slice(i, i + n);
    i += n;
  }
}

const collect = async (it: AsyncIterable<EncodedBatch>) => {
  const out: EncodedBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
};

describe('encoded batches', () => {
  it('give, once in their envelopes, the messages encodeEvent gives, each with its key\'s partition', () => {
    const at = new Date(Date.UTC(2017, 5, 1));
    const batch = encodeBatch('sale', sales, { topic: 'erp.sales', partitions: 3 });
    expect(batch.lines).toBe(40);
    const messages = toMessages('sale', batch, envelopeTime(at));
    expect(messages).toEqual(sales.map((s) => ({ ...encodeEvent('sale', s, at), partition: partitionFor('erp.sales', s.sale_id, 3) })));
  });

  it('leave the partition to kafkajs when the partition count is unknown', () => {
    const batch = encodeBatch('product', data.products, { topic: 'erp.products' });
    expect(batch.partitions).toBeUndefined();
    expect(batch.lines).toBe(0);
    expect(toMessages('product', batch, 'T')[0]).not.toHaveProperty('partition');
  });

  it('come batchSize sales at a time, in order, whatever the sizes of the batches read', async () => {
    const batches = await collect(encodeSaleBatches(inBatches([4, 0, 9, 1, 1, 15]), 7, { topic: 'erp.sales', partitions: 3 }));
    expect(batches.map((b) => b.keys.length)).toEqual([7, 7, 7, 7, 2]);
    expect(batches.flatMap((b) => b.keys)).toEqual(sales.map((s) => s.sale_id));
    expect(batches.flatMap((b) => b.data)).toEqual(sales.map((s) => JSON.stringify(s)));
    expect(batches.reduce((n, b) => n + b.lines, 0)).toBe(40);
  });

  it('give nothing for no sales', async () => {
    expect(await collect(encodeSaleBatches(inBatches([0, 0]), 5, { topic: 'erp.sales' }))).toEqual([]);
  });
});
