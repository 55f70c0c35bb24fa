/**
 * The ERP simulator: sends products, then customers, then sales (each with its lines), so every name a sale refers
 * to is already on its way downstream. Full speed by default (batched, compressed, idempotent), or `rate` messages
 * a second to imitate a live ERP. Stopping (signal) lets the batch in flight finish and flushes.
 */
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../log';
import type { Customer, ErpData, Product, SaleWithItems } from './entities';
import { encodeEvent, type EntityKind } from './events';
import type { TopicNames } from './kafka';
import { salesWithItems } from './live';

export interface ProduceOptions {
  /** Messages per second; undefined = as fast as the broker takes them. */
  rate?: number;
  batchSize?: number;
  compression?: 'gzip' | 'none';
  idempotent?: boolean;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

export interface ProduceStats {
  products: number;
  customers: number;
  sales: number;
  lines: number;
  messages: number;
  seconds: number;
}

export interface ProducerDeps {
  kafka: Kafka;
  topics: TopicNames;
  log: Logger;
}

export function createErpProducer(kafka: Kafka, idempotent = true): Producer {
  // The default (murmur2) partitioner, as the Java client uses: a key lands on the same partition from any client.
  const base = { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner };
  if (!idempotent) return kafka.producer(base);
  // kafkajs marks idempotence experimental; it needs one request in flight and unbounded retries (a broker that is
  // down makes the producer wait, not fail), so that a retried batch is never written twice.
  return kafka.producer({ ...base, idempotent: true, maxInFlightRequests: 1, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10000 } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends records of one kind in batches, honouring the rate and the stop signal. Returns how many were sent. */
export async function sendAll(
  producer: Producer,
  topic: string,
  kind: EntityKind,
  records: readonly (Product | Customer | SaleWithItems)[],
  opts: ProduceOptions & { sentBefore?: number; total?: number } = {},
): Promise<number> {
  const compression = opts.compression === 'none' ? CompressionTypes.None : CompressionTypes.GZIP;
  const batchSize = opts.rate ? Math.max(1, Math.min(opts.batchSize ?? 500, Math.ceil(opts.rate / 10))) : (opts.batchSize ?? 500);
  const started = Date.now();
  let sent = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    if (opts.signal?.aborted) break;
    const chunk = records.slice(i, i + batchSize);
    const now = new Date();
    await producer.send({ topic, acks: -1, compression, messages: chunk.map((r) => encodeEvent(kind, r, now)) });
    sent += chunk.length;
    opts.onProgress?.((opts.sentBefore ?? 0) + sent, opts.total ?? records.length);
    if (opts.rate) {
      const due = started + (sent / opts.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }
  return sent;
}

export async function produceErpData(deps: ProducerDeps, data: ErpData, opts: ProduceOptions = {}): Promise<ProduceStats> {
  const { kafka, topics, log } = deps;
  const producer = createErpProducer(kafka, opts.idempotent ?? true);
  await producer.connect();
  const started = Date.now();
  const sales = salesWithItems(data);
  const total = data.products.length + data.customers.length + sales.length;
  const stats: ProduceStats = { products: 0, customers: 0, sales: 0, lines: 0, messages: 0, seconds: 0 };
  try {
    stats.products = await sendAll(producer, topics.products, 'product', data.products, { ...opts, sentBefore: 0, total });
    stats.customers = await sendAll(producer, topics.customers, 'customer', data.customers, { ...opts, sentBefore: stats.products, total });
    stats.sales = await sendAll(producer, topics.sales, 'sale', sales, { ...opts, sentBefore: stats.products + stats.customers, total });
    stats.lines = sales.slice(0, stats.sales).reduce((s, x) => s + x.items.length, 0);
  } finally {
    await producer.disconnect();
  }
  stats.messages = stats.products + stats.customers + stats.sales;
  stats.seconds = (Date.now() - started) / 1000;
  log.info('produced', { ...stats, perSecond: Math.round(stats.messages / Math.max(stats.seconds, 0.001)) });
  return stats;
}
