import { createHmac, timingSafeEqual } from 'node:crypto';

/** `u1`: the lead only (capture emails, and step emails sent before u2). `u2`: also the email. */
const LEAD_ONLY = 'u1';
const WITH_EMAIL = 'u2';
const LEAD_ID = /^[A-Za-z0-9_-]{10,64}$/;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor() {
    super('This unsubscribe link is not valid. Please use the link from your most recent email.');
  }
}

/** The sequence email a link came from, so the unsubscribe is counted on that email's step. */
export interface UnsubscribedFrom {
  sequenceId: string;
  stepId: string;
  variant: string;
}

export interface UnsubscribeLink {
  leadId: string;
  from?: UnsubscribedFrom;
}

function mac(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(`unsubscribe:${payload}`).digest('base64url');
}

/**
 * Unsubscribe tokens name the lead by its opaque id (never the address) and, for a sequence
 * email, which email it was; they are signed with HMAC-SHA256, so none can be forged or
 * altered to unsubscribe someone else or to credit another email.
 */
export function signUnsubscribeToken(leadId: string, key: Buffer, from?: UnsubscribedFrom): string {
  if (!LEAD_ID.test(leadId)) throw new Error('Lead ids are url-safe and 10 to 64 characters');
  if (!from) return `${LEAD_ONLY}.${leadId}.${mac(`${LEAD_ONLY}:${leadId}`, key)}`;
  const ref = [from.sequenceId, from.stepId, from.variant];
  if (!ref.every((part) => ID.test(part))) throw new Error('Sequence, step and variant ids are lower-case slugs');
  const email = ref.join('~');
  return `${WITH_EMAIL}.${leadId}.${email}.${mac(`${WITH_EMAIL}:${leadId}:${email}`, key)}`;
}

export function verifyUnsubscribeToken(token: string, key: Buffer): UnsubscribeLink {
  const parts = typeof token === 'string' && token.length <= 300 ? token.split('.') : [];
  const [prefix, leadId] = parts;
  if (!leadId || !LEAD_ID.test(leadId)) throw new InvalidTokenError();
  if (prefix === LEAD_ONLY && parts.length === 3) {
    check(parts[2]!, mac(`${LEAD_ONLY}:${leadId}`, key));
    return { leadId };
  }
  if (prefix === WITH_EMAIL && parts.length === 4) {
    const email = parts[2]!;
    const [sequenceId, stepId, variant, ...rest] = email.split('~');
    if (rest.length > 0 || ![sequenceId, stepId, variant].every((part) => part !== undefined && ID.test(part))) {
      throw new InvalidTokenError();
    }
    check(parts[3]!, mac(`${WITH_EMAIL}:${leadId}:${email}`, key));
    return { leadId, from: { sequenceId: sequenceId!, stepId: stepId!, variant: variant! } };
  }
  throw new InvalidTokenError();
}

function check(signature: string, expectedSignature: string): void {
  const expected = Buffer.from(expectedSignature);
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTokenError();
}
