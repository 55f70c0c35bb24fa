/**
 * HTTP for the dashboards: strong ETags and `If-None-Match`, `Accept-Encoding` negotiation, and bodies prepared
 * once (hashed and compressed) so that a cached view or a shared real-time answer costs a lookup, not a gzip, per
 * request. The parsing is pure; compression uses node:zlib's asynchronous calls (the thread pool, not the event
 * loop).
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'identity';

/** Cache-Control by kind of response (see docs/dashboards.md). */
export const cacheControl = {
  /** Static assets whose URL holds a hash of their content: the URL changes when the content does. */
  immutable: 'public, max-age=31536000, immutable',
  /** Views and exports: kept by the browser, but asked again each time (a 304 when the ETag still matches). */
  revalidate: 'no-cache',
  /** Data that changes every second (the real-time JSON, the server's counters). */
  none: 'no-store',
} as const;

/** Compressing a tiny body costs more than it saves (headers alone are about 300 bytes). */
const MIN_COMPRESS_BYTES = 1024;

const compressible = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/;

export function isCompressible(type: string): boolean {
  return compressible.test(type);
}

/**
 * The best encoding the client accepts, by its q-values; brotli wins a tie (smaller for the same work on text).
 * `identity` is always acceptable unless refused by name or by `*;q=0`.
 */
export function negotiateEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const of = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const br = of('br');
  const gzip = Math.max(of('gzip'), q.get('x-gzip') ?? 0);
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

/** A strong ETag for a body: a hash of its bytes, so equal bytes always get the same tag. */
export function etagOf(body: Buffer | string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** The tag of one encoding of a body: the bytes differ, so the tag must too (RFC 9110, 8.8.3). */
export function encodedEtag(etag: string, encoding: Encoding): string {
  return encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;
}

/**
 * Whether `If-None-Match` names this body, in any of its encodings: a client that got the gzip variant and now
 * accepts brotli still holds the same content. Weak tags (`W/`) compare by their value, as RFC 9110 asks for
 * If-None-Match.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const base = etag.replace(/^W\//, '');
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/-(br|gzip)"$/, '"'))
    .some((t) => t === base);
}

export interface PreparedBody {
  type: string;
  raw: Buffer;
  etag: string;
  br: Buffer | null;
  gzip: Buffer | null;
  headers: Record<string, string>;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Brotli's quality 11 takes about 100 × longer than 5 for a few percent fewer bytes: dynamic bodies use 5, static
 * assets (compressed once per process) 9.
 */
export async function compress(raw: Buffer, encoding: Exclude<Encoding, 'identity'>, quality: 'fast' | 'small' = 'fast'): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality === 'fast' ? 5 : 9, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  }
  return gzip(raw, { level: quality === 'fast' ? 6 : 9 });
}

/** A body hashed and compressed in both encodings, to be sent many times. */
export async function prepareBody(type: string, body: Buffer | string, headers: Record<string, string> = {}, quality: 'fast' | 'small' = 'fast'): Promise<PreparedBody> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const squeeze = isCompressible(type) && raw.length >= MIN_COMPRESS_BYTES;
  const [br, gz] = squeeze ? await Promise.all([compress(raw, 'br', quality), compress(raw, 'gzip', quality)]) : [null, null];
  return { type, raw, etag: etagOf(raw), br, gzip: gz, headers };
}

/** Bytes a prepared body holds in memory (what the view cache counts). */
export function preparedSize(b: PreparedBody): number {
  return b.raw.length + (b.br?.length ?? 0) + (b.gzip?.length ?? 0) + 200;
}

/**
 * Sends a body with its ETag, answering 304 when the client already has it. A body without precomputed encodings
 * (a one-off page) is compressed here, in the encoding asked for only.
 */
export async function sendBody(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: PreparedBody | { type: string; raw: Buffer | string; headers?: Record<string, string> }, cache: string, common: Record<string, string>): Promise<void> {
  const raw = typeof body.raw === 'string' ? Buffer.from(body.raw) : body.raw;
  const etag = 'etag' in body ? body.etag : etagOf(raw);
  const headers: Record<string, string> = { ...common, 'cache-control': cache, ...(body.headers ?? {}) };
  const varies = isCompressible(body.type) && raw.length >= MIN_COMPRESS_BYTES;
  if (varies) headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
  // Only successful answers are worth revalidating; an error page must not be kept under a tag.
  if (status === 200 && cache !== cacheControl.none && etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...headers, etag: encodedEtag(etag, varies ? negotiateEncoding(req.headers['accept-encoding']) : 'identity') });
    res.end();
    return;
  }
  const encoding = varies ? negotiateEncoding(req.headers['accept-encoding']) : 'identity';
  let out = raw;
  if (encoding !== 'identity') {
    const pre = 'etag' in body ? body[encoding] : null;
    out = pre ?? (await compress(raw, encoding));
    headers['content-encoding'] = encoding;
  }
  if (status === 200 && cache !== cacheControl.none) headers.etag = encodedEtag(etag, encoding);
  headers['content-type'] = body.type;
  headers['content-length'] = String(out.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : out);
}
