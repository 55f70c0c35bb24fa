import { MongoServerError } from 'mongodb';
import { isRetriableMongoError, retrying, sqlStateOf } from '../../../../src/pipeline/adapters/retry';

/** What DocumentDB's gateway answers, as the driver hands it over. */
const gatewayError = (code: number, codeName: string, errmsg: string) => new MongoServerError({ ok: 0, code, codeName, errmsg });

describe('sqlStateOf', () => {
  it('unpacks the SQLSTATE the gateway packed into an error code', () => {
    expect(sqlStateOf(50463173)).toBe('57P03'); // seen with PostgreSQL starting up after a crash
    expect(sqlStateOf(512)).toBe('08000');
  });
  it('is undefined for a code that packs no SQLSTATE', () => {
    expect(sqlStateOf(-1)).toBeUndefined();
    expect(sqlStateOf(2 ** 31)).toBeUndefined();
    expect(sqlStateOf(63)).toBeUndefined(); // first character past 'Z'
  });
});

describe('isRetriableMongoError with the gateway up and PostgreSQL down or restarting', () => {
  it('retries the gateway failing to reach PostgreSQL', () => {
    expect(isRetriableMongoError(gatewayError(1, 'Internal Error', 'error connecting to server: Connection refused (os error 111)'))).toBe(true);
    expect(isRetriableMongoError(gatewayError(1, 'Internal Error', 'error connecting to server: No such file or directory (os error 2)'))).toBe(true);
    expect(isRetriableMongoError(gatewayError(1, 'Internal Error', 'connection closed'))).toBe(true);
  });
  it('retries PostgreSQL starting up, shutting down or recovering from a crash', () => {
    const pg = (state: string) => {
      let code = 0;
      for (let i = 0; i < 5; i++) code += (state.charCodeAt(i) - 48) << (6 * i);
      return gatewayError(code, 'DocumentDB error.', `SQLSTATE ${state}`);
    };
    for (const state of ['57P01', '57P02', '57P03', '08006', '08001']) expect(isRetriableMongoError(pg(state))).toBe(true);
    expect(isRetriableMongoError(pg('42P01'))).toBe(false); // undefined table: a retry cannot help
  });
  it('does not retry an internal error about something else, or a rejected document', () => {
    expect(isRetriableMongoError(gatewayError(1, 'Internal Error', 'Failed to convert BSON write error into BSON document.'))).toBe(false);
    expect(isRetriableMongoError(gatewayError(11000, 'DuplicateKey', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isRetriableMongoError(gatewayError(512, 'BadValue', 'not a SQLSTATE: another code name'))).toBe(false);
  });
});

describe('retrying', () => {
  it('goes on through the gateway errors until PostgreSQL answers', async () => {
    let calls = 0;
    const delays: number[] = [];
    const result = await retrying(
      async () => {
        if (++calls < 3) throw gatewayError(50463173, 'DocumentDB error.', 'the database system is not yet accepting connections');
        return 'written';
      },
      { initialDelayMs: 1, onRetry: (_e, _attempt, delay) => void delays.push(delay) },
    );
    expect(result).toBe('written');
    expect(delays).toEqual([1, 2]);
  });
  it('gives up at once on an error no retry can help', async () => {
    let calls = 0;
    const rejected = gatewayError(11000, 'DuplicateKey', 'duplicate key');
    await expect(retrying(async () => { calls++; throw rejected; }, { initialDelayMs: 1 })).rejects.toBe(rejected);
    expect(calls).toBe(1);
  });
});
