import { KafkaJSProtocolError } from 'kafkajs';
import { loadConfig } from '../../src/config';
import { createKafka, isRetriableKafkaLog, withAdmin } from '../../src/pipeline/adapters/kafka';
import { RETRIABLE_PROTOCOL_ERRORS } from '../../src/pipeline/adapters/kafka-errors';

/** The protocol error inside what kafkajs threw (it wraps them in retries exceeded and aggregates). */
function protocolError(err: unknown, depth = 0): KafkaJSProtocolError | undefined {
  if (err instanceof KafkaJSProtocolError) return err;
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const e = err as { originalError?: unknown; cause?: unknown; errors?: unknown };
  for (const inner of [e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = protocolError(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

async function thrown(work: () => Promise<unknown>): Promise<KafkaJSProtocolError> {
  try {
    await work();
  } catch (err) {
    const found = protocolError(err);
    if (found) return found;
    throw err;
  }
  throw new Error('expected the broker to refuse');
}

describe('the retriable protocol errors, against the broker', () => {
  // No retries: the first answer is the one under test.
  const kafka = createKafka(loadConfig().kafka, undefined, { retry: { retries: 0 } });
  const suffix = `${process.pid}-${Date.now()}`;

  it.each([
    ['offsets of a topic that does not exist', () => withAdmin(kafka, (a) => a.fetchTopicOffsets(`it.errors.missing-${suffix}`))],
    ['a topic with more replicas than brokers', () => withAdmin(kafka, (a) => a.createTopics({ topics: [{ topic: `it.errors.rf-${suffix}`, replicationFactor: 99 }] }))],
  ])('%s: the table agrees with the error kafkajs throws, and with what its log line is taken for', async (_what, work) => {
    const err = await thrown(work);
    const entry = RETRIABLE_PROTOCOL_ERRORS[err.type];
    expect({ type: err.type, retriable: entry !== undefined }).toEqual({ type: err.type, retriable: err.retriable });
    if (entry) expect({ code: entry.code, message: entry.message }).toEqual({ code: err.code, message: err.message });
    expect(isRetriableKafkaLog('Response Metadata(key: 3, version: 6)', { error: err.message })).toBe(err.retriable);
  });
});
