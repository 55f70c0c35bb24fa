/**
 * Kafka failures a retry rides out (the protocol's retriable errors) told apart from the ones no retry can cure (a
 * refused login, an untrusted certificate, TLS against a plaintext port), each of those as one sentence naming the
 * setting to fix. Pure: it reads kafkajs's errors, never a socket.
 */
import type { KafkaConfig } from '../../config';

export class KafkaSetupError extends Error {
  override name = 'KafkaSetupError';
  /** A configuration problem: retrying with the same settings gives the same answer. */
  readonly retriable = false;
}

/**
 * The Kafka protocol's retriable errors, by type, with the message kafkajs gives each (what its logs carry). kafkajs
 * keeps its table in a file it does not export; a thrown KafkaJSProtocolError says `retriable` itself, and
 * test/integration/kafka-errors.test.ts checks this table against the errors the broker gives.
 */
export const RETRIABLE_PROTOCOL_ERRORS: Readonly<Record<string, { code: number; message: string }>> = {
  CORRUPT_MESSAGE: { code: 2, message: 'This message has failed its CRC checksum, exceeds the valid size, or is otherwise corrupt' },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, message: 'This server does not host this topic-partition' },
  LEADER_NOT_AVAILABLE: { code: 5, message: 'There is no leader for this topic-partition as we are in the middle of a leadership election' },
  NOT_LEADER_FOR_PARTITION: { code: 6, message: 'This server is not the leader for that topic-partition' },
  REQUEST_TIMED_OUT: { code: 7, message: 'The request timed out' },
  REPLICA_NOT_AVAILABLE: { code: 9, message: 'The replica is not available for the requested topic-partition' },
  NETWORK_EXCEPTION: { code: 13, message: 'The server disconnected before a response was received' },
  GROUP_LOAD_IN_PROGRESS: { code: 14, message: "The coordinator is loading and hence can't process requests for this group" },
  GROUP_COORDINATOR_NOT_AVAILABLE: { code: 15, message: 'The group coordinator is not available' },
  NOT_COORDINATOR_FOR_GROUP: { code: 16, message: 'This is not the correct coordinator for this group' },
  NOT_ENOUGH_REPLICAS: { code: 19, message: 'Messages are rejected since there are fewer in-sync replicas than required' },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, message: 'Messages are written to the log, but to fewer in-sync replicas than required' },
  NOT_CONTROLLER: { code: 41, message: 'This is not the correct controller for this cluster' },
  CONCURRENT_TRANSACTIONS: { code: 51, message: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing' },
  KAFKA_STORAGE_ERROR: { code: 56, message: 'Disk error when trying to access log file on the disk' },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, message: 'The fetch session ID was not found' },
  INVALID_FETCH_SESSION_EPOCH: { code: 71, message: 'The fetch session epoch is invalid' },
  LISTENER_NOT_FOUND: { code: 72, message: 'There is no listener on the leader broker that matches the listener on which metadata request was processed' },
  FENCED_LEADER_EPOCH: { code: 74, message: 'The leader epoch in the request is older than the epoch on the broker' },
  UNKNOWN_LEADER_EPOCH: { code: 75, message: 'The leader epoch in the request is newer than the epoch on the broker' },
  OFFSET_NOT_AVAILABLE: { code: 78, message: 'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing' },
  PREFERRED_LEADER_NOT_AVAILABLE: { code: 80, message: 'The preferred leader was not available' },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: { code: 83, message: 'Eligible topic partition leaders are not available' },
  ELECTION_NOT_NEEDED: { code: 84, message: 'Leader election not needed for topic partition' },
  UNSTABLE_OFFSET_COMMIT: { code: 88, message: 'There are unstable offsets that need to be cleared' },
};

const retriableMessages = new Set(Object.values(RETRIABLE_PROTOCOL_ERRORS).map((e) => e.message));

/** Whether a protocol error's message (as kafkajs logs it) is one a retry can cure. */
export const isRetriableProtocolMessage = (message: string): boolean => retriableMessages.has(message);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  originalError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and every error it wraps (kafkajs nests them in originalError, cause and errors). */
function chain(err: unknown, depth = 0): ErrorLike[] {
  if (typeof err !== 'object' || err === null || depth > 5) return [];
  const e = err as ErrorLike;
  const nested = [e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return [e, ...nested.flatMap((n) => chain(n, depth + 1))];
}

const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const UNTRUSTED_TEXT = /self[- ]signed certificate|unable to (get local issuer|verify the first) certificate|certificate has expired|does not match certificate's altnames/i;
const NOT_TLS_TEXT = /wrong version number|packet length too long|unknown protocol|before secure TLS connection was established/i;
const CLOSED_TEXT = /Closed connection|Connection closed|socket hang up|ECONNRESET/i;

/**
 * One sentence naming the setting to fix, or undefined when the failure may pass by itself (refused connection,
 * broker restarting, leader moving) or is not about connecting at all.
 */
export function explainKafkaFailure(err: unknown, cfg: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sslCaFile' | 'sasl'>): string | undefined {
  const all = chain(err);
  const text = all.map((e) => String(e.message ?? '')).join(' | ');
  const codes = new Set(all.map((e) => String(e.code ?? '')));
  const where = `Kafka at ${cfg.brokers.join(',')}`;
  const sasl = cfg.sasl ? `${cfg.sasl.mechanism.toUpperCase()} login of KAFKA_SASL_USERNAME=${JSON.stringify(cfg.sasl.username)}` : undefined;

  if (all.some((e) => e.name === 'KafkaJSSASLAuthenticationError') || /SASL .*authentication failed/i.test(text)) {
    if (/not supported by the server|unsupported sasl mechanism|UNSUPPORTED_SASL_MECHANISM/i.test(text)) {
      return `${where} does not offer the SASL mechanism KAFKA_SASL_MECHANISM=${cfg.sasl?.mechanism ?? '(unset)'}: set the one the cluster uses (plain, scram-sha-256 or scram-sha-512)`;
    }
    return `${where} refused the ${sasl ?? 'SASL login'}: check KAFKA_SASL_PASSWORD (and KAFKA_SASL_USERNAME, KAFKA_SASL_MECHANISM)`;
  }
  if ([...codes].some((c) => UNTRUSTED_CODES.has(c)) || UNTRUSTED_TEXT.test(text)) {
    const reason = UNTRUSTED_TEXT.exec(text)?.[0] ?? [...codes].find((c) => UNTRUSTED_CODES.has(c));
    const now = cfg.sslCaFile ? `KAFKA_SSL_CA_FILE=${cfg.sslCaFile} did not sign it` : 'KAFKA_SSL_CA_FILE is not set, so only the system CAs are trusted';
    return `the TLS certificate of ${where} is not trusted (${reason}; ${now}): set KAFKA_SSL_CA_FILE to the PEM file of the CA that signed it`;
  }
  if (cfg.ssl && (codes.has('ERR_SSL_WRONG_VERSION_NUMBER') || NOT_TLS_TEXT.test(text))) {
    return `KAFKA_SSL=true but ${where} does not answer TLS on that port: set KAFKA_SSL=false, or point KAFKA_BROKERS at its TLS listener`;
  }
  if (CLOSED_TEXT.test(text) && !/ECONNREFUSED/.test(text)) {
    if (!cfg.ssl) {
      return `${where} closed the connection without answering, as a TLS listener does with a plaintext client: set KAFKA_SSL=true (with KAFKA_SSL_CA_FILE for a private CA, and KAFKA_SASL_* if it asks for a login), or point KAFKA_BROKERS at a plaintext listener`;
    }
    if (!cfg.sasl) {
      return `${where} closed the connection without answering, as a SASL listener does before a login: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`;
    }
  }
  return undefined;
}
