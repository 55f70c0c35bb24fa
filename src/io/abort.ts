import { setMaxListeners } from 'node:events';

/**
 * Cancelling a render: an AbortSignal stops it, and a timeout is an abort whose reason says so, so that the caller
 * (the scheduler) can tell a job that ran out of time from one stopped from outside and from one that failed.
 */

/** Why a render stopped early: its time ran out, or it was stopped from outside (SIGTERM, Ctrl-C, a caller). */
export type AbortKind = 'timeout' | 'interrupted';

/**
 * A render stopped by its AbortSignal before it finished. Nothing was published: no file under a final name changed,
 * the previous report in the folder is as it was, its lock is released, and the kernel and Chromium it started are
 * gone. `reason` is the signal's reason, as the caller gave it.
 *
 * This class itself (kind `interrupted`): stopped on purpose (SIGTERM to the scheduler, Ctrl-C, a cancelled job), so
 * a run history records `interrupted` and a retry would not help. The subclass RenderTimeoutError is `timed_out`.
 * Any other error of a render is `failed` (see runStatusOf).
 */
export class RenderAbortedError extends Error {
  override name = 'RenderAbortedError';
  constructor(
    message: string,
    readonly reason: unknown,
    readonly kind: AbortKind = 'interrupted',
  ) {
    super(message);
  }

  /** Whether running the job again can help: a timeout may pass on a quieter machine; a stopped run was meant to stop. */
  get retriable(): boolean {
    return this.kind === 'timeout';
  }
}

/** A render that ran past its job's timeout and was stopped (kind `timeout`): a run history records `timed_out`. */
export class RenderTimeoutError extends RenderAbortedError {
  override name = 'RenderTimeoutError';
  /** The timeout, in seconds (undefined when the signal came from AbortSignal.timeout, which does not say). */
  readonly seconds: number | undefined;
  constructor(seconds?: number, reason?: unknown) {
    super(seconds === undefined ? 'the render ran past its timeout and was stopped' : `the render ran longer than its timeout of ${seconds} s and was stopped`, reason, 'timeout');
    this.seconds = seconds;
  }
}

// By shape rather than instanceof: AbortSignal's DOMExceptions may come from another realm (a vm context, a test runner).
const errorLike = (reason: unknown): { name?: unknown; message?: unknown } | undefined => (typeof reason === 'object' && reason !== null ? reason : undefined);
const describe = (reason: unknown): string => (typeof reason === 'string' ? reason : String(errorLike(reason)?.message ?? ''));

/** The typed error for an aborted signal: its reason when that is already one, a timeout for AbortSignal.timeout's. */
export function abortError(signal: AbortSignal): RenderAbortedError {
  const reason: unknown = signal.reason;
  if (reason instanceof RenderAbortedError) return reason;
  if (errorLike(reason)?.name === 'TimeoutError') return new RenderTimeoutError(undefined, reason);
  // AbortController.abort() without a reason gives a DOMException "This operation was aborted": nothing to add.
  const text = errorLike(reason)?.name === 'AbortError' ? '' : describe(reason);
  return new RenderAbortedError(`the render was stopped before it finished${text ? ` (${text})` : ''}`, reason);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Calls `fn` once when the signal aborts (at once if it has); returns what removes the listener. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/**
 * `work`, or the abort error as soon as the signal aborts, whichever comes first. The work itself is not stopped by
 * this (the caller closes what it runs on); a late result or failure of it is ignored.
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined); // its failure (a closed page, a killed process) is the abort's, said below
    throw abortError(signal);
  }
  let remove = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    remove = onAbort(signal, () => reject(abortError(signal)));
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    remove();
  }
}

/** Waits `ms`, or rejects with the abort error as soon as the signal aborts (and forgets the timer then). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  let timer: NodeJS.Timeout | undefined;
  try {
    await untilAborted(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), signal);
  } finally {
    clearTimeout(timer);
  }
}

export interface Deadline {
  /** Aborts with a RenderTimeoutError after the timeout, or with the parent's reason when the parent aborts first. */
  signal: AbortSignal;
  /** Stops the timer and forgets the parent (call it when the work ended, whichever way). */
  clear(): void;
}

/** A signal for one job: its timeout (seconds) within a parent signal such as the scheduler's SIGTERM. */
export function withTimeout(seconds: number, parent?: AbortSignal): Deadline {
  if (!(seconds > 0)) throw new RangeError(`a timeout is a positive number of seconds, not ${seconds}`);
  const ctrl = new AbortController();
  // Every step of a render listens to its job's signal (each chart image, the PDF, the lock): more than Node's
  // default warning threshold of 10 in a report with a workbook.
  setMaxListeners(64, ctrl.signal);
  // A timer alone must not keep a process alive that has nothing else to do.
  const timer = setTimeout(() => ctrl.abort(new RenderTimeoutError(seconds)), seconds * 1000).unref();
  const forget = onAbort(parent, () => ctrl.abort(parent!.reason));
  if (ctrl.signal.aborted) clearTimeout(timer);
  else ctrl.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return {
    signal: ctrl.signal,
    clear: () => {
      clearTimeout(timer);
      forget();
    },
  };
}

/** How a run history records a render's error: timed out, stopped from outside, or failed. */
export function runStatusOf(err: unknown): 'timed_out' | 'interrupted' | 'failed' {
  if (err instanceof RenderTimeoutError) return 'timed_out';
  if (err instanceof RenderAbortedError) return 'interrupted';
  return 'failed';
}
