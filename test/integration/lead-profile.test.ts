import type { LeadTimeline } from '../../functions/admin/contract';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/**
 * Anyone can post the form with someone else's address. What they type is kept as their
 * submission, but it never rewrites the profile of a lead that exists: it may only fill what
 * is still empty, and the lead's emails keep greeting them by their own name.
 */

jest.setTimeout(120_000);

let admin: Awaited<ReturnType<typeof adminStack>>;
beforeAll(async () => {
  admin = await adminStack();
});
afterAll(() => admin.stack.stop());

/** A form post as it reaches the API through CloudFront from a given viewer address. */
async function postFrom(viewer: string, body: Record<string, unknown>) {
  const response = await fetch(`${admin.stack.base}/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cloudfront-viewer-address': `${viewer}:443` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
}

const timelineOf = async (email: string) =>
  (await admin.asMarketing<LeadTimeline>('GET', `/leads/${testLeadId(email)}`)).body;

describe('a second submission for an address that is already a lead', () => {
  it('keeps the first name and phone in the next email and the console, and both submissions on the timeline', async () => {
    const email = uniqueEmail('profile');
    await postFrom('198.51.100.20', validLead(email));
    const first = (await timelineOf(email)).lead;

    await postFrom(
      '203.0.113.99',
      validLead(email, {
        firstName: 'Zebulonia',
        lastName: 'Quaxworth',
        phone: '(727) 555-0123',
        interests: ['hair-restoration'],
        timeZone: 'Europe/London',
      }),
    );
    await control(admin.stack.base, '/__local/drip/tick'); // the welcome email goes out

    const timeline = await timelineOf(email);
    expect(timeline.lead).toMatchObject({
      firstName: first.firstName,
      lastName: first.lastName,
      phone: first.phone,
      interests: first.interests,
      timeZone: first.timeZone,
    });
    expect(timeline.events.filter((event) => event.kind === 'submission')).toHaveLength(2);
    const mails = await outbox(email);
    const welcome = mails.find((mail) => /welcome/i.test(mail.subject));
    expect(welcome?.body.text).toContain(`Hi ${first.firstName},`);
    for (const mail of mails) {
      expect(`${mail.subject}\n${mail.body.text}`).not.toMatch(/Zebulonia|Quaxworth|555-0123/);
    }
  });

  it('fills in what the lead left empty, and nothing else', async () => {
    const email = uniqueEmail('profile-fill');
    const { lastName: _lastName, phone: _phone, ...withoutLastNameOrPhone } = validLead(email);
    await postFrom('198.51.100.21', withoutLastNameOrPhone);

    await postFrom(
      '203.0.113.98',
      validLead(email, { firstName: 'Zebulonia', lastName: 'Quaxworth', phone: '(727) 555-0123' }),
    );

    expect((await timelineOf(email)).lead).toMatchObject({
      firstName: withoutLastNameOrPhone.firstName,
      lastName: 'Quaxworth',
      phone: expect.stringContaining('727'),
    });
  });
});
