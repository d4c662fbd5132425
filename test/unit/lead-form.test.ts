import { fieldProblems, isHoneypotFilled, leadFormSchema } from '../../functions/lead/lead-form';

const valid = {
  firstName: '  Ann ',
  email: 'Ann@Example.COM',
  interests: 'hair-restoration',
  consent: 'on',
  consentVersion: '2026-11-01',
};

describe('lead form schema', () => {
  it('accepts a minimal form post and normalises it', () => {
    const form = leadFormSchema.parse(valid);

    expect(form).toMatchObject({
      firstName: 'Ann',
      email: 'ann@example.com',
      interests: ['hair-restoration'],
      consent: true,
      preferredContact: 'email',
    });
  });

  it('turns empty optional fields into absent ones', () => {
    const form = leadFormSchema.parse({ ...valid, lastName: '', phone: ' ', message: '', utm_source: '' });

    expect(form.lastName).toBeUndefined();
    expect(form.phone).toBeUndefined();
    expect(form.message).toBeUndefined();
    expect(form.utm_source).toBeUndefined();
  });

  it('removes duplicate interests', () => {
    expect(leadFormSchema.parse({ ...valid, interests: ['hair-restoration', 'hair-restoration'] }).interests).toEqual([
      'hair-restoration',
    ]);
  });

  it('requires consent to be given', () => {
    const result = leadFormSchema.safeParse({ ...valid, consent: 'off' });

    expect(result.success).toBe(false);
    if (!result.success)
      expect(fieldProblems(result.error)).toEqual([{ field: 'consent', message: expect.stringMatching(/agree/) }]);
  });

  it('refuses a consent wording version that was never shown', () => {
    const result = leadFormSchema.safeParse({ ...valid, consentVersion: '1999-01-01' });

    expect(result.success).toBe(false);
  });

  it('asks for a phone number when the visitor wants a call or a text', () => {
    const result = leadFormSchema.safeParse({ ...valid, preferredContact: 'phone' });

    expect(result.success).toBe(false);
    if (!result.success) expect(fieldProblems(result.error).map((problem) => problem.field)).toEqual(['phone']);
  });

  it('refuses topics that are not on the form', () => {
    const result = leadFormSchema.safeParse({ ...valid, interests: ['botox'] });

    expect(result.success).toBe(false);
    if (!result.success)
      expect(fieldProblems(result.error)[0]).toEqual({ field: 'interests', message: 'Choose from the listed topics' });
  });

  it('refuses line breaks in single-line fields but keeps them in the message', () => {
    expect(leadFormSchema.safeParse({ ...valid, lastName: 'A\nB' }).success).toBe(false);
    expect(leadFormSchema.safeParse({ ...valid, utm_campaign: 'x\ry' }).success).toBe(false);
    expect(leadFormSchema.parse({ ...valid, message: 'line one\nline two' }).message).toBe('line one\nline two');
  });

  it('bounds every string field', () => {
    const long = 'x'.repeat(1001);
    const fields = [
      'firstName',
      'lastName',
      'phone',
      'message',
      'timeZone',
      'utm_source',
      'utm_term',
      'landingPath',
      'referrer',
      'website',
    ];
    for (const field of fields) {
      expect(leadFormSchema.safeParse({ ...valid, [field]: long }).success).toBe(false);
    }
  });

  it('takes IANA time zones only, on every Node: an offset is a zone to Node 24 but has no daylight saving', () => {
    expect(leadFormSchema.safeParse({ ...valid, timeZone: 'Asia/Kolkata' }).success).toBe(true);
    expect(leadFormSchema.safeParse({ ...valid, timeZone: 'Etc/GMT+5' }).success).toBe(true);
    for (const timeZone of ['+05:30', '-0800', 'Mars/Olympus_Mons']) {
      expect({ timeZone, accepted: leadFormSchema.safeParse({ ...valid, timeZone }).success }).toEqual({
        timeZone,
        accepted: false,
      });
    }
  });

  it('reports a non-object body as a problem with the form as a whole', () => {
    const result = leadFormSchema.safeParse('hello');

    expect(result.success).toBe(false);
    if (!result.success) expect(fieldProblems(result.error)[0]!.field).toBe('form');
  });

  it('treats any text in the honeypot as a bot, and whitespace as a person', () => {
    expect(isHoneypotFilled(leadFormSchema.parse({ ...valid, website: 'x' }))).toBe(true);
    expect(isHoneypotFilled(leadFormSchema.parse({ ...valid, website: '  ' }))).toBe(false);
    expect(isHoneypotFilled(leadFormSchema.parse(valid))).toBe(false);
  });
});
