import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header CI signs deploy requests in, GitHub style: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Delivery id headers, ours first; GitHub's is accepted so a GitHub webhook works unchanged. */
export const DELIVERY_HEADERS = ['x-dockhand-delivery', 'x-github-delivery'] as const;

export function sign(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Constant-time check of a signature header against the raw body. */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(sign(secret, rawBody));
  const given = Buffer.from(header.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
