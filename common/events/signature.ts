import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header CI signs deploy requests in, GitHub style: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Delivery id headers, ours first; GitHub's is accepted as the id's name too. */
export const DELIVERY_HEADERS = ['x-dockhand-delivery', 'x-github-delivery'] as const;
/** When the request was signed: Unix time in seconds. Signed with the delivery id and the body. */
export const TIMESTAMP_HEADER = 'x-dockhand-timestamp';

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

/** What a deploy request's signature covers: `<timestamp>.<delivery id>.<raw body>` — so neither the
 * time nor the id can be changed on a captured request (Stripe-style). */
export function signedPayload(timestamp: string, deliveryId: string, rawBody: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.${deliveryId}.`), Buffer.from(rawBody)]);
}

/** The signature header of a deploy request (CI, tests, docs). */
export function signDelivery(secret: string, timestamp: string, deliveryId: string, rawBody: Buffer | string): string {
  return sign(secret, signedPayload(timestamp, deliveryId, rawBody));
}

/** Why a signed timestamp is not acceptable at `nowMs` (undefined: it is): not a number, or further
 * than `windowMs` from now — a replay of an old request, or a clock far off. */
export function timestampProblem(timestamp: string | undefined, nowMs: number, windowMs: number): string | undefined {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return `${TIMESTAMP_HEADER}: Unix time in seconds is required`;
  const ageS = Math.round(nowMs / 1000 - Number(timestamp));
  if (ageS > windowMs / 1000)
    return `${TIMESTAMP_HEADER}: signed ${ageS}s ago, older than ${windowMs / 1000}s: refused as a replay`;
  if (-ageS > windowMs / 1000) return `${TIMESTAMP_HEADER}: ${-ageS}s in the future: check the sender's clock`;
  return undefined;
}
