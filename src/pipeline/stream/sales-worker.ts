/**
 * Pass 2 of the source and the encoding of every sale in a worker thread, at most `window` batches ahead of Kafka, so
 * the producer's main thread is left to kafkajs.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createCreditQueue } from '../../io/credit-queue';
import { readAhead } from '../../io/read-ahead';
import { encodeSaleBatches, type EncodedBatch, type EncodeTarget } from './encoded-batch';
import type { SaleWithItems } from '../core/entities';
import { createSaleSampler } from './follow';
import type { EncodedSaleSource } from './produce';
import { SourceError } from '../source/superstore';
import { streamSales, type SalesPass } from '../source/stream-load';

export interface SalesWorkerData {
  input: string;
  dateFormat: SalesPass['dateFormat'];
  rejectedLines: number[];
  spread: [string, number][];
  batchSize: number;
  target: EncodeTarget;
  sample?: SampleOptions;
}

export type ToSalesWorker = { credits: number };
export type FromSalesWorker =
  | { type: 'batch'; batch: EncodedBatch }
  | { type: 'done'; sample?: SaleWithItems[] }
  | { type: 'error'; name: string; message: string; stack?: string };

export interface SampleOptions {
  /** How many sales to keep (a uniform random sample, see createSaleSampler). */
  size: number;
  seed: number;
}

export interface SalesWorkerOptions {
  /** Keep a sample of the sales (for --follow): filled in `sample` once the last batch has come. */
  sample?: SampleOptions;
  /** Encoded batches the worker may run ahead of the sends. */
  window?: number;
  /** For tests: how the worker's module is found (see workerScript). */
  script?: () => string | undefined;
}

export type WorkerSalesSource = EncodedSaleSource & {
  /** The sample asked for, once the sales are all out. */
  sample: SaleWithItems[];
};

const entry = path.join(__dirname, `sales-worker-entry${path.extname(__filename)}`);

/**
 * The code a worker runs to load `file`: as it is when it is JavaScript; through tsx's CommonJS hook when it is
 * TypeScript (workers do not inherit tsx's loader: its --import hooks do not reach them on Node 20). Undefined when
 * TypeScript cannot be loaded.
 */
export function workerScript(file = entry, resolve: (id: string) => string = require.resolve): string | undefined {
  if (!file.endsWith('.ts')) return `require(${JSON.stringify(file)});`;
  let tsx: string;
  try {
    tsx = resolve('tsx/cjs/api');
  } catch {
    return undefined;
  }
  return `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(file)});`;
}

/** An error from the worker as the main thread raises it: a SourceError stays one (the CLI names the file). */
export function workerError(m: { name: string; message: string; stack?: string }): Error {
  const err = m.name === 'SourceError' || m.name === 'StrictModeError' ? new SourceError(m.message) : new Error(m.message);
  err.name = m.name;
  if (m.stack) err.stack = `${m.stack}\n    (in the sales worker thread)`;
  return err;
}

/** Pass 2 on the calling thread, through the same encoding: the fallback where no worker can load the code. */
export function encodeSalesHere(pass: SalesPass, opts: Pick<SalesWorkerOptions, 'sample'> = {}): WorkerSalesSource {
  const sample: SaleWithItems[] = [];
  return {
    sample,
    open(batchSize, target) {
      const sampler = opts.sample ? createSaleSampler(opts.sample.size, opts.sample.seed) : undefined;
      async function* encoded(): AsyncGenerator<EncodedBatch> {
        yield* encodeSaleBatches(sampler ? sampler.tap(streamSales(pass)) : streamSales(pass), batchSize, target);
        if (sampler) sample.push(...sampler.sample);
      }
      const batches = readAhead(encoded(), 2);
      return { batches, close: async () => void (await batches.return(undefined)) };
    },
  };
}

/** The sales of `pass` (pass 1's scan), read, normalised and encoded in a worker thread. */
export function encodeSalesInWorker(pass: SalesPass, opts: SalesWorkerOptions = {}): WorkerSalesSource {
  const script = (opts.script ?? workerScript)();
  if (!script) return encodeSalesHere(pass, opts);
  const sample: SaleWithItems[] = [];
  return {
    sample,
    open(batchSize, target) {
      const workerData: SalesWorkerData = {
        input: pass.input,
        dateFormat: pass.dateFormat,
        rejectedLines: [...pass.rejectedLines],
        spread: [...pass.spread],
        batchSize,
        target,
        sample: opts.sample,
      };
      // execArgv: not the parent's (tsx's --import loader fails in a worker on Node 20; the script loads tsx itself).
      const worker = new Worker(script, { eval: true, workerData, execArgv: [] });
      let finished = false;
      const queue = createCreditQueue<EncodedBatch>(opts.window ?? 4, (credits) => worker.postMessage({ credits } satisfies ToSalesWorker));
      worker.on('message', (m: FromSalesWorker) => {
        if (m.type === 'batch') queue.push(m.batch);
        else if (m.type === 'done') {
          finished = true;
          if (m.sample) sample.push(...m.sample);
          queue.end();
          void worker.terminate();
        } else {
          queue.fail(workerError(m));
          void worker.terminate();
        }
      });
      worker.on('error', (err) => queue.fail(err));
      worker.on('messageerror', (err) => queue.fail(err));
      worker.on('exit', (code) => {
        if (!finished) queue.fail(new Error(`the sales worker thread stopped (exit code ${code}) before the last sale of ${pass.input}`));
      });
      return {
        batches: queue,
        close: async () => {
          queue.close();
          await worker.terminate();
        },
      };
    },
  };
}
