import { Partitioners } from 'kafkajs';
import { partitionFor, splitByPartition } from '../../../../src/pipeline/stream/partition';

describe('partitionFor', () => {
  it('gives every key the partition kafkajs\'s default partitioner gives it, for several partition counts', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    // Keys of every length mod 4, ASCII and not (the hash reads UTF-8 bytes), as the data sets' order IDs look.
    const keys = Array.from({ length: 4000 }, (_, i) => `${i % 3 ? 'US' : 'CA'}-${2014 + (i % 4)}-${(i * 7919) % 1000003}${i % 5 ? '' : 'é東'}${'x'.repeat(i % 7)}`);
    keys.push('', 'a', 'ab', 'abc', 'LIVE-20261127-run1-3');
    for (const count of [1, 2, 3, 7, 12]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
      const expected = keys.map((key) => kafkajs({ topic: 'erp.sales', partitionMetadata, message: { key, value: null } }));
      expect(keys.map((key) => partitionFor('erp.sales', key, count))).toEqual(expected);
    }
  });
});

describe('splitByPartition (one partition per send: kafkajs#1303)', () => {
  it('keeps every message once, in order, grouped by its partition, groups by partition number', () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `SALE-${i}`, value: String(i), partition: partitionFor('erp.sales', `SALE-${i}`, 3) }));
    const groups = splitByPartition(messages);
    expect(groups.map((g) => g[0]!.partition)).toEqual([0, 1, 2]);
    expect(groups.flat().map((m) => m.value).sort((a, b) => Number(a) - Number(b))).toEqual(messages.map((m) => m.value));
    for (const g of groups) {
      expect(new Set(g.map((m) => m.partition)).size).toBe(1);
      expect(g.map((m) => Number(m.value))).toEqual([...g.map((m) => Number(m.value))].sort((a, b) => a - b));
    }
  });

  it('keeps messages without a partition together, in order', () => {
    const messages: { key: string; partition?: number }[] = [{ key: 'a' }, { key: 'b' }];
    expect(splitByPartition(messages)).toEqual([messages]);
  });
});
