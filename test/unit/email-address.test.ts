import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  checkEmailAddress,
  isUnkeyedLeadId,
  keyedLeadIdFrom,
  keyedSuppressionHashFrom,
  leadIdFor,
  suppressionHashFor,
} from '../../functions/lead/email-address';

const KEY = randomBytes(32);

const normalised = (input: string) => {
  const result = checkEmailAddress(input);
  return result.ok ? result.normalised : `refused: ${result.reason}`;
};

describe('email addresses', () => {
  it.each([
    ['Jane.Doe@Example.COM', 'jane.doe@example.com'],
    ['jane+clinic@example.com', 'jane+clinic@example.com'],
    ['jane@example.com.', 'jane@example.com'],
    ['  jane@example.com  ', 'jane@example.com'],
    ['jane@bücher.de', 'jane@xn--bcher-kva.de'],
    ['jane@xn--bcher-kva.de', 'jane@xn--bcher-kva.de'],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalised(input)).toBe(expected);
  });

  it.each([
    ['no at sign', 'jane.example.com'],
    ['two dots in a row', 'jane..doe@example.com'],
    ['a space', 'jane doe@example.com'],
    ['no top-level domain', 'jane@localhost'],
    ['a numeric top-level domain', 'jane@10.0.0.1'],
    ['a quoted local part', '"jane"@example.com'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
    ['a domain label over 63 characters', `jane@${'a'.repeat(64)}.com`],
    ['a path over 254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`],
    ['a trailing hyphen in a label', 'jane@example-.com'],
  ])('refuses an address with %s, saying what is wrong', (_label, input) => {
    const result = checkEmailAddress(input);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  });

  it('accepts the longest addresses RFC 5321 allows', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(`${local}@${domain}`.length).toBe(254);

    expect(normalised(`${local}@${domain}`)).toBe(`${local}@${domain}`);
  });

  it('gives one lead id per person whatever the case or surrounding spaces', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const a = checkEmailAddress(address);
        const b = checkEmailAddress(`  ${address.toUpperCase()} `);
        if (!a.ok || !b.ok) return a.ok === b.ok;
        return leadIdFor(a.normalised, KEY) === leadIdFor(b.normalised, KEY);
      }),
    );
  });

  it('is idempotent: normalising a normalised address changes nothing', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const first = checkEmailAddress(address);
        if (!first.ok) return true;
        const second = checkEmailAddress(first.normalised);
        return second.ok && second.normalised === first.normalised;
      }),
    );
  });
});

/** Defect 7: an id in a log, a link or a URL must not confirm a guessed address. */
describe('lead ids and suppression hashes', () => {
  const address = 'jane.doe@example.com';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

  it('are not a plain hash of the address: nobody without the key can compute them', () => {
    const id = leadIdFor(address, KEY);
    const hash = suppressionHashFor(address, KEY);
    for (const unkeyed of [sha256(`lead:${address}`), sha256(`suppress:${address}`), sha256(address)]) {
      expect(unkeyed).not.toContain(id);
      expect(unkeyed).not.toContain(hash);
    }
    expect(leadIdFor(address, randomBytes(32))).not.toBe(id);
    expect(suppressionHashFor(address, randomBytes(32))).not.toBe(hash);
    expect(id).not.toBe(hash);
  });

  it('stay the same for one address and key, and differ between addresses', () => {
    expect(leadIdFor(address, KEY)).toBe(leadIdFor(address, Buffer.from(KEY)));
    expect(leadIdFor('john.doe@example.com', KEY)).not.toBe(leadIdFor(address, KEY));
    expect(leadIdFor(address, KEY)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('follow from the unkeyed ones a stack deployed before stored, so old ids and erased entries move without the address', () => {
    const unkeyedLead = sha256(`lead:${address}`).slice(0, 26);
    expect(isUnkeyedLeadId(unkeyedLead)).toBe(true);
    expect(isUnkeyedLeadId(leadIdFor(address, KEY))).toBe(false);
    expect(keyedLeadIdFrom(unkeyedLead, KEY)).toBe(leadIdFor(address, KEY));
    expect(keyedSuppressionHashFrom(sha256(`suppress:${address}`), KEY)).toBe(suppressionHashFor(address, KEY));
  });
});
