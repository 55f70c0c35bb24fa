/** Retrying what a retry can help, and only that. */
import { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoError, MongoServerError } from 'mongodb';

/**
 * The SQLSTATE inside an error code DocumentDB's gateway passed through from PostgreSQL (codeName "DocumentDB error."):
 * its five characters packed 6 bits each, the first lowest (postgres_sqlstate_to_i32 in pg_documentdb_gw).
 */
export function sqlStateOf(code: number): string | undefined {
  if (!Number.isInteger(code) || code < 0 || code >= 2 ** 30) return undefined;
  let state = '';
  for (let rest = code, i = 0; i < 5; i++, rest >>= 6) state += String.fromCharCode((rest & 0x3f) + 48);
  return /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
}

/**
 * The gateway answers for PostgreSQL, so with PostgreSQL down or restarting the socket stays up and the errors come
 * back as server errors: its own InternalError (code 1) naming the lost connection, or PostgreSQL's SQLSTATE.
 * Connection exceptions (class 08) and shutdown, crash and start-up (57P01-57P03) end when PostgreSQL is back.
 */
function isEngineRestartError(err: MongoServerError): boolean {
  if (err.code === 1) return /error connecting to server|error communicating with the server|connection closed|timeout waiting for server|Pool error: Timeout/i.test(err.message);
  if (err.codeName !== 'DocumentDB error.' || typeof err.code !== 'number') return false;
  const state = sqlStateOf(err.code);
  return state !== undefined && (state.startsWith('08') || ['57P01', '57P02', '57P03'].includes(state));
}

/** Network trouble and server restarts are worth retrying; a rejected document is not. */
export function isRetriableMongoError(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError || err instanceof MongoNotConnectedError) return true;
  if (err instanceof MongoTopologyClosedError) return false;
  if (err instanceof MongoServerError && isEngineRestartError(err)) return true;
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
