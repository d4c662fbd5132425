import { createHmac, timingSafeEqual } from 'node:crypto';

/** A scheduling tool's request whose signature is missing, wrong, stale or already seen: always a 401. */
export class BookingSignatureError extends Error {
  override name = 'BookingSignatureError';
}

export const CALENDLY_SIGNATURE_HEADER = 'calendly-webhook-signature';
export const ACUITY_SIGNATURE_HEADER = 'x-acuity-signature';

/** Calendly's own example refuses signatures older than three minutes. */
export const CALENDLY_TOLERANCE_MS = 3 * 60 * 1000;

function equalInConstantTime(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
 * keyed with the webhook signing key set on the subscription. The timestamp is signed, so it
 * must be recent. Documented at
 * https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures
 * Answers the signature, which identifies this delivery (for the replay store).
 */
export function verifyCalendlySignature(header: string | undefined, body: string, key: Buffer, nowMs: number): string {
  if (!header) throw new BookingSignatureError('Missing Calendly-Webhook-Signature header');
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = parts.get('t');
  const signature = parts.get('v1');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new BookingSignatureError('The Calendly-Webhook-Signature header must look like t=<unix seconds>,v1=<hex>');
  }
  const expected = createHmac('sha256', key).update(`${timestamp}.${body}`).digest();
  if (!equalInConstantTime(expected, Buffer.from(signature, 'hex'))) {
    throw new BookingSignatureError('The signature does not match');
  }
  if (Math.abs(nowMs - Number(timestamp) * 1000) > CALENDLY_TOLERANCE_MS) {
    throw new BookingSignatureError('The signature timestamp is more than 3 minutes away from now');
  }
  return signature;
}

/** What Calendly would send: used by the local command and the tests. */
export function signAsCalendly(body: string, key: Buffer, nowMs: number): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  return `t=${timestamp},v1=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Acuity Scheduling: `X-Acuity-Signature: <base64 HMAC-SHA256 of the raw body>`, keyed with
 * the account's API key. Documented at https://developers.acuityscheduling.com/docs/webhooks
 * ("Verifying Webhook Requests"). The scheme signs no timestamp, so replays are refused by the
 * replay store alone, and the handler acts on the appointment as Acuity's API shows it now,
 * never on the action a (possibly replayed) notification names.
 */
export function verifyAcuitySignature(header: string | undefined, body: string, apiKey: Buffer): string {
  if (!header) throw new BookingSignatureError('Missing X-Acuity-Signature header');
  const given = header.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(given)) {
    throw new BookingSignatureError('The X-Acuity-Signature header must be a base64 HMAC-SHA256');
  }
  const expected = createHmac('sha256', apiKey).update(body).digest();
  if (!equalInConstantTime(expected, Buffer.from(given, 'base64'))) {
    throw new BookingSignatureError('The signature does not match');
  }
  return given;
}

export function signAsAcuity(body: string, apiKey: Buffer): string {
  return createHmac('sha256', apiKey).update(body).digest('base64');
}
