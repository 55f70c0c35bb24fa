/** Retrying what a retry can help, and only that. */
import { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoError } from 'mongodb';

/** Network trouble and server restarts are worth retrying; a rejected document is not. */
export function isRetriableMongoError(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError || err instanceof MongoNotConnectedError) return true;
  if (err instanceof MongoTopologyClosedError) return false;
  if (err instanceof MongoError) {
    if (typeof err.hasErrorLabel === 'function' && (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('ResetPool'))) return true;
    return /ECONNREFUSED|ECONNRESET|EPIPE|socket|connection .* closed|timed out/i.test(err.message);
  }
  return /ECONNREFUSED|ECONNRESET|EPIPE/.test(String((err as Error)?.message ?? err));
}

export interface RetryOptions {
  /** Called between attempts (heartbeat to the group coordinator, log). Throwing stops the retries. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => Promise<void> | void;
  shouldContinue?: () => boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  isRetriable?: (err: unknown) => boolean;
}

export class RetryAbortedError extends Error {
  override name = 'RetryAbortedError';
}

/** Retries `fn` with exponential backoff for as long as the error is retriable and `shouldContinue()` holds. */
export async function retrying<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const isRetriable = opts.isRetriable ?? isRetriableMongoError;
  let delay = opts.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err)) throw err;
      if (opts.shouldContinue && !opts.shouldContinue()) throw new RetryAbortedError(`stopped while retrying: ${(err as Error).message}`);
      await opts.onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 5000);
    }
  }
}
