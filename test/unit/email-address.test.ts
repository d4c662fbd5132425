import fc from 'fast-check';
import { checkEmailAddress, leadIdFor } from '../../functions/lead/email-address';

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
        return leadIdFor(a.normalised) === leadIdFor(b.normalised);
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
