/**
 * How far V8 lets the heap grow past what a collection found alive. By default it picks a factor up to 4 when memory is
 * plentiful, so a job that allocates far more than it keeps (decoding Kafka batches, reading the lake, training)
 * reaches several times its live data before a full collection: at a million lines the pipeline's resident memory
 * reached 1.3 GB. Bounding the factor keeps resident memory near the live data, at the cost of more frequent
 * collections: the producer, whose live data is small and whose garbage is plenty, sends a third fewer messages a
 * second with it (14,600 → 9,000 at a million lines), so it is not set for every CLI, only where memory matters more
 * than speed (the pipeline, from its ingest step on; the dashboard server, at 25 %). There is no fixed cap: a larger input only grows the heap, it
 * never ends in an out-of-memory crash.
 */
import v8 from 'node:v8';

/** The heap may grow to this many percent above the live data before the next full collection (V8's default: up to 300). */
export const heapGrowingPercent = 10;

/** Sets the bound for this process from now on, unless the user passed their own (`--heap-growing-percent` in `execArgv`). */
export function boundHeapGrowth(percent = heapGrowingPercent): void {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
