import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/**
 * The form is public: whoever posts it with an address makes the pipeline write to that
 * address. So it never writes to someone who unsubscribed or was erased, at most once a day to
 * anyone, and tells staff about the same lead at most once an hour.
 */

jest.setTimeout(240_000);

const STAFF = 'frontdesk@example.com';
let admin: Awaited<ReturnType<typeof adminStack>>;
beforeAll(async () => {
  admin = await adminStack();
});
afterAll(() => admin.stack.stop());

const post = async (email: string, extra: Record<string, unknown> = {}) =>
  expect((await postLead(admin.stack.base, validLead(email, extra))).status).toBe(202);
const staffMailsAbout = async (email: string) =>
  (await outbox(STAFF)).filter((mail) => mail.body.text?.includes(email));

describe('emails the form sends', () => {
  it('sends nothing to an address that unsubscribed, when the form is posted with it again', async () => {
    const email = uniqueEmail('unsubscribed');
    await post(email);
    const [confirmation] = await outbox(email);
    const link = /(http:\/\/localhost:\d+\/u\/[\w.~-]+)/.exec(confirmation?.body.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect((await fetch(link!, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);

    await post(email);
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P2D' });

    expect(await outbox(email)).toHaveLength(1);
  });

  it('sends nothing to an address that was erased, when the form is posted with it again', async () => {
    const email = uniqueEmail('erased');
    await post(email);
    expect((await admin.asAdmin('DELETE', `/leads/${testLeadId(email)}`)).status).toBe(200);
    const before = (await outbox(email)).length;

    await post(email);
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P2D' });

    expect(await outbox(email)).toHaveLength(before);
  });

  it('sends one confirmation a day however often the form is posted, and tells staff at most once an hour', async () => {
    const email = uniqueEmail('flood');
    for (let submission = 0; submission < 50; submission++) await post(email, { message: `Question ${submission}` });

    const confirmations = (await outbox(email)).filter((mail) => /received/i.test(mail.subject));
    expect(confirmations).toHaveLength(1);
    expect(await staffMailsAbout(email)).toHaveLength(1);

    await control(admin.stack.base, '/__local/drip/advance', { duration: 'PT61M' });
    await post(email);
    const staff = await staffMailsAbout(email);
    expect(staff.map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^New lead/),
      expect.stringMatching(/^Returning lead/),
    ]);
    expect((await outbox(email)).filter((mail) => /received/i.test(mail.subject))).toHaveLength(1);

    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P1D' });
    await post(email);
    expect((await outbox(email)).filter((mail) => /received/i.test(mail.subject))).toHaveLength(2);
  });
});
