import { digestEnvSchema, parseEnv } from '../../functions/config/env';
import { makeFollowUpDigestHandler } from '../../functions/lambdas/follow-up-digest/handler';
import { followUpDigestDeps } from '../../functions/lambdas/follow-up-digest/wiring';
import { validLead } from '../support/capture-harness';
import { localStackForTest, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/** The scheduled digest, the real handler on the local stack's table and the local SES. */

jest.setTimeout(120_000);

let stack: Awaited<ReturnType<typeof localStackForTest>>;
beforeAll(async () => {
  stack = await localStackForTest();
});
afterAll(() => stack.stop());

const digest = () =>
  makeFollowUpDigestHandler(
    followUpDigestDeps(parseEnv(digestEnvSchema, stack.env), { clock: stack.clock, identityKey: stack.identityKey }),
  )({}, undefined as never);
const digestsSent = async () =>
  (await outbox('frontdesk@example.com')).filter((mail) => mail.subject.startsWith('Follow-up digest'));

describe('daily follow-up digest', () => {
  it('sends nothing on a day with no open task', async () => {
    const before = (await digestsSent()).length;
    await postLead(stack.base, validLead(uniqueEmail('quiet'), { preferredContact: 'email' }));
    expect(await digest()).toMatchObject({ openTasks: 0, sent: false });
    expect((await digestsSent()).length).toBe(before);
  });

  it('emails staff the counts and a console link, and nothing about any lead', async () => {
    const emails = [uniqueEmail('ring'), uniqueEmail('text')];
    await postLead(stack.base, validLead(emails[0]!, { preferredContact: 'phone' }));
    await postLead(stack.base, validLead(emails[1]!, { preferredContact: 'text' }));
    const before = (await digestsSent()).length;

    expect(await digest()).toMatchObject({
      openTasks: 2,
      byTask: { contact: 2, reply: 0, 'hot-lead': 0 },
      byOwner: { unowned: 2 },
      sent: true,
    });
    const sent = (await digestsSent()).slice(before);
    expect(sent.map((mail) => mail.subject)).toEqual(['Follow-up digest: 2 open tasks']);
    const text = sent[0]!.body.text ?? '';
    expect(text).toContain('Call or text back: 2');
    expect(text).toContain(`${stack.env.SITE_URL}/console/#/leads`);
    for (const email of emails) expect(`${sent[0]!.subject}\n${text}`).not.toContain(email);
    expect(text).not.toContain('Whitfield');
    expect(text).not.toContain('555-0199');
  });
});
