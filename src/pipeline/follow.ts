/** --follow: keeps emitting new sales, shaped like the data set's, stamped with the current time, until stopped. */
import type { ErpData } from './entities';
import { createErpProducer, sendAll, type ProducerDeps } from './produce';
import { makeLiveSale, salesWithItems } from './live';
import { createRandom } from './source/generate';

export interface FollowOptions {
  perSecond: number;
  signal: AbortSignal;
  runId: string;
  seed?: number;
  /** Stop after this many sales (tests, demos with a budget). */
  limit?: number;
}

export async function followLiveSales(deps: ProducerDeps, data: ErpData, opts: FollowOptions): Promise<number> {
  const templates = salesWithItems(data);
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
