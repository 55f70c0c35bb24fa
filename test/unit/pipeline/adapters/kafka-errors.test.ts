import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { explainKafkaFailure } from '../../../../src/pipeline/adapters/kafka-errors';

const plain = { brokers: ['127.0.0.1:9094'], ssl: false };
const tls = { brokers: ['127.0.0.1:9094'], ssl: true, sslCaFile: '/s/kafka-tls/ca.crt' };
const scram = { ...tls, sasl: { mechanism: 'scram-sha-512' as const, username: 'erp_kafka', password: 'secret-password' } };
/** kafkajs's errors by name and message (its type declarations leave these constructors out). */
const kafkajsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const saslError = (message: string) => kafkajsError('KafkaJSSASLAuthenticationError', message);
const closed = kafkajsError('KafkaJSConnectionClosedError', 'Closed connection');
/** kafkajs's connection error as its Connection builds it from a socket error. */
const socketError = (message: string, code?: string) => new KafkaJSConnectionError(`Connection error: ${message}`, { broker: '127.0.0.1:9094', code } as never);

describe('explainKafkaFailure', () => {
  it('names KAFKA_SASL_PASSWORD for a refused login, without the password', () => {
    const err = new KafkaJSNonRetriableError(saslError('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'));
    const msg = explainKafkaFailure(err, scram)!;
    expect(msg).toContain('refused the SCRAM-SHA-512 login of KAFKA_SASL_USERNAME="erp_kafka"');
    expect(msg).toContain('check KAFKA_SASL_PASSWORD');
    expect(msg).not.toContain('secret-password');
  });

  it('names KAFKA_SASL_MECHANISM when the cluster does not offer it', () => {
    const err = saslError('SASL SCRAM-SHA-256 mechanism is not supported by the server');
    expect(explainKafkaFailure(err, { ...scram, sasl: { ...scram.sasl, mechanism: 'scram-sha-256' } })).toContain('does not offer the SASL mechanism KAFKA_SASL_MECHANISM=scram-sha-256');
  });

  it('names KAFKA_SSL_CA_FILE for an untrusted certificate, with or without a CA file set', () => {
    const err = socketError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN');
    expect(explainKafkaFailure(err, { ...tls, sslCaFile: undefined })).toMatch(/not trusted \(self-signed certificate; KAFKA_SSL_CA_FILE is not set.*set KAFKA_SSL_CA_FILE to the PEM file of the CA/);
    expect(explainKafkaFailure(socketError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), tls)).toContain('KAFKA_SSL_CA_FILE=/s/kafka-tls/ca.crt did not sign it');
  });

  it('names KAFKA_SSL when a TLS client meets a plaintext port', () => {
    const err = socketError('write EPROTO 40E7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', 'EPROTO');
    expect(explainKafkaFailure(err, tls)).toMatch(/^KAFKA_SSL=true but Kafka at 127.0.0.1:9094 does not answer TLS on that port: set KAFKA_SSL=false/);
  });

  it('names KAFKA_SSL when a plaintext client is cut off by a TLS port, and the SASL settings when a TLS client without a login is', () => {
    expect(explainKafkaFailure(closed, plain)).toContain('set KAFKA_SSL=true');
    expect(explainKafkaFailure(closed, tls)).toContain('set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  });

  it('leaves failures a retry may cure unexplained', () => {
    expect(explainKafkaFailure(socketError('connect ECONNREFUSED 127.0.0.1:9094', 'ECONNREFUSED'), plain)).toBeUndefined();
    expect(explainKafkaFailure(new Error('There is no leader for this topic-partition'), scram)).toBeUndefined();
    expect(explainKafkaFailure(closed, scram)).toBeUndefined();
    expect(explainKafkaFailure(undefined, plain)).toBeUndefined();
  });
});
