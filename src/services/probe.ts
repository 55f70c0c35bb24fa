/** Small helpers for the services layer: endpoints from config, TCP probes, and polling with a clear timeout. */
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export interface Endpoint {
  host: string;
  port: number;
}

export class ServiceTimeoutError extends Error {
  override name = 'ServiceTimeoutError';
}

/** "host:port" → Endpoint. Accepts "[::1]:9092" for IPv6. */
export function parseHostPort(s: string, defaultPort?: number): Endpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s.trim()) ?? /^([^:/\s]+)(?::(\d+))?$/.exec(s.trim());
  const host = m?.[1];
  const port = m?.[2] !== undefined ? Number(m[2]) : defaultPort;
  if (!host || port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`expected host:port, got ${JSON.stringify(s)}`);
  }
  return { host, port };
}

/** The first host of a MongoDB URI; `undefined` for mongodb+srv:// (DNS-discovered, so never local). */
export function mongoEndpoint(uri: string): Endpoint | undefined {
  const m = /^mongodb(\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  if (!m || m[1] || !m[2]) return undefined;
  const first = m[2].split(',')[0] ?? '';
  return parseHostPort(first, 27017);
}

/** The first Kafka bootstrap broker. */
export function kafkaEndpoint(brokers: string[]): Endpoint {
  const first = brokers[0];
  if (!first) throw new Error('no Kafka broker configured (KAFKA_BROKERS is empty)');
  return parseHostPort(first);
}

/** True for addresses that only this machine can reach: the services we may start ourselves. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A host as it goes before ":port" in a URL or listener: IPv6 addresses get brackets. */
export const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
export const formatEndpoint = (e: Endpoint): string => `${formatHost(e.host)}:${e.port}`;

/** Resolves true when a TCP connection to host:port opens within timeoutMs. Never rejects. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitOptions {
  /** What we are waiting for, for the error message: "Kafka on 127.0.0.1:9092". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Log file to point the user at when the wait fails. */
  logFile?: string;
  /** Called between attempts; a returned string aborts the wait with that reason (e.g. "the process exited"). */
  abortIf?: () => string | undefined | Promise<string | undefined>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it resolves true. Throws ServiceTimeoutError naming the log to read on timeout or abort. */
export async function waitFor(check: () => Promise<boolean>, opts: WaitOptions): Promise<number> {
  const started = Date.now();
  const hint = opts.logFile ? `; see ${opts.logFile}` : '';
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    const reason = await opts.abortIf?.();
    if (reason) throw new ServiceTimeoutError(`${opts.what} did not become ready: ${reason}${hint}`);
    if (Date.now() - started >= opts.timeoutMs) {
      const last = lastError ? ` (last error: ${lastError})` : '';
      throw new ServiceTimeoutError(`${opts.what} not ready after ${Math.round(opts.timeoutMs / 1000)} s${last}${hint}`);
    }
    await sleep(opts.intervalMs ?? 500);
  }
}

/** A Kafka cluster id like `kafka-storage random-uuid` prints: 16 random bytes, base64url, never starting with "-". */
export function randomClusterId(bytes: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = bytes().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
