import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
  WebhookSignatureError,
} from '../../functions/http/webhook-signature';

const key = randomBytes(32);
const body = JSON.stringify({ email: 'booked.visitor@example.com' });
// A whole second, so the signed timestamp (unix seconds) is exactly this instant.
const signedAt = Date.parse('2026-12-01T15:00:00Z');
const header = signWebhook(body, key, signedAt);
const [timestampPart, signaturePart] = header.split(',') as [string, string];
const MINUTE = 60_000;

/** The error verify throws, or undefined when it accepts. */
function refusal(signature: string | undefined, payload = body, nowMs = signedAt, verifyKey = key): unknown {
  try {
    verifyWebhookSignature(signature, payload, verifyKey, nowMs);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('booked webhook signatures', () => {
  it('are sent in the x-signature header as t=<unix seconds>,v1=<hex HMAC>', () => {
    expect(SIGNATURE_HEADER).toBe('x-signature');
    expect(header).toMatch(/^t=1796137200,v1=[0-9a-f]{64}$/);
  });

  it('accept a body signed with the shared key, just now or within five minutes either way', () => {
    expect(refusal(header)).toBeUndefined();
    expect(refusal(header, body, signedAt + 4 * MINUTE)).toBeUndefined();
    expect(refusal(header, body, signedAt + 5 * MINUTE)).toBeUndefined();
    expect(refusal(header, body, signedAt - 4 * MINUTE)).toBeUndefined();
    // Spaces after the comma, as some senders write it.
    expect(refusal(`${timestampPart}, ${signaturePart}`)).toBeUndefined();
  });

  it('refuse a signature made with another key', () => {
    expect(refusal(signWebhook(body, randomBytes(32), signedAt))).toBeInstanceOf(WebhookSignatureError);
    expect(refusal(header, body, signedAt, randomBytes(32))).toBeInstanceOf(WebhookSignatureError);
  });

  it.each([
    ['another email address', JSON.stringify({ email: 'someone.else@example.com' })],
    ['a lead id added', JSON.stringify({ email: 'booked.visitor@example.com', leadId: 'AAAAAAAAAAAAAAAAAAAAAAAAAA' })],
    ['one trailing space', `${body} `],
    ['a trailing newline', `${body}\n`],
    ['nothing at all', ''],
  ])('refuse the signature of one body on a body with %s', (_label, altered) => {
    const error = refusal(header, altered);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).toMatch(/does not match/);
  });

  it.each([
    ['one second earlier', -1],
    ['one second later', 1],
    ['a minute earlier', -60],
  ])('refuse a signature whose timestamp was changed to %s', (_label, shift) => {
    const altered = `t=${Number(timestampPart.slice(2)) + shift},${signaturePart}`;
    // Checked at the altered time itself, so only the signature can be what refuses it.
    const error = refusal(altered, body, signedAt + shift * 1000);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).toMatch(/does not match/);
  });

  it.each([
    ['five minutes and a second old', 5 * MINUTE + 1000],
    ['an hour old', 60 * MINUTE],
    ['a day old', 24 * 60 * MINUTE],
    ['six minutes in the future', -6 * MINUTE],
  ])('refuse a correct signature that is %s, so a captured request cannot be replayed', (_label, age) => {
    const error = refusal(header, body, signedAt + age);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).toMatch(/5 minutes/);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not key=value pairs', 'garbage'],
    ['only a timestamp', timestampPart],
    ['only a signature', signaturePart],
    ['a timestamp that is not a number', `t=soon,${signaturePart}`],
    ['a timestamp in milliseconds', `t=${signedAt},${signaturePart}`],
    ['a signature one character short', `${timestampPart},${signaturePart.slice(0, -1)}`],
    ['a signature in upper case', `${timestampPart},${signaturePart.toUpperCase()}`],
    ['a signature in base64', `${timestampPart},v1=${Buffer.from(signaturePart.slice(3), 'hex').toString('base64')}`],
    ['an unknown scheme', `${timestampPart},v0=${signaturePart.slice(3)}`],
    ['a bearer token', `Bearer ${signaturePart.slice(3)}`],
  ])('refuse a header that is %s', (_label, value) => {
    expect(refusal(value)).toBeInstanceOf(WebhookSignatureError);
  });

  it('refuse any single-character change to the header, always with a WebhookSignatureError', () => {
    fc.assert(
      fc.property(fc.nat(header.length - 1), fc.constantFrom(...'0123456789abcdefAF,=tv '), (index, replacement) => {
        const altered = header.slice(0, index) + replacement + header.slice(index + 1);
        if (altered === header) return true;
        return refusal(altered) instanceof WebhookSignatureError;
      }),
    );
  });
});
