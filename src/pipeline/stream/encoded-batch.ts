/**
 * Records encoded for Kafka ahead of the send (key, JSON payload, partition), as plain strings and numbers a worker
 * thread can post cheaply; the envelope with `produced_at` is put around each payload at the send (`toMessages`).
 */
import type { Message } from 'kafkajs';
import type { Customer, Product, SaleWithItems } from '../core/entities';
import { keyOf, wrapEnvelope, type EntityKind } from './events';
import { partitionFor } from './partition';

export interface EncodedBatch {
  keys: string[];
  /** Each record's payload as JSON (the envelope's `data`). */
  data: string[];
  /** Each key's partition; absent when the topic's partition count is unknown (kafkajs then picks). */
  partitions?: number[];
  /** Sale lines in the batch (0 for master data). */
  lines: number;
}

export interface EncodeTarget {
  topic: string;
  /** The topic's partition count, when known. */
  partitions?: number;
}

export function encodeBatch(kind: EntityKind, records: readonly (Product | Customer | SaleWithItems)[], target: EncodeTarget): EncodedBatch {
  const keys: string[] = [];
  const data: string[] = [];
  let lines = 0;
  for (const r of records) {
    keys.push(keyOf(kind, r));
    data.push(JSON.stringify(r));
    if (kind === 'sale') lines += (r as SaleWithItems).items.length;
  }
  const count = target.partitions;
  return count ? { keys, data, partitions: keys.map((k) => partitionFor(target.topic, k, count)), lines } : { keys, data, lines };
}

/** Sales from a stream of batches of any size, encoded `batchSize` at a time (the last batch may be smaller). */
export async function* encodeSaleBatches(sales: AsyncIterable<readonly SaleWithItems[]>, batchSize: number, target: EncodeTarget): AsyncGenerator<EncodedBatch> {
  let pending: SaleWithItems[] = [];
  for await (const batch of sales) {
    let i = 0;
    if (pending.length) {
      i = Math.min(batch.length, batchSize - pending.length);
      pending.push(...batch.slice(0, i));
      if (pending.length < batchSize) continue;
      yield encodeBatch('sale', pending, target);
      pending = [];
    }
    for (; i + batchSize <= batch.length; i += batchSize) yield encodeBatch('sale', batch.slice(i, i + batchSize), target);
    pending = batch.slice(i);
  }
  if (pending.length) yield encodeBatch('sale', pending, target);
}

/** The batch's Kafka messages, each in its envelope stamped `producedAt` (see envelopeTime), with its partition. */
export function toMessages(kind: EntityKind, batch: EncodedBatch, producedAt: string): Message[] {
  const { keys, data, partitions } = batch;
  const out: Message[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const value = wrapEnvelope(kind, data[i]!, producedAt);
    out[i] = partitions ? { key: keys[i]!, value, partition: partitions[i]! } : { key: keys[i]!, value };
  }
  return out;
}
