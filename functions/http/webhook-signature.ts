import { createHmac, timingSafeEqual } from 'node:crypto';

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

export const SIGNATURE_HEADER = 'x-signature';
const TOLERANCE_MS = 5 * 60 * 1000;

function mac(timestamp: string, body: string, key: Buffer): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, the scheme Stripe and others use. */
export function signWebhook(body: string, key: Buffer, nowMs = Date.now()): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  return `t=${timestamp},v1=${mac(timestamp, body, key)}`;
}

/**
 * The timestamp is signed too, and must be recent, so a captured request cannot be replayed
 * later. Comparison is constant-time.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string,
  key: Buffer,
  nowMs = Date.now(),
): void {
  if (!header) throw new WebhookSignatureError(`Missing ${SIGNATURE_HEADER} header`);
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  const timestamp = parts.t;
  const signature = parts.v1;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new WebhookSignatureError(`The ${SIGNATURE_HEADER} header must look like t=<unix seconds>,v1=<hex HMAC>`);
  }
  if (Math.abs(nowMs - Number(timestamp) * 1000) > TOLERANCE_MS) {
    throw new WebhookSignatureError('The signature timestamp is more than 5 minutes away from now');
  }
  const expected = Buffer.from(mac(timestamp, body, key), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    throw new WebhookSignatureError('The signature does not match');
}
