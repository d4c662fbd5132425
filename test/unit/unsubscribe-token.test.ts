import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  InvalidTokenError,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../functions/suppression/unsubscribe-token';

const key = randomBytes(32);
const leadId = 'Zx3v9Q0aBcDeFgHiJkLmNoPqRs';

describe('unsubscribe tokens', () => {
  it('round-trips to the lead id', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(leadId, key), key)).toBe(leadId);
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

  it('refuses any single-character alteration', () => {
    const token = signUnsubscribeToken(leadId, key);
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...'ABCxyz019-_.'), (index, replacement) => {
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
