import { personalDataIn, registerPersonalData } from '../support/personal-data';

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
});
