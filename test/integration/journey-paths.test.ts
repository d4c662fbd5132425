import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { validLead } from '../support/capture-harness';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

jest.setTimeout(180_000);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
const sequence = bundledEmails().sequences['exosome-aftercare']!;
const subjectsOf = (id: string) => sequence.steps.find((step) => step.id === id)!.variants.map((v) => v.subject);

beforeAll(async () => {
  stack = await localStackForTest();
});
afterAll(() => stack.stop());

/** The step each received email is, by its subject (confirmation left out). */
async function receivedSteps(email: string): Promise<string[]> {
  const mails = await outbox(email);
  return mails.flatMap((mail) => {
    const step = sequence.steps.find((candidate) => candidate.variants.some((v) => v.subject === mail.subject));
    return step ? [step.id] : [];
  });
}

describe('paths by interest on the local stack', () => {
  it('sends a hair-restoration-only lead and a Fraxel-only lead different, correct emails over 45 days', async () => {
    const hair = uniqueEmail('hair-only');
    const fraxel = uniqueEmail('fraxel-only');
    const joints = uniqueEmail('joints-only');
    expect((await postLead(stack.base, validLead(hair, { interests: ['hair-restoration'] }))).status).toBe(202);
    expect((await postLead(stack.base, validLead(fraxel, { interests: ['fraxel-aftercare'] }))).status).toBe(202);
    expect((await postLead(stack.base, validLead(joints, { interests: ['small-joint-injections'] }))).status).toBe(202);

    const result = await control(stack.base, '/__local/drip/advance', { duration: 'P45D' });
    expect(result.deadLetters).toBe(0);

    expect(await receivedSteps(hair)).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
    expect(await receivedSteps(fraxel)).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'laser-rf-aftercare',
      'what-exosomes-dont-replace',
      'meet-the-surgeon',
    ]);
    const jointMails = await outbox(joints);
    expect(await receivedSteps(joints)).toEqual(['welcome', 'exosomes-explained', 'small-joints', 'meet-the-surgeon']);
    const florida = jointMails.find((mail) => subjectsOf('small-joints').includes(mail.subject ?? ''));
    expect(florida?.body.text).toContain('Under a new Florida law');
    expect(jointMails.some((mail) => /Fraxel and RF microneedling/.test(mail.subject ?? ''))).toBe(false);
  });

  it('sends a lead with several topics each step of its path once, in the sequence order', async () => {
    const email = uniqueEmail('several');
    const topics = ['small-joint-injections', 'rf-microneedling-aftercare'];
    expect((await postLead(stack.base, validLead(email, { interests: topics }))).status).toBe(202);
    await control(stack.base, '/__local/drip/advance', { duration: 'P45D' });
    expect(await receivedSteps(email)).toEqual(pathFor(sequence.steps, topics).map((step) => step.id));
    expect(await receivedSteps(email)).toContain('small-joints');
    expect(await receivedSteps(email)).not.toContain('hair-restoration');
  });
});
