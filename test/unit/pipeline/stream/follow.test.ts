import { normalizeRows } from '../../../../src/pipeline/source/normalize';
import { salesWithItems } from '../../../../src/pipeline/source/live';
import { createSaleSampler } from '../../../../src/pipeline/stream/follow';
import type { SaleWithItems } from '../../../../src/pipeline/core/entities';
import { makeRow } from '../../rows';

const sales = salesWithItems(normalizeRows(Array.from({ length: 50 }, (_, i) => makeRow({ line: i + 2, orderId: `O-${i}` }))).data);

async function* batches(): AsyncGenerator<SaleWithItems[]> {
  for (let i = 0; i < sales.length; i += 7) yield sales.slice(i, i + 7);
}

describe('createSaleSampler', () => {
  it('passes every batch through unchanged and keeps a bounded sample of copies', async () => {
    const sampler = createSaleSampler(10, 3);
    const seen: SaleWithItems[] = [];
    for await (const b of sampler.tap(batches())) seen.push(...b);
    expect(seen).toEqual(sales);
    expect(sampler.sample).toHaveLength(10);
    const ids = new Set(sales.map((s) => s.sale_id));
    for (const s of sampler.sample) {
      expect(ids.has(s.sale_id)).toBe(true);
      expect(sales).not.toContain(s); // a copy, not the streamed object
    }
    expect(new Set(sampler.sample.map((s) => s.sale_id)).size).toBe(10);
  });

  it('keeps everything when the stream is smaller than the sample', async () => {
    const sampler = createSaleSampler(100);
    for await (const _ of sampler.tap(batches()));
    expect(sampler.sample.map((s) => s.sale_id)).toEqual(sales.map((s) => s.sale_id));
  });
});
