import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { encodedEtag, etagMatches, etagOf, isCompressible, negotiateEncoding, prepareBody } from '../../../src/dashboard/http';

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
