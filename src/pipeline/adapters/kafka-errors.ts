/**
 * Connection failures that no retry can cure, told apart from the ones a retry rides out (a broker restarting):
 * a refused login, an untrusted certificate, TLS spoken to a plaintext port or the other way round. Each becomes one
 * sentence naming the setting to fix. Pure: it reads kafkajs's errors, never a socket.
 */
import type { KafkaConfig } from '../../config';

export class KafkaSetupError extends Error {
  override name = 'KafkaSetupError';
  /** A configuration problem: retrying with the same settings gives the same answer. */
  readonly retriable = false;
}

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
