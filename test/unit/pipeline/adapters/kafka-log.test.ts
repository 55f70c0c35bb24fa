import { isRetriableKafkaLog } from '../../../../src/pipeline/adapters/kafka';

describe('isRetriableKafkaLog (what kafkajs logs at ERROR but retries)', () => {
  it('treats retriable protocol errors and refused connections as retriable', () => {
    expect(isRetriableKafkaLog('Response InitProducerId(key: 22, version: 1)', { error: "The coordinator is loading and hence can't process requests for this group" })).toBe(true);
    expect(isRetriableKafkaLog('Response Metadata(key: 3, version: 6)', { error: 'There is no leader for this topic-partition as we are in the middle of a leadership election' })).toBe(true);
    expect(isRetriableKafkaLog('Failed to send messages: This server is not the leader for that topic-partition', { retryCount: 0 })).toBe(true);
    expect(isRetriableKafkaLog('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { error: 'connect ECONNREFUSED 127.0.0.1:9092' })).toBe(true);
  });

  it('keeps errors a retry cannot help at ERROR', () => {
    expect(isRetriableKafkaLog('Response Produce(key: 0, version: 7)', { error: 'The request included a message larger than the max message size the server will accept' })).toBe(false);
    expect(isRetriableKafkaLog('Response SaslAuthenticate(key: 36, version: 1)', { error: 'Request is not valid given the current SASL state' })).toBe(false);
    expect(isRetriableKafkaLog('Crash: KafkaJSNumberOfRetriesExceeded', {})).toBe(false);
  });
});
