import type http from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { cacheControl, encodedEtag, etagMatches, etagOf, isCompressible, negotiateEncoding, prepareBody, sendBody } from '../../../src/dashboard/http';

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0.1, br;q=0', 'gzip'],
    ['deflate', 'identity'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=1', 'gzip'],
  ])('%p → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('ETags', () => {
  const tag = etagOf('hello');

  it('are strong, quoted and equal for equal bytes', () => {
    expect(tag).toMatch(/^"[\w-]{22}"$/);
    expect(etagOf(Buffer.from('hello'))).toBe(tag);
    expect(etagOf('hello!')).not.toBe(tag);
  });

  it('differ per encoding', () => {
    expect(encodedEtag(tag, 'br')).toBe(`${tag.slice(0, -1)}-br"`);
    expect(encodedEtag(tag, 'identity')).toBe(tag);
  });

  it.each([
    [undefined, false],
    ['*', true],
    [tag, true],
    [`W/${tag}`, true],
    [encodedEtag(tag, 'gzip'), true],
    [`"other", ${encodedEtag(tag, 'br')}`, true],
    ['"other"', false],
  ])('If-None-Match %p matches: %p', (header, expected) => {
    expect(etagMatches(header, tag)).toBe(expected);
  });
});

describe('prepareBody', () => {
  it('compresses text in both encodings, and both decode to the same bytes', async () => {
    const html = `<p>${'sales '.repeat(500)}</p>`;
    const b = await prepareBody('text/html; charset=utf-8', html);
    expect(b.br!.length).toBeLessThan(b.raw.length);
    expect(brotliDecompressSync(b.br!).toString()).toBe(html);
    expect(gunzipSync(b.gzip!).toString()).toBe(html);
    expect(b.etag).toBe(etagOf(html));
  });

  it('leaves small bodies and binary types uncompressed', async () => {
    expect((await prepareBody('text/html', '<p>hi</p>')).br).toBeNull();
    expect((await prepareBody('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.alloc(5000))).gzip).toBeNull();
  });

  it.each([
    ['text/csv; charset=utf-8', true],
    ['application/json; charset=utf-8', true],
    ['image/svg+xml', true],
    ['text/javascript; charset=utf-8', true],
    ['image/png', false],
  ])('%s is compressible: %p', (type, expected) => {
    expect(isCompressible(type)).toBe(expected);
  });
});

describe('sendBody', () => {
  /** What the server wrote: status, headers and body, from stand-ins for node:http's request and response. */
  async function send(type: string, raw: Buffer, acceptEncoding: string) {
    const out = { status: 0, headers: {} as Record<string, string>, body: Buffer.alloc(0) };
    const req = { method: 'GET', headers: { 'accept-encoding': acceptEncoding } } as unknown as http.IncomingMessage;
    const res = {
      writeHead: (status: number, headers: Record<string, string>) => Object.assign(out, { status, headers }),
      end: (body?: Buffer) => Object.assign(out, { body: body ?? Buffer.alloc(0) }),
    } as unknown as http.ServerResponse;
    await sendBody(req, res, 200, await prepareBody(type, raw), cacheControl.revalidate, {});
    return out;
  }
  const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  it('sends an Excel workbook as it is, even to a client that accepts brotli and gzip: a zip is compressed already', async () => {
    // A zip's entries are deflated: gzip gains 2-10 % on a real export (its headers), not worth a pass per download.
    const workbook = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20_000, 7)]);
    const r = await send(xlsx, workbook, 'gzip, deflate, br');
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers.vary).toBeUndefined();
    expect(r.headers.etag).toBe(etagOf(workbook));
    expect(r.body.equals(workbook)).toBe(true);
  });

  it('sends text compressed in the encoding asked for, with its own tag', async () => {
    const text = Buffer.from('Month,Branch\n'.repeat(1000));
    const r = await send('text/csv; charset=utf-8', text, 'gzip');
    expect([r.headers['content-encoding'], r.headers.vary, r.headers.etag]).toEqual(['gzip', 'Accept-Encoding', encodedEtag(etagOf(text), 'gzip')]);
    expect(gunzipSync(r.body).equals(text)).toBe(true);
  });
});
