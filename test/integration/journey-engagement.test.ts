import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/dynamodb/keys';
import type { LeadTimeline } from '../../functions/admin/contract';
import { signWebhook } from '../../functions/http/webhook-signature';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { outbox, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(180_000);

let admin: Awaited<ReturnType<typeof adminStack>>;
let stack: Awaited<ReturnType<typeof adminStack>>['stack'];
let doc: DynamoDBDocumentClient;
const ID = 'exosome-aftercare';
const sequence = bundledEmails().sequences[ID]!;
const nudge = sequence.steps.find((step) => step.id === 'booking-nudge')!;

beforeAll(async () => {
  admin = await adminStack();
  stack = admin.stack;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
});
afterAll(() => stack.stop());

const enrolmentOf = async (email: string) =>
  (
    await doc.send(
      new GetCommand({
        TableName: stack.env.TABLE_NAME!,
        Key: keys.enrolment(testLeadId(email), ID),
        ConsistentRead: true,
      }),
    )
  ).Item;

const hotLeadAlerts = async (email: string) =>
  (await outbox()).filter((mail) => mail.subject?.startsWith('Hot lead') && (mail.body.text ?? '').includes(email));

describe('the booking-click branch on the local stack', () => {
  it('alerts staff and sends the booking nudge once, 48 hours after a booking click without a booking', async () => {
    const email = uniqueEmail('hot');
    expect((await postLead(stack.base, validLead(email, { interests: ['hair-restoration'] }))).status).toBe(202);
    await control(stack.base, '/__local/drip/tick');
    await control(stack.base, '/__local/ses/booking-click', { email });
    expect((await enrolmentOf(email))?.bookingClickAt).toEqual(expect.any(String));

    await control(stack.base, '/__local/drip/advance', { duration: 'PT47H' });
    expect(await hotLeadAlerts(email)).toHaveLength(0);
    await control(stack.base, '/__local/drip/advance', { duration: 'PT2H' });

    expect(await hotLeadAlerts(email)).toHaveLength(1);
    expect((await enrolmentOf(email))?.hotLeadAt).toEqual(expect.any(String));
    // The console's lead list and timeline flag the lead.
    const timeline = await admin.asMarketing<LeadTimeline>('GET', `/leads/${testLeadId(email)}`);
    expect(timeline.body.lead.hotLeadAt).toEqual((await enrolmentOf(email))?.hotLeadAt);
    // Staff have a follow-up task for it, closed like the others.
    expect(timeline.body.lead.openTasks?.map((task) => task.taskId)).toContain('hot-lead');
    const done = await admin.asMarketing('POST', `/leads/${testLeadId(email)}/tasks/hot-lead/done`);
    expect(done.status).toBe(200);
    const closed = await admin.asMarketing<LeadTimeline>('GET', `/leads/${testLeadId(email)}`);
    expect(closed.body.lead.openTasks?.map((task) => task.taskId)).not.toContain('hot-lead');
    const subjects = (await outbox(email)).map((mail) => mail.subject);
    expect(subjects).toContain(nudge.variants[0]!.subject);

    await control(stack.base, '/__local/drip/advance', { duration: 'P45D' });
    const after = (await outbox(email)).map((mail) => mail.subject);
    expect(after.filter((subject) => subject === nudge.variants[0]!.subject)).toHaveLength(1);
    // The regular path still goes on, each step once.
    for (const step of pathFor(sequence.steps, ['hair-restoration']))
      expect(after.filter((subject) => step.variants.some((v) => v.subject === subject))).toHaveLength(1);
    expect(await hotLeadAlerts(email)).toHaveLength(1);
    expect(await enrolmentOf(email)).toMatchObject({ status: 'completed' });
  });

  it('sends no alert and no nudge to a lead who books after clicking', async () => {
    const email = uniqueEmail('booker');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);
    await control(stack.base, '/__local/drip/tick');
    await control(stack.base, '/__local/ses/booking-click', { email });
    await control(stack.base, '/__local/drip/advance', { duration: 'PT2H' });
    const body = JSON.stringify({ email });
    const booked = await fetch(`${stack.base}/webhooks/booked`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signWebhook(body, await stack.webhookKey(), stack.clock.now().getTime()),
      },
      body,
    });
    expect(booked.status).toBe(200);
    await control(stack.base, '/__local/drip/advance', { duration: 'P3D' });
    expect(await hotLeadAlerts(email)).toHaveLength(0);
    expect((await outbox(email)).map((mail) => mail.subject)).not.toContain(nudge.variants[0]!.subject);
    const timeline = await admin.asMarketing<LeadTimeline>('GET', `/leads/${testLeadId(email)}`);
    expect(timeline.body.lead.hotLeadAt).toBeUndefined();
  });
});
