/**
 * Webhook signatures: `X-ERP-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>` with WEBHOOK_SECRET, so a
 * receiver can tell our POST from anyone else's. A receiver checks it with `verifySignature` (constant time).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'X-ERP-Signature';

/** `sha256=` and the hex HMAC-SHA256 of `body` under `secret`. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the signature of `body` under `secret`; a malformed or missing header is not. */
export function verifySignature(body: string | Buffer, secret: string, header: string | null | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  return timingSafeEqual(Buffer.from(header), Buffer.from(signBody(body, secret)));
}
