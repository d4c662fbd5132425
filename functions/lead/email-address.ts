import { createHash } from 'node:crypto';
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
 * so a second submission updates it instead of creating another. The id, not the address,
 * is what logs and metrics use.
 */
export function leadIdFor(normalisedEmail: string): string {
  return createHash('sha256').update(`lead:${normalisedEmail}`).digest('base64url').slice(0, 26);
}

/** Hash kept for suppression, including after erasure, so an erased person is never emailed again. */
export function suppressionHashFor(normalisedEmail: string): string {
  return createHash('sha256').update(`suppress:${normalisedEmail}`).digest('base64url');
}
