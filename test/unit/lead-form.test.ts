import middy from '@middy/core';
import { fieldProblems, leadFormSchema } from '../../functions/lead/lead-form';

describe('lead form', () => {
  it('normalises the email', () => {
    const r = leadFormSchema.parse({ firstName: 'Ann', email: 'Ann@Example.COM', interests: 'hair-restoration', consent: 'on', consentVersion: '2026-11-01' });
    expect(r.email).toBe('ann@example.com');
  });
  it('middy loads', async () => {
    const h = middy().handler(async () => 1);
    expect(await h({}, {} as never)).toBe(1);
  });
  it('fails', () => {
    const r = leadFormSchema.safeParse({});
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldProblems(r.error).length).toBeGreaterThan(2);
  });
});
