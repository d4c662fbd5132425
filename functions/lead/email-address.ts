import { createHash, createHmac } from 'node:crypto';
import { domainToASCII } from 'node:url';

export type EmailCheck = { ok: true; normalised: string } | { ok: false; reason: string };

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Checks and normalises an address the way a mailbox provider would see it.
 * Limits are RFC 5321's: local part 64, domain 253, whole path 254 octets.
 * The domain is lower-cased and converted to its ASCII (punycode) form; one trailing dot on
 * the domain is dropped; the local part is lower-cased because no mainstream provider treats
 * it as case-sensitive and a second lead for "Jane@" and "jane@" would be a worse outcome.
 * Plus-addressing is kept as typed: "jane+clinic@" is the address the person chose.
 */
export function checkEmailAddress(input: string): EmailCheck {
  const value = input.trim();
  if (value.length === 0) return { ok: false, reason: 'Enter your email address' };
  if (/\s/.test(value)) return { ok: false, reason: 'Enter an email address without spaces, like name@example.com' };
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return { ok: false, reason: 'Enter an email address like name@example.com' };
  const local = value.slice(0, at);
  let domain = value.slice(at + 1);
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (Buffer.byteLength(local, 'utf8') > 64)
    return { ok: false, reason: 'The part before @ can be at most 64 characters' };
  if (!LOCAL_PART.test(local)) return { ok: false, reason: 'The part before @ has characters an address cannot use' };
  const asciiDomain = domainToASCII(domain.toLowerCase());
  if (asciiDomain === '' || asciiDomain.length > 253)
    return { ok: false, reason: 'The part after @ is not a valid domain' };
  const labels = asciiDomain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^[0-9]+$/.test(labels.at(-1)!)) {
    return { ok: false, reason: 'The part after @ is not a valid domain' };
  }
  const normalised = `${local.toLowerCase()}@${asciiDomain}`;
  if (normalised.length > 254) return { ok: false, reason: 'An email address can be at most 254 characters' };
  return { ok: true, normalised };
}

/**
 * A stable, opaque id per person: the same normalised address always gives the same lead,
 * so a second submission updates it instead of creating another. The id, not the address, is
 * what logs, links, console URLs and metrics use, so it is keyed (HMAC-SHA256 with a secret
 * kept in Secrets Manager, `.data/identity.key` locally): without the key nobody can compute
 * the id of a guessed address and so confirm that the person is a lead.
 *
 * The HMAC is taken over the unkeyed digest the ids were before (not over the address), so an
 * old id maps to its new one without the address: the migration rekeys an erased person's
 * suppression entry, and a link or SES tag carrying an old id finds its lead, with no lookup.
 * Keyed ids are 32 characters, unkeyed ones 26 (hashes: 32 and 43), so the two never mix.
 */
export function leadIdFor(normalisedEmail: string, key: Buffer): string {
  return keyedLeadIdFrom(unkeyedLeadIdFor(normalisedEmail), key);
}

/** Kept for suppression, including after erasure, so an erased person is never emailed again. Keyed as lead ids are. */
export function suppressionHashFor(normalisedEmail: string, key: Buffer): string {
  return keyedSuppressionHashFrom(unkeyedSuppressionHashFor(normalisedEmail), key);
}

export const KEYED_ID_LENGTH = 32;
const UNKEYED_LEAD_ID_LENGTH = 26;
const UNKEYED_SUPPRESSION_HASH_LENGTH = 43;

/** The keyed lead id of a lead stored under an unkeyed one (see leadIdFor). */
export function keyedLeadIdFrom(unkeyedLeadId: string, key: Buffer): string {
  return createHmac('sha256', key).update(`lead-id:${unkeyedLeadId}`).digest('base64url').slice(0, KEYED_ID_LENGTH);
}

export function keyedSuppressionHashFrom(unkeyedHash: string, key: Buffer): string {
  return createHmac('sha256', key).update(`suppression:${unkeyedHash}`).digest('base64url').slice(0, KEYED_ID_LENGTH);
}

/** A lead id of the unkeyed kind (a stack deployed before keyed ids, or a link in an email it sent). */
export function isUnkeyedLeadId(leadId: string): boolean {
  return leadId.length === UNKEYED_LEAD_ID_LENGTH;
}

export function isUnkeyedSuppressionHash(hash: string): boolean {
  return hash.length === UNKEYED_SUPPRESSION_HASH_LENGTH;
}

/**
 * The unkeyed SHA-256 ids stacks deployed before keyed ids stored. Only the input of the keyed
 * ones and the way to find those old items: never stored, logged or sent anywhere new.
 */
export function unkeyedLeadIdFor(normalisedEmail: string): string {
  return createHash('sha256').update(`lead:${normalisedEmail}`).digest('base64url').slice(0, UNKEYED_LEAD_ID_LENGTH);
}

export function unkeyedSuppressionHashFor(normalisedEmail: string): string {
  return createHash('sha256').update(`suppress:${normalisedEmail}`).digest('base64url');
}

/** The address as ids are derived from it: normalised as the form does (an unparseable one only trimmed and lower-cased). */
export function normaliseForIds(address: string): string {
  const check = checkEmailAddress(address);
  return check.ok ? check.normalised : address.trim().toLowerCase();
}
