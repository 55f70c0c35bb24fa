/**
 * Live feeds for the dashboards: one consumer on the sales topic and one on the recommendations topic, each in a
 * throwaway group that starts at the end (only what arrives after the dashboard started), keeping the latest
 * messages in memory. If Kafka is down they keep retrying in the background and report it, so a page shows a
 * banner instead of failing.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../log';
import { decodeEvent } from '../pipeline/stream/events';
import type { SaleWithItems } from '../pipeline/core/entities';
import { decodeRecommendation, type SaleRecommendations } from '../pipeline/reco/event';
import type { Problem } from './problems';

export interface LiveSale {
  sale: SaleWithItems;
  producedAt: string;
  receivedAt: number;
}

export interface Feed<T> {
  items(): T[];
  /** Why live data is paused, or null. */
  error(): Problem | null;
  stop(): Promise<void>;
}

function ring<T>(size: number) {
  const buf: T[] = [];
  return {
    push: (x: T) => {
      buf.unshift(x);
      if (buf.length > size) buf.length = size;
    },
    items: () => [...buf],
  };
}

async function startFeed<T>(kafka: Kafka, topic: string, group: string, log: Logger, size: number, decode: (value: Buffer | null) => T | null): Promise<Feed<T>> {
  const buf = ring<T>(size);
  let problem: Problem | null = { key: 'dashboard.problem.kafkaConnecting' };
  let consumer: Consumer | null = null;
  let stopped = false;
  const connect = async () => {
    while (!stopped) {
      try {
        consumer = kafka.consumer({ groupId: `${group}.${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100, retry: { retries: 3 } });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: false });
        consumer.on(consumer.events.CRASH, (e) => {
          problem = { key: 'dashboard.problem.kafka', values: { error: (e.payload as { error: Error }).error.message } };
        });
        await consumer.run({
          eachMessage: async ({ message }) => {
            problem = null;
            const x = decode(message.value);
            if (x) buf.push(x);
          },
        });
        problem = null;
        return;
      } catch (err) {
        problem = { key: 'dashboard.problem.kafkaDown', values: { error: (err as Error).message } };
        log.debug('feed connect failed', { topic, error: (err as Error).message });
        await consumer?.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  };
  void connect();
  return {
    items: buf.items,
    error: () => problem,
    stop: async () => {
      stopped = true;
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}

export function startSalesFeed(kafka: Kafka, topic: string, group: string, log: Logger): Promise<Feed<LiveSale>> {
  return startFeed(kafka, topic, group, log, 500, (value) => {
    const d = decodeEvent(value, 'sale');
    return d.ok && d.kind === 'sale' ? { sale: d.data, producedAt: d.producedAt, receivedAt: Date.now() } : null;
  });
}

export function startRecommendationsFeed(kafka: Kafka, topic: string, group: string, log: Logger): Promise<Feed<SaleRecommendations>> {
  return startFeed(kafka, topic, group, log, 50, (value) => decodeRecommendation(value));
}
