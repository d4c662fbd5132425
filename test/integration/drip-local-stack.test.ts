import { signWebhook } from '../../functions/http/webhook-signature';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { LOCAL_CONTROL_HEADER } from '../../local/request-guard';
import { validLead } from '../support/capture-harness';
import { recordingMailer, throttled } from '../support/fakes/doubles';
import { testLeadId } from '../support/identity';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

jest.setTimeout(120_000);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
const sequence = bundledEmails().sequences['exosome-aftercare']!;

beforeAll(async () => {
  stack = await localStackForTest();
});
afterAll(() => stack.stop());

const subjectsOf = async (email: string) => (await outbox(email)).map((mail) => mail.subject);
const stepSubjects = (index: number) => sequence.steps[index]!.variants.map((variant) => variant.subject);

function unsubscribeUrlOf(mail: { headers?: { name: string; value: string }[] }): string {
  const header = mail.headers?.find((candidate) => candidate.name === 'List-Unsubscribe');
  if (!header) throw new Error('no List-Unsubscribe header');
  return header.value.slice(1, -1);
}

describe('drip engine in the local stack', () => {
  it("sends the welcome on the next tick and the lead's whole path, in order and once each, over 35 fast-forwarded days", async () => {
    const email = uniqueEmail('journey');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);

    await control(stack.base, '/__local/drip/tick');
    const afterTick = await subjectsOf(email);
    expect(afterTick).toHaveLength(2); // confirmation + welcome
    expect(stepSubjects(0)).toContain(afterTick[1]);

    const result = await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });

    const subjects = await subjectsOf(email);
    const stepMails = subjects.slice(1);
    const path = pathFor(sequence.steps, validLead(email).interests);
    expect(stepMails).toHaveLength(path.length);
    stepMails.forEach((subject, index) => {
      expect(path[index]!.variants.map((variant) => variant.subject)).toContain(subject);
    });
    expect(result.deadLetters).toBe(0);
    const status = await (
      await fetch(`${stack.base}/__local/status`, { headers: { [LOCAL_CONTROL_HEADER]: '1' } })
    ).json();
    expect(status.counters.StepSent).toBeGreaterThanOrEqual(path.length);
  });

  it('unsubscribes with one click: GET only asks, POST stops the sequence, and the link cannot be altered', async () => {
    const email = uniqueEmail('leaver');
    await postLead(stack.base, validLead(email));
    await control(stack.base, '/__local/drip/tick');
    const [, welcome] = await outbox(email);
    const url = unsubscribeUrlOf(welcome!).replace('http://localhost:3000', stack.base);
    expect(url).toMatch(/\/u\/u2\.[\w-]+\.exosome-aftercare~welcome~[a-z]\.[\w-]+$/);
    expect(welcome!.body.html).toContain(unsubscribeUrlOf(welcome!));

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form method="post">/);
    await control(stack.base, '/__local/drip/advance', { duration: 'P4D' });
    expect((await outbox(email)).length).toBe(3); // GET changed nothing: the next step still went out

    const oneClick = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
    expect((await oneClick()).status).toBe(200);
    expect((await oneClick()).status).toBe(200);
    await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
    expect((await outbox(email)).length).toBe(3);

    const tampered = url.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    const refused = await fetch(tampered, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/not valid/);
  });

  it('stops the sequence after a hard bounce or a complaint', async () => {
    for (const kind of ['bounce', 'complaint']) {
      const email = uniqueEmail(kind);
      await postLead(stack.base, validLead(email));
      await control(stack.base, '/__local/drip/tick');

      await control(stack.base, `/__local/ses/${kind}`, { email });
      await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });

      expect(await outbox(email)).toHaveLength(2); // confirmation and welcome only
    }
  });

  it('stops the sequence when a signed booked webhook arrives, and refuses an unsigned one', async () => {
    const email = uniqueEmail('booker');
    await postLead(stack.base, validLead(email));
    await control(stack.base, '/__local/drip/tick');
    const body = JSON.stringify({ email });

    const unsigned = await fetch(`${stack.base}/webhooks/booked`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const signed = await fetch(`${stack.base}/webhooks/booked`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signWebhook(body, await stack.webhookKey(), stack.clock.now().getTime()),
      },
      body,
    });

    expect(unsigned.status).toBe(401);
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ status: 'booked' });
    await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
    expect(await outbox(email)).toHaveLength(2);
  });

  it('sends a confirmation SES throttled through a whole delivery when the stream delivers it again', async () => {
    // Four throttled attempts: all of one delivery's (the paced retries inside it).
    let throttledAttempts = 0;
    const { mailer, sent } = recordingMailer((email) =>
      email.tags.kind === 'confirmation' && throttledAttempts++ < 4 ? throttled() : undefined,
    );
    const local = await localStackForTest({}, { mailer });
    try {
      const email = uniqueEmail('retry');
      expect((await postLead(local.base, validLead(email))).status).toBe(202);

      expect(throttledAttempts).toBeGreaterThanOrEqual(5);
      expect(sent.map((mail) => mail.tags.kind).sort()).toEqual(['confirmation', 'staff-notification']);
      const { DynamoDBDocumentClient, QueryCommand } = await import('@aws-sdk/lib-dynamodb');
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.urls.dynamodb }));
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: local.env.TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :email)',
          ExpressionAttributeValues: { ':pk': `LEAD#${testLeadId(email)}`, ':email': 'EMAIL#' },
        }),
      );
      // The first delivery gave it back (one attempt used); the second sent it.
      expect(Items.find((item) => item.kind === 'confirmation')).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await local.stop();
    }
  });
});

describe('pages behind emailed links', () => {
  it('send no referrer and a strict content security policy, since their URL carries a token', async () => {
    const local = await localStackForTest();
    try {
      const email = uniqueEmail('headers');
      await postLead(local.base, validLead(email));
      const [confirmation] = await outbox(email);
      const url = unsubscribeUrlOf(confirmation!);

      const page = await fetch(url);

      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await local.stop();
    }
  });
});
