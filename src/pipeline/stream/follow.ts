/** --follow: keeps emitting new sales, shaped like the data set's, stamped with the current time, until stopped. */
import type { SaleWithItems } from '../core/entities';
import { sendAll, type ProducerDeps } from './produce';
import { createErpProducer } from '../adapters/kafka';
import { makeLiveSale } from '../source/live';
import { createRandom } from '../source/generate';

export interface FollowOptions {
  perSecond: number;
  signal: AbortSignal;
  runId: string;
  seed?: number;
  /** Stop after this many sales (tests, demos with a budget). */
  limit?: number;
}

/** `templates`: the sales to imitate (all of them, or a sample: see `createSaleSampler`). */
export async function followLiveSales(deps: ProducerDeps, templates: readonly SaleWithItems[], opts: FollowOptions): Promise<number> {
  if (!templates.length) throw new Error('--follow needs at least one sale in the data to imitate');
  const rnd = createRandom(opts.seed ?? Date.now() % 2 ** 32);
  const producer = createErpProducer(deps.kafka, false);
  await producer.connect();
  let sent = 0;
  try {
    while (!opts.signal.aborted && (opts.limit === undefined || sent < opts.limit)) {
      const tick = Date.now();
      const sale = makeLiveSale(templates[Math.floor(rnd() * templates.length)]!, new Date(), sent + 1, opts.runId);
      sent += await sendAll(producer, deps.topics.sales, 'sale', [sale], { compression: 'none' });
      const wait = 1000 / opts.perSecond - (Date.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    await producer.disconnect();
  }
  deps.log.info('follow stopped', { sent });
  return sent;
}

/** Keeps a uniform random sample of up to `size` sales from a stream, passing every batch through unchanged. */
export function createSaleSampler(size = 2000, seed = 1) {
  const rnd = createRandom(seed);
  const sample: SaleWithItems[] = [];
  let seen = 0;
  return {
    sample,
    async *tap(batches: AsyncIterable<SaleWithItems[]>): AsyncGenerator<SaleWithItems[]> {
      for await (const batch of batches) {
        for (const s of batch) {
          seen++;
          const j = sample.length < size ? sample.length : Math.floor(rnd() * seen);
          // A copy: the sale's strings are slices of the chunk they were read from and would keep it alive.
          if (j < size) sample[j] = JSON.parse(JSON.stringify(s)) as SaleWithItems;
        }
        yield batch;
      }
    },
  };
}
