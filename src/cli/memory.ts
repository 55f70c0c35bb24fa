/**
 * How far V8 lets the heap grow past what a collection found alive, bounded where memory matters more than speed
 * (the pipeline from its ingest step on, the dashboard server); no fixed cap.
 */
import v8 from 'node:v8';

/** The heap may grow to this many percent above the live data before the next full collection (V8's default: up to 300). */
export const heapGrowingPercent = 10;

/** Sets the bound for this process from now on, unless the user passed their own (`--heap-growing-percent` in `execArgv`). */
export function boundHeapGrowth(percent = heapGrowingPercent): void {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
