import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'u1';
const LEAD_ID = /^[A-Za-z0-9_-]{10,64}$/;

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor() {
    super('This unsubscribe link is not valid. Please use the link from your most recent email.');
  }
}

function mac(leadId: string, key: Buffer): string {
  return createHmac('sha256', key).update(`unsubscribe:${PREFIX}:${leadId}`).digest('base64url');
}

/**
 * Unsubscribe tokens name the lead by its opaque id (never the address) and are signed with
 * HMAC-SHA256, so one cannot be forged or altered to unsubscribe someone else.
 */
export function signUnsubscribeToken(leadId: string, key: Buffer): string {
  if (!LEAD_ID.test(leadId)) throw new Error('Lead ids are url-safe and 10 to 64 characters');
  return `${PREFIX}.${leadId}.${mac(leadId, key)}`;
}

export function verifyUnsubscribeToken(token: string, key: Buffer): string {
  const parts = typeof token === 'string' && token.length <= 200 ? token.split('.') : [];
  const [prefix, leadId, signature] = parts;
  if (parts.length !== 3 || prefix !== PREFIX || !leadId || !signature || !LEAD_ID.test(leadId)) {
    throw new InvalidTokenError();
  }
  const expected = Buffer.from(mac(leadId, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTokenError();
  return leadId;
}
