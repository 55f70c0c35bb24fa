import { signBody, verifySignature } from '../../../../src/reports/delivery/sign';

describe('webhook signatures', () => {
  it('match the HMAC-SHA256 test vector of RFC 4231 (test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it("match GitHub's documented webhook example, so receivers written for GitHub's header can check ours", () => {
    expect(signBody('Hello, World!', "It's a Secret to Everybody")).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });

  it('sign the exact bytes: a string and its UTF-8 buffer sign the same', () => {
    const body = '{"heading":"Executive sales report · West · Los Angeles"}';
    expect(signBody(Buffer.from(body, 'utf8'), 's3cret-s3cret-s3cret')).toBe(signBody(body, 's3cret-s3cret-s3cret'));
  });

  it('verify the right body and secret, and refuse a changed body, another secret or a malformed header', () => {
    const body = '{"revenue":83829.32}';
    const sig = signBody(body, 'a-long-enough-secret');
    expect(verifySignature(body, 'a-long-enough-secret', sig)).toBe(true);
    expect(verifySignature('{"revenue":93829.32}', 'a-long-enough-secret', sig)).toBe(false);
    expect(verifySignature(body, 'another-long-secret!', sig)).toBe(false);
    expect(verifySignature(body, 'a-long-enough-secret', sig.toUpperCase())).toBe(false);
    expect(verifySignature(body, 'a-long-enough-secret', undefined)).toBe(false);
  });
});
