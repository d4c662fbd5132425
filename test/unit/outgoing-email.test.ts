import { formatMailbox } from '../../functions/adapters/ses-mailer';
import { assertSafeForHeaders, HeaderInjectionError, type OutgoingEmail } from '../../functions/mail/outgoing-email';

const email: OutgoingEmail = {
  to: ['a@example.com'],
  subject: 'Hello',
  html: '<p>x</p>',
  text: 'x',
  headers: [{ name: 'List-Unsubscribe', value: '<https://example.com/u/t>' }],
  tags: { kind: 'confirmation', lead: 'abc_DEF-123' },
};

describe('header safety', () => {
  it('lets a normal email through', () => {
    expect(() => assertSafeForHeaders(email)).not.toThrow();
  });

  it.each([
    ['subject', { ...email, subject: 'Hi\r\nBcc: x@example.com' }],
    ['recipient', { ...email, to: ['a@example.com\nBcc: x@example.com'] }],
    ['header value', { ...email, headers: [{ name: 'X', value: 'a\rb' }] }],
    ['header name', { ...email, headers: [{ name: 'X\nY', value: 'a' }] }],
    ['tag value', { ...email, tags: { kind: 'a b' } }],
    ['subject (C1 next line, U+0085)', { ...email, subject: 'Hi\u0085Bcc: x@example.com' }],
    ['subject (line separator, U+2028)', { ...email, subject: 'Hi\u2028there' }],
  ])('refuses a line break or bad character in the %s', (_label, bad) => {
    expect(() => assertSafeForHeaders(bad)).toThrow(HeaderInjectionError);
  });

  it('quotes the display name and encodes a non-ASCII one', () => {
    expect(formatMailbox('Tampa Bay "Plastic" Surgery', 'care@example.com')).toBe(
      '"Tampa Bay \\"Plastic\\" Surgery" <care@example.com>',
    );
    expect(formatMailbox('Clínica', 'care@example.com')).toBe('=?UTF-8?B?Q2zDrW5pY2E=?= <care@example.com>');
    expect(() => formatMailbox('A\r\nB', 'care@example.com')).toThrow();
  });
});
