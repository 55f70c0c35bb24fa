import type { EachBatchPayload, Kafka } from 'kafkajs';
import { silentLogger } from '../../../../src/log';
import { connectConsumer, emptyMetrics, type BatchHandler, type Decoded } from '../../../../src/pipeline/stream/consumer';

/** A kafkajs client that records what the runner does and lets the test hand it batches. */
function fakeKafka(opts: { committedOffset?: string; highOffset?: string } = {}) {
  const events: string[] = [];
  const sent: { topic: string; messages: { key: string; value: string }[] }[] = [];
  const listeners = new Map<string, (e: { payload: unknown }) => void>();
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash' },
    on: (name: string, f: (e: { payload: unknown }) => void) => listeners.set(name, f),
    connect: async () => void events.push('consumer connect'),
    subscribe: async () => void events.push('subscribe'),
    run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => void (eachBatch = o.eachBatch),
    commitOffsets: async (o: { topic: string; partition: number; offset: string }[]) => void events.push(`commit ${o.map((x) => `${x.topic}/${x.partition}@${x.offset}`).join(',')}`),
    seek: (o: { topic: string; partition: number; offset: string }) => void events.push(`seek ${o.topic}/${o.partition}@${o.offset}`),
    disconnect: async () => void events.push('consumer disconnect'),
  };
  const producer = {
    connect: async () => undefined,
    send: async (r: { topic: string; messages: { key: string; value: string }[] }) => {
      sent.push(r);
      events.push(`send ${r.topic} ×${r.messages.length}`);
    },
    disconnect: async () => void events.push('producer disconnect'),
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: opts.committedOffset ?? '0' }] }],
    fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: opts.highOffset ?? '0' }],
  };
  const kafka = { consumer: () => consumer, producer: () => producer, admin: () => admin } as unknown as Kafka;
  const batch = (messages: string[], over: Partial<{ partition: number; firstOffset: number; stale: boolean }> = {}) =>
    eachBatch!({
      batch: { topic: 't', partition: over.partition ?? 0, messages: messages.map((v, i) => ({ offset: String((over.firstOffset ?? 0) + i), key: Buffer.from(`k${i}`), value: Buffer.from(v), timestamp: '0' })) },
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => over.stale ?? false,
    } as unknown as EachBatchPayload);
  const emit = (name: string, payload: unknown) => listeners.get(name)!({ payload });
  return { kafka, events, sent, batch, emit };
}

/** Numbers are good messages; anything else is dead-lettered. */
const decodeNumber = (m: { value: Buffer | null }): Decoded<number> => {
  const n = Number(m.value?.toString());
  return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `not a number: ${m.value?.toString()}` };
};

function writer(events: string[], outcome: 'handled' | 'again' = 'handled'): BatchHandler<number> {
  return {
    decode: decodeNumber,
    handle: async (received, ctx) => {
      events.push(`write ${received.map((r) => r.value).join(',')}`);
      if (outcome === 'handled') await ctx.commit();
      return outcome;
    },
  };
}

const options = (kafka: Kafka) => ({ kafka, log: silentLogger, groupId: 'g', topics: ['t'], dlqTopic: 'dlq', stats: emptyMetrics() });

describe('the consumer runner', () => {
  it('dead-letters a bad message with its origin, writes the good ones, and commits after the last message only after the write', async () => {
    const f = fakeKafka();
    const runner = await connectConsumer(options(f.kafka));
    await runner.start(writer(f.events));
    await f.batch(['1', 'x', '3'], { firstOffset: 10 });
    expect(f.events.slice(-3)).toEqual(['send dlq ×1', 'write 1,3', 'commit t/0@13']);
    const letter = JSON.parse(f.sent[0]!.messages[0]!.value) as { reason: string; origin: unknown; consumer: string };
    expect(letter).toMatchObject({ reason: 'not a number: x', origin: { topic: 't', partition: 0, offset: '11' }, consumer: 'g' });
    expect(runner.stats).toMatchObject({ messages: 3, deadLetters: 1, batches: 1 });
  });

  it('neither commits nor counts a batch that will come again, nor one that went stale before it was handled', async () => {
    const f = fakeKafka();
    const runner = await connectConsumer(options(f.kafka));
    await runner.start(writer(f.events, 'again'));
    await f.batch(['1', '2']);
    await f.batch(['3'], { stale: true });
    expect(f.events.filter((e) => e.startsWith('commit') || e.startsWith('write'))).toEqual(['write 1,2']);
    expect(runner.stats).toMatchObject({ messages: 0, batches: 0 });
  });

  it('a graceful stop refuses new batches, lets the drain finish, then leaves the group', async () => {
    const f = fakeKafka();
    const runner = await connectConsumer({ ...options(f.kafka), drain: async (inFlight) => void f.events.push(`drain (${inFlight()} in flight)`) });
    await runner.start(writer(f.events));
    await runner.stop();
    await f.batch(['1']);
    expect(f.events.slice(-3)).toEqual(['drain (0 in flight)', 'consumer disconnect', 'producer disconnect']);
    await expect(runner.done).resolves.toBe(runner.stats);
  });

  it('stops once caught up and idle', async () => {
    const f = fakeKafka({ committedOffset: '5', highOffset: '5' });
    const runner = await connectConsumer({ ...options(f.kafka), untilIdle: true, idleMs: 0, statsEveryMs: 5 });
    await runner.start(writer(f.events));
    await expect(runner.done).resolves.toBe(runner.stats);
    expect(f.events).toContain('consumer disconnect');
  });

  it('counts the partitions it holds after a rebalance, and stops on a crash kafkajs will not restart', async () => {
    const f = fakeKafka();
    const runner = await connectConsumer(options(f.kafka));
    await runner.start(writer(f.events));
    f.emit('join', { memberAssignment: { t: [0, 2], u: [1] } });
    expect(runner.stats.assignedPartitions).toBe(3);
    f.emit('crash', { error: new Error('gone'), restart: false });
    await expect(runner.done).resolves.toBe(runner.stats);
    expect(f.events).toContain('consumer disconnect');
  });
});
