import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  InvalidTokenError,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../functions/suppression/unsubscribe-token';

const key = randomBytes(32);
const leadId = 'Zx3v9Q0aBcDeFgHiJkLmNoPqRs';

describe('unsubscribe tokens', () => {
  const from = { sequenceId: 'exosome-aftercare', stepId: 'why-pbme', variant: 'b' };

  it('round-trips to the lead id, and to the email it came from when it names one', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(leadId, key), key)).toEqual({ leadId });
    expect(verifyUnsubscribeToken(signUnsubscribeToken(leadId, key, from), key)).toEqual({ leadId, from });
  });

  it('still accepts the lead-only tokens of emails already in inboxes', () => {
    const before = `u1.${leadId}.${createHmac('sha256', key).update(`unsubscribe:u1:${leadId}`).digest('base64url')}`;
    expect(verifyUnsubscribeToken(before, key)).toEqual({ leadId });
  });

  it('refuses a token whose email was swapped for another (it would credit the wrong step)', () => {
    const [prefix, id, , signature] = signUnsubscribeToken(leadId, key, from).split('.');
    expect(() => verifyUnsubscribeToken(`${prefix}.${id}.exosome-aftercare~welcome~b.${signature}`, key)).toThrow(
      InvalidTokenError,
    );
  });

  it('carries no email address', () => {
    expect(signUnsubscribeToken(leadId, key)).not.toContain('@');
  });

  it('refuses a token signed with another key', () => {
    const forged = signUnsubscribeToken(leadId, randomBytes(32));
    expect(() => verifyUnsubscribeToken(forged, key)).toThrow(InvalidTokenError);
  });

  it('refuses a token whose lead id was swapped for another', () => {
    const [prefix, , signature] = signUnsubscribeToken(leadId, key).split('.');
    expect(() => verifyUnsubscribeToken(`${prefix}.OtherLeadId0123456789abcd.${signature}`, key)).toThrow(
      InvalidTokenError,
    );
  });

  it.each([
    ['lead-only', undefined],
    ['with its email', from],
  ])('refuses any single-character alteration of a %s token', (_label, source) => {
    const token = signUnsubscribeToken(leadId, key, source);
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...'ABCxyz019-_.~'), (index, replacement) => {
        const altered = token.slice(0, index) + replacement + token.slice(index + 1);
        if (altered === token) return true;
        try {
          verifyUnsubscribeToken(altered, key);
          return false;
        } catch (error) {
          return error instanceof InvalidTokenError;
        }
      }),
    );
  });

  it('refuses arbitrary strings with InvalidTokenError, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (garbage) => {
        try {
          verifyUnsubscribeToken(garbage, key);
          return false;
        } catch (error) {
          return error instanceof InvalidTokenError;
        }
      }),
    );
  });
});
