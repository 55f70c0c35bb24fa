/**
 * The ERP simulator: sends products, then customers, then sales (each with its lines), so every name a sale refers
 * to is already on its way downstream. Full speed by default (batched, compressed, idempotent), or `rate` messages
 * a second to imitate a live ERP. Stopping (signal) lets the batch in flight finish and flushes.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '../../log';
import type { Customer, ErpData, Product, SaleWithItems } from '../core/entities';
import { envelopeTime, type EntityKind } from './events';
import { encodeBatch, encodeSaleBatches, toMessages, type EncodedBatch, type EncodeTarget } from './encoded-batch';
import { compressionCodec, createErpProducer, fetchPartitionCounts, type TopicNames } from '../adapters/kafka';
import { salesWithItems } from '../source/live';
import { splitByPartition } from './partition';
import { readAhead } from '../../io/read-ahead';
import { PRODUCER_DURABILITY } from '../adapters/topic-settings';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Entity = Product | Customer | SaleWithItems;

/**
 * Sends records in batches on behalf of one run: the rate (messages a second) and the progress count span every
 * call, so a stream of sale batches is paced like one array.
 */
export function createSender(producer: Producer, opts: ProduceOptions & { total?: number; partitions?: ReadonlyMap<string, number> } = {}) {
  const compression = compressionCodec(opts.compression ?? 'gzip');
  const batchSize = opts.rate ? Math.max(1, Math.min(opts.batchSize ?? 500, Math.ceil(opts.rate / 10))) : (opts.batchSize ?? 500);
  const started = Date.now();
  let sent = 0;
  const target = (topic: string): EncodeTarget => ({ topic, partitions: opts.partitions?.get(topic) });

  /** Sends one encoded batch, stamped with the time of the send. */
  async function sendEncoded(topic: string, kind: EntityKind, batch: EncodedBatch): Promise<void> {
    const messages = toMessages(kind, batch, envelopeTime(new Date()));
    // One send per partition (see splitByPartition), side by side: the idempotent producer orders each broker's.
    const sends = batch.partitions ? splitByPartition(messages) : [messages];
    await Promise.all(sends.map((part) => producer.send({ topic, acks: PRODUCER_DURABILITY.acks, compression, messages: part })));
    sent += messages.length;
    opts.onProgress?.(sent, opts.total ?? sent);
    if (opts.rate) {
      const wait = started + (sent / opts.rate) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }

  return {
    /** Records a batch holds at most (smaller with a low rate, so that the pace stays even). */
    batchSize,
    /** Where a topic's records are encoded for: its partition count when known. */
    target,
    sendEncoded,
    /** Sends the records; returns how many went (fewer when the stop signal came first). */
    async send(topic: string, kind: EntityKind, records: readonly Entity[]): Promise<number> {
      let n = 0;
      for (let i = 0; i < records.length; i += batchSize) {
        if (opts.signal?.aborted) break;
        const chunk = records.slice(i, i + batchSize);
        await sendEncoded(topic, kind, encodeBatch(kind, chunk, target(topic)));
        n += chunk.length;
      }
      return n;
    },
  };
}

/** Sends records of one kind in batches, honouring the rate and the stop signal. Returns how many were sent. */
export async function sendAll(producer: Producer, topic: string, kind: EntityKind, records: readonly Entity[], opts: ProduceOptions = {}): Promise<number> {
  return createSender(producer, { ...opts, total: records.length }).send(topic, kind, records);
}

/**
 * Sales encoded elsewhere (a worker thread, see sales-worker.ts), `batchSize` at a time for `target`. `open` starts
 * the work at once, so that it overlaps the sending of the master data; `close` stops it (early or not).
 */
export interface EncodedSaleSource {
  open(batchSize: number, target: EncodeTarget): { batches: AsyncIterable<EncodedBatch>; close(): Promise<void> };
}

/** What a run sends: master data as arrays, the sales as one array, as a stream of batches (flat memory), or encoded. */
export interface ErpStream {
  products: readonly Product[];
  customers: readonly Customer[];
  sales: readonly SaleWithItems[] | AsyncIterable<readonly SaleWithItems[]> | EncodedSaleSource;
  /** How many sales the stream holds (for the progress total). */
  salesCount: number;
}

const isEncoded = (sales: ErpStream['sales']): sales is EncodedSaleSource => 'open' in sales && typeof sales.open === 'function';

/** Sales objects encoded on this thread; the next batches are read and parsed while Kafka acknowledges the current one. */
function encodeHere(sales: readonly SaleWithItems[] | AsyncIterable<readonly SaleWithItems[]>): EncodedSaleSource {
  async function* batchesOf(): AsyncGenerator<readonly SaleWithItems[]> {
    if (Array.isArray(sales)) yield sales as readonly SaleWithItems[];
    else yield* sales as AsyncIterable<readonly SaleWithItems[]>;
  }
  return {
    open(batchSize, target) {
      const batches = readAhead(encodeSaleBatches(batchesOf(), batchSize, target), 2);
      return { batches, close: async () => void (await batches.return(undefined)) };
    },
  };
}

/** Products, then customers, then sales: every name a sale refers to is already on its way downstream. */
export async function produceErpStream(deps: ProducerDeps, input: ErpStream, opts: ProduceOptions = {}): Promise<ProduceStats> {
  const { kafka, topics, log } = deps;
  const producer = createErpProducer(kafka, opts.idempotent ?? true);
  await producer.connect();
  const started = Date.now();
  const total = input.products.length + input.customers.length + input.salesCount;
  const stats: ProduceStats = { products: 0, customers: 0, sales: 0, lines: 0, messages: 0, seconds: 0 };
  let sales: ReturnType<EncodedSaleSource['open']> | undefined;
  try {
    const partitions = await fetchPartitionCounts(kafka, [topics.products, topics.customers, topics.sales]);
    const sender = createSender(producer, { ...opts, total, partitions });
    const source = isEncoded(input.sales) ? input.sales : encodeHere(input.sales);
    sales = source.open(sender.batchSize, sender.target(topics.sales));
    stats.products = await sender.send(topics.products, 'product', input.products);
    stats.customers = await sender.send(topics.customers, 'customer', input.customers);
    for await (const batch of sales.batches) {
      if (opts.signal?.aborted) break;
      await sender.sendEncoded(topics.sales, 'sale', batch);
      stats.sales += batch.keys.length;
      stats.lines += batch.lines;
    }
  } finally {
    await sales?.close();
    await producer.disconnect();
  }
  stats.messages = stats.products + stats.customers + stats.sales;
  stats.seconds = (Date.now() - started) / 1000;
  log.info('produced', { ...stats, perSecond: Math.round(stats.messages / Math.max(stats.seconds, 0.001)) });
  return stats;
}

/** The in-memory form: normalised data, all at once. */
export async function produceErpData(deps: ProducerDeps, data: ErpData, opts: ProduceOptions = {}): Promise<ProduceStats> {
  const sales = salesWithItems(data);
  return produceErpStream(deps, { products: data.products, customers: data.customers, sales, salesCount: sales.length }, opts);
}
