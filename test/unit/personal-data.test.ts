import { createHash } from 'node:crypto';
import { personalDataIn, registerPersonalData, registerTestAddress } from '../support/personal-data';

/** The log scanner that every test file runs through (test/support/log-privacy.ts) must catch what it claims to. */
describe('the personal-data scanner', () => {
  it('finds addresses, phones, tokens, bearer tokens and signed URLs, line by line', () => {
    const lines = [
      '{"message":"x","to":"someone@example.com"}',
      '{"phone":"+18135550199"}',
      '{"link":"https://api.example.com/u/u1.abcdefghijkl.abcdefghijklmnopqrstuvwxyz"}',
      '{"authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmNkZWYifQ.c2lnbmF0dXJlLXZhbHVl"}',
      '{"url":"https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc"}',
      '{"message":"Lead captured","leadId":"-pfmoKer9r099E9rZCBJ1x","isNewLead":true}',
    ];
    const found = personalDataIn(lines.join('\n'));
    expect(found.map((line) => line.split(' in: ')[0])).toEqual([
      'an email address',
      'a phone number',
      'an unsubscribe token or link',
      'a bearer token (JWT)',
      'a signed URL',
    ]);
  });

  it('finds the names tests give their leads once registered, and ignores values too short to be specific', () => {
    expect(personalDataIn('{"who":"Averyx Quinnell"}')).toEqual([]);
    registerPersonalData('Averyx', 'Quinnell', 'Al', undefined);
    expect(personalDataIn('{"who":"Averyx Quinnell"}')).toHaveLength(1);
    expect(personalDataIn('{"message":"Also fine"}')).toEqual([]);
  });

  it('finds the unkeyed SHA-256 lead id or suppression hash of a test address, which anyone could compute from the address', () => {
    const address = 'Hashed.Person@Example.com';
    const lead = createHash('sha256').update('lead:hashed.person@example.com').digest('base64url').slice(0, 26);
    const suppression = createHash('sha256').update('suppress:hashed.person@example.com').digest('base64url');
    const lines = [`{"message":"Lead captured","leadId":"${lead}"}`, `{"pk":"SUPPRESSION#${suppression}"}`];
    expect(personalDataIn(lines.join('\n'))).toEqual([]);
    registerTestAddress(address);
    expect(personalDataIn(lines.join('\n')).map((line) => line.split(' in: ')[0])).toEqual([
      'an unkeyed hash of a test address',
      'an unkeyed hash of a test address',
    ]);
    // A keyed id of the same address (an HMAC nobody can compute without the key) is fine.
    expect(personalDataIn('{"leadId":"q3Zr8v0Kx2bY7nT1mWc4dLp9sHj6fAeU"}')).toEqual([]);
  });
});
