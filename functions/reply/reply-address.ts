import { createHmac, timingSafeEqual } from 'node:crypto';

const LEAD_ID = /^[A-Za-z0-9_-]{10,40}$/;
/** The local part: `r+<leadId>.<signature>`, at most 2 + 40 + 1 + 16 = 59 characters (RFC 5321 allows 64). */
const LOCAL_PART = /^r\+([A-Za-z0-9_-]{10,40})\.([A-Za-z0-9_-]{16})$/;
const SIGNATURE_LENGTH = 16;

function signature(leadId: string, key: Buffer): string {
  // A purpose of its own, so a reply address can never be turned into an unsubscribe token.
  return createHmac('sha256', key).update(`reply:${leadId}`).digest('base64url').slice(0, SIGNATURE_LENGTH);
}

/**
 * The Reply-To of a sequence email: `r+<leadId>.<signature>@<receiving domain>`. It names the
 * lead by its opaque id (never the address) and is signed, so a reply can be matched to the
 * lead even from another address, and nobody can pause someone else's sequence by guessing.
 */
export function replyAddressFor(leadId: string, receivingDomain: string, key: Buffer): string {
  if (!LEAD_ID.test(leadId)) throw new Error('Lead ids are url-safe and 10 to 40 characters');
  if (!/^[a-z0-9.-]+$/i.test(receivingDomain)) throw new Error('The receiving domain must be a plain host name');
  return `r+${leadId}.${signature(leadId, key)}@${receivingDomain.toLowerCase()}`;
}

/** The lead a reply address names, if it is one of ours, on our receiving domain, with a valid signature. */
export function leadFromReplyAddress(address: string, receivingDomain: string, key: Buffer): string | undefined {
  if (typeof address !== 'string' || address.length > 254) return undefined;
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== receivingDomain.toLowerCase()) return undefined;
  const match = LOCAL_PART.exec(address.slice(0, at));
  if (!match) return undefined;
  const [, leadId, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(signature(leadId, key));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? leadId : undefined;
}

/** Looks like a reply address (any signature): used to tell "forged token" from "no token" in the logs. */
export function looksLikeReplyAddress(address: string): boolean {
  return /^r\+[^@]*@/i.test(address);
}
