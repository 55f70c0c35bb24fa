import type { Kafka, ProducerRecord } from 'kafkajs';
import { createLogger } from '../../../../src/log';
import { decodeEvent } from '../../../../src/pipeline/stream/events';
import { topicNames } from '../../../../src/pipeline/adapters/kafka';
import { produceErpStream } from '../../../../src/pipeline/stream/produce';
import { encodeSalesInWorker } from '../../../../src/pipeline/stream/sales-worker';
import { scanSource, streamSales, type SourceScan } from '../../../../src/pipeline/source/stream-load';

const topics = topicNames('t');

/** A Kafka whose producer records what it is asked to send (3 partitions a topic); `onSend` runs at each send. */
function fakeKafka(onSend: (r: ProducerRecord) => void = () => undefined) {
  const records: ProducerRecord[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (r: ProducerRecord) => {
      records.push(r);
      onSend(r);
      await new Promise((resolve) => setImmediate(resolve));
      return [];
    },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => ({ topics: names.map((name) => ({ name, partitions: [{}, {}, {}] })) }),
  };
  const kafka = { producer: () => producer, admin: () => admin } as unknown as Kafka;
  return { kafka, records };
}

const deps = (kafka: Kafka) => ({ kafka, topics, log: createLogger('error', 'test') });

describe('produceErpStream with the sales encoded in a worker thread', () => {
  let scan: SourceScan;
  beforeAll(async () => {
    scan = await scanSource();
  });

  it('sends the same messages per partition, in the same order, as with the sale objects, stamped at the send', async () => {
    const input = { products: scan.products.slice(0, 10), customers: scan.customers.slice(0, 10), salesCount: scan.sales };
    const viaObjects = fakeKafka();
    await produceErpStream(deps(viaObjects.kafka), { ...input, sales: streamSales(scan) });
    const viaWorker = fakeKafka();
    const before = new Date().toISOString();
    const stats = await produceErpStream(deps(viaWorker.kafka), { ...input, sales: encodeSalesInWorker(scan) });
    expect(stats).toMatchObject({ products: 10, customers: 10, sales: 5009, lines: 9994, messages: 5029 });

    const perPartition = (records: ProducerRecord[]) => {
      const out = new Map<string, { key: string; data: unknown }[]>();
      for (const r of records) {
        for (const m of r.messages) {
          const id = `${r.topic}/${m.partition}`;
          const d = decodeEvent(m.value as string, r.topic === topics.sales ? 'sale' : r.topic === topics.products ? 'product' : 'customer', m.key as string);
          if (!d.ok) throw new Error(d.reason);
          out.set(id, [...(out.get(id) ?? []), { key: m.key as string, data: d.data }]);
        }
      }
      return out;
    };
    expect(perPartition(viaWorker.records)).toEqual(perPartition(viaObjects.records));
    // Stamped by the sending thread at each send: never before the run, in the order of the sends.
    const stamps = viaWorker.records.map((r) => (JSON.parse(r.messages[0]!.value as string) as { produced_at: string }).produced_at);
    expect(stamps[0]! >= before).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(viaWorker.records.map((r) => r.topic).indexOf(topics.sales)).toBeGreaterThan(viaWorker.records.map((r) => r.topic).lastIndexOf(topics.customers));
    for (const r of viaWorker.records) expect(new Set(r.messages.map((m) => m.partition)).size).toBe(1);
  });

  it('stops after the batch in flight when the signal comes, and stops the worker', async () => {
    const stop = new AbortController();
    const { kafka, records } = fakeKafka((r) => {
      if (r.topic === topics.sales) stop.abort();
    });
    const stats = await produceErpStream(deps(kafka), { products: [], customers: [], sales: encodeSalesInWorker(scan), salesCount: scan.sales }, { signal: stop.signal, batchSize: 100 });
    expect(stats.sales).toBe(100);
    expect(records.reduce((n, r) => n + r.messages.length, 0)).toBe(100);
  });

  it('raises the worker\'s error, naming the file', async () => {
    const { kafka } = fakeKafka();
    const gone = { ...scan, input: '/nonexistent/superstore.csv' };
    await expect(produceErpStream(deps(kafka), { products: [], customers: [], sales: encodeSalesInWorker(gone), salesCount: 1 })).rejects.toThrow('input file not found: /nonexistent/superstore.csv');
  });
});
