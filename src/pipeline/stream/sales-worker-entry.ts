/**
 * Runs in the worker thread that sales-worker.ts starts: pass 2 of the source (streamSales) and the encoding of each
 * sale, posted to the main thread as EncodedBatch messages, one per credit the main thread grants (so it never runs
 * more than the credit window ahead of Kafka).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeSaleBatches } from './encoded-batch';
import type { SaleWithItems } from '../core/entities';
import { createSaleSampler } from './follow';
import { streamSales } from '../source/stream-load';
import type { FromSalesWorker, SalesWorkerData, ToSalesWorker } from './sales-worker';

async function run(port: NonNullable<typeof parentPort>, job: SalesWorkerData): Promise<void> {
  let credits = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m: ToSalesWorker) => {
    credits += m.credits;
    wake?.();
  });
  const post = (m: FromSalesWorker) => port.postMessage(m);
  const pass = { input: job.input, dateFormat: job.dateFormat, rejectedLines: new Set(job.rejectedLines), spread: new Map(job.spread) };
  const sampler = job.sample ? createSaleSampler(job.sample.size, job.sample.seed) : undefined;
  const sales: AsyncIterable<SaleWithItems[]> = sampler ? sampler.tap(streamSales(pass)) : streamSales(pass);
  for await (const batch of encodeSaleBatches(sales, job.batchSize, job.target)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    post({ type: 'batch', batch });
  }
  post({ type: 'done', sample: sampler?.sample });
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as SalesWorkerData).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack } satisfies FromSalesWorker);
  });
}
