import { createCreditQueue } from '../../../src/io/credit-queue';

const tick = () => new Promise((r) => setImmediate(r));

/** A producer that pushes an item only for a credit, as the sales worker does; counts what it made. */
function creditedProducer(total: number) {
  let credits = 0;
  let made = 0;
  const queue = createCreditQueue<number>(3, (n) => {
    credits += n;
    // Spend the credits at once (as a worker running ahead would), after the grant returns.
    queueMicrotask(() => {
      while (credits > 0 && made < total) {
        credits--;
        queue.push(made++);
      }
      if (made === total) queue.end();
    });
  });
  return { queue, made: () => made };
}

describe('createCreditQueue', () => {
  it('grants the window at once, then one credit for each item taken', async () => {
    const grants: number[] = [];
    const q = createCreditQueue<string>(4, (n) => grants.push(n));
    expect(grants).toEqual([4]);
    q.push('a');
    q.push('b');
    const it = q[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: 'a' });
    expect(grants).toEqual([4, 1]);
    q.end();
    expect(await it.next()).toEqual({ done: false, value: 'b' });
    expect(grants).toEqual([4, 1]); // ended: the producer needs no more credit
    expect((await it.next()).done).toBe(true);
  });

  it('yields every item in order, and never holds more than the window however slow the consumer', async () => {
    const { queue, made } = creditedProducer(20);
    const seen: number[] = [];
    for await (const x of queue) {
      await tick();
      await tick();
      expect(queue.size).toBeLessThanOrEqual(3);
      // Made: what was taken, plus at most the window waiting.
      expect(made() - seen.length - 1).toBeLessThanOrEqual(3);
      seen.push(x);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('raises a failure after the items pushed before it', async () => {
    const q = createCreditQueue<number>(2, () => undefined);
    q.push(1);
    q.fail(new Error('worker: input file not found'));
    q.push(2); // after the failure: ignored
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of q) seen.push(x);
      })(),
    ).rejects.toThrow('worker: input file not found');
    expect(seen).toEqual([1]);
  });

  it('wakes a consumer waiting for the next item when the producer fails', async () => {
    const q = createCreditQueue<number>(2, () => undefined);
    const consuming = (async () => {
      for await (const _ of q);
    })();
    await tick();
    q.fail(new Error('the sales worker thread stopped'));
    await expect(consuming).rejects.toThrow('the sales worker thread stopped');
  });

  it('ends the iteration when closed early, dropping what waits and granting nothing more', async () => {
    const grants: number[] = [];
    const q = createCreditQueue<number>(2, (n) => grants.push(n));
    q.push(1);
    q.push(2);
    q.close();
    q.push(3);
    const seen: number[] = [];
    for await (const x of q) seen.push(x);
    expect(seen).toEqual([]);
    expect(grants).toEqual([2]);
  });

  it('refuses a window that is not a positive whole number', () => {
    expect(() => createCreditQueue(0, () => undefined)).toThrow(RangeError);
  });
});
