import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { clinicConfig } from '../../config/clinic';
import { sesClient } from '../../functions/adapters/clients/ses';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import type { Results } from '../../functions/admin/contract';
import { STEP_COUNTERS, type StepCounter } from '../../functions/drip/ports';
import { signWebhook } from '../../functions/http/webhook-signature';
import type { Mailer, OutgoingEmail } from '../../functions/mail/outgoing-email';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { BEFORE_PATHS, GENERAL_PATH, pathFor, pathKey } from '../../functions/sequence/paths';
import { sesEvent } from '../../local/simulated-ses-events';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { dynamoFaults } from '../support/fault-injection';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { itemsOfLead, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(120_000);

const ID = 'exosome-aftercare';
const sequence = bundledEmails().sequences[ID]!;
const WELCOME = sequence.steps[0]!.id;
const NEXT_STEP = sequence.steps[1]!.id;
/** The path of `validLead`'s topics (Fraxel aftercare and hair restoration): every counter row of its sends carries it. */
const LEAD_PATH = pathKey(sequence.steps, ['fraxel-aftercare', 'hair-restoration']);

type Admin = Awaited<ReturnType<typeof adminStack>>;
type Counts = Record<StepCounter, number>;
interface Recorded {
  email: OutgoingEmail;
  messageId: string;
}

let admin: Admin;
let doc: DynamoDBDocumentClient;
let recorded: Recorded[];
let day: string;

/** The local SES, with every message it accepted kept with its real tags and message id. */
function recordingMailer(): Mailer {
  const ses = new SesMailer({
    client: sesClient({ endpoint: testEndpoints().ses }),
    fromAddress: clinicConfig.mail.fromAddress,
    fromName: clinicConfig.practice.name,
    configurationSet: 'local',
  });
  return {
    async send(email) {
      const sent = await ses.send(email);
      recorded.push({ email, messageId: sent.messageId });
      return sent;
    },
  };
}

// One stack per test, so each test owns every STATS row of its table.
beforeEach(async () => {
  recorded = [];
  admin = await adminStack({}, { mailer: recordingMailer() });
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
  // Move the local clock to the next 12:00 UTC, so every send and event of a test falls on one day.
  const now = admin.stack.clock.now();
  let noon = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12);
  if (noon - now.getTime() < 60_000) noon += 86_400_000;
  await control(admin.stack.base, '/__local/drip/advance', {
    duration: `PT${Math.ceil((noon - now.getTime()) / 1000)}S`,
  });
  day = admin.stack.clock.now().toISOString().slice(0, 10);
});
afterEach(() => admin.stack.stop());

/** Captures each lead through POST /leads, then lets the dispatcher send the welcome step. */
async function leadsWithWelcome(...labels: string[]): Promise<string[]> {
  const emails = labels.map((label) => uniqueEmail(label));
  for (const email of emails) expect((await postLead(admin.stack.base, validLead(email))).status).toBe(202);
  await control(admin.stack.base, '/__local/drip/tick');
  return emails;
}

function welcomeTo(email: string): Recorded {
  const found = recorded.filter((mail) => mail.email.to.includes(email) && mail.email.tags.step === WELCOME);
  if (found.length !== 1) throw new Error(`expected one welcome to ${email}, found ${found.length}`);
  return found[0]!;
}

const DETAIL_TYPES = {
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Delivery: 'Email Delivered',
  Open: 'Email Opened',
  Click: 'Email Clicked',
} as const;

/**
 * What SES publishes for one message, in the EventBridge envelope production receives it in
 * (infra/constructs/ses-events.ts): the message's own id and tags, stamped with the local clock.
 */
function sesEventFor(
  mail: Recorded,
  eventType: keyof typeof DETAIL_TYPES,
  override: Record<string, unknown> = {},
): Record<string, unknown> {
  const detail = {
    ...sesEvent(
      eventType,
      { messageId: mail.messageId, to: mail.email.to, tags: mail.email.tags },
      admin.stack.clock.now(),
    ),
    ...override,
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPES[eventType],
    source: 'aws.ses',
    account: '111122223333',
    time: admin.stack.clock.now().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** The real ses-events handler, as the EventBridge rule invokes it. */
const deliver = (event: Record<string, unknown>) =>
  admin.stack.drip.sendToSesEvents(event) as Promise<{ handled: number; ignored: number }>;

async function unsubscribe(mail: Recorded): Promise<number> {
  const header = mail.email.headers.find((candidate) => candidate.name === 'List-Unsubscribe');
  if (!header) throw new Error('no List-Unsubscribe header');
  const response = await fetch(`${admin.stack.base}${new URL(header.value.slice(1, -1)).pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    redirect: 'manual',
  });
  return response.status;
}

async function book(email: string): Promise<number> {
  const body = JSON.stringify({ email });
  const response = await fetch(`${admin.stack.base}/webhooks/booked`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': signWebhook(body, await admin.stack.webhookKey(), admin.stack.clock.now().getTime()),
    },
    body,
  });
  return response.status;
}

/** Every STATS row of the sequence, exactly as stored in the table. */
async function storedStats(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: admin.stack.env.TABLE_NAME!,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `STATS#${ID}` },
      ConsistentRead: true,
    }),
  );
  return Items;
}

const countsOf = (item: Record<string, unknown> | undefined): Counts =>
  Object.fromEntries(STEP_COUNTERS.map((name) => [name, Number(item?.[name] ?? 0)])) as Counts;

async function storedCounts(stepId: string, variant = 'a', path = LEAD_PATH): Promise<Counts> {
  const sk = `DAY#${day}#STEP#${stepId}#VARIANT#${variant}#PATH#${path}`;
  return countsOf((await storedStats()).find((item) => item.sk === sk));
}

const results = () => admin.asMarketing<Results>('GET', `/results?sequenceId=${ID}&from=${day}&to=${day}`);

/** The local SES reports a Delivery for each accepted message a moment after the send; wait for those. */
async function untilDelivered(stepId: string, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await storedCounts(stepId)).delivered < expected) {
    if (Date.now() > deadline) throw new Error(`delivered never reached ${expected} for ${stepId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const counts = (partial: Partial<Counts>): Counts => ({ ...countsOf(undefined), ...partial });

/** Five welcomes sent and delivered; then one open, click, bounce, complaint, unsubscribe and booking. */
const fiveSentOneOfEachEvent = (): Counts =>
  counts({ sent: 5, delivered: 5, opened: 1, clicked: 1, bounced: 1, complained: 1, unsubscribed: 1, booked: 1 });

describe('per-step counters', () => {
  it('count every send, SES event, unsubscribe and booking on the step and variant that reached the person, by day', async () => {
    const [reader, bouncer, complainer, leaver, booker] = await leadsWithWelcome(
      'reader',
      'bouncer',
      'complainer',
      'leaver',
      'booker',
    );
    await untilDelivered(WELCOME, 5);

    expect(await deliver(sesEventFor(welcomeTo(reader!), 'Open'))).toEqual({ handled: 1, ignored: 0 });
    expect(await deliver(sesEventFor(welcomeTo(reader!), 'Click'))).toEqual({ handled: 1, ignored: 0 });
    expect(await deliver(sesEventFor(welcomeTo(bouncer!), 'Bounce'))).toEqual({ handled: 1, ignored: 0 });
    expect(await deliver(sesEventFor(welcomeTo(complainer!), 'Complaint'))).toEqual({ handled: 1, ignored: 0 });
    expect(await unsubscribe(welcomeTo(leaver!))).toBe(200);
    expect(await book(booker!)).toBe(200);

    // delivered is 5: the local SES reports a Delivery for every message it accepts, through the same handler.
    const expected = fiveSentOneOfEachEvent();
    const rows = await storedStats();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      sk: `DAY#${day}#STEP#${WELCOME}#VARIANT#a#PATH#${LEAD_PATH}`,
      type: 'step-stats',
      sequenceId: ID,
      stepId: WELCOME,
      variant: 'a',
      day,
      path: LEAD_PATH,
    });
    expect(countsOf(rows[0])).toEqual(expected);

    const answer = await results();
    expect(answer.status).toBe(200);
    expect(answer.body.steps).toEqual([
      {
        stepId: WELCOME,
        variant: 'a',
        subject: sequence.steps[0]!.variants[0]!.subject,
        ...expected,
        paths: [{ path: LEAD_PATH, ...expected }],
      },
    ]);
    expect(answer.body.rates).toMatchObject({ bounceRate: 1 / 5, complaintRate: 1 / 5 });

    // The events are kept on each send too, so the counters can be checked against them.
    const welcomeRecord = async (email: string) =>
      (await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, testLeadId(email))).find(
        (item) => item.type === 'send' && item.stepId === WELCOME,
      );
    expect(await welcomeRecord(reader!)).toMatchObject({
      deliveredAt: expect.any(String),
      openedAt: expect.any(String),
      clickedAt: expect.any(String),
    });
    expect(await welcomeRecord(bouncer!)).toMatchObject({ bouncedAt: expect.any(String) });
    expect(await welcomeRecord(complainer!)).toMatchObject({ complainedAt: expect.any(String) });
  });

  it('credit a later step and its variant, on the day of the event, once that step has gone out', async () => {
    const [reader, leaver] = await leadsWithWelcome('later.reader', 'later.leaver');
    await untilDelivered(WELCOME, 2);
    // The second step is due 3 days later inside the Mon-Sat 09:00-18:00 New York window: 5 days reach it.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P5D' });
    const eventDay = admin.stack.clock.now().toISOString().slice(0, 10);
    const second = (email: string) => {
      const found = recorded.find((mail) => mail.email.to.includes(email) && mail.email.tags.step === NEXT_STEP);
      if (!found) throw new Error(`no ${NEXT_STEP} to ${email}`);
      return found;
    };

    expect(await deliver(sesEventFor(second(reader!), 'Open'))).toEqual({ handled: 1, ignored: 0 });
    expect(await unsubscribe(second(leaver!))).toBe(200);

    const rows = await storedStats();
    const sum = (stepId: string) =>
      rows
        .filter((row) => row.stepId === stepId)
        .map(countsOf)
        .reduce(
          (total, add) => Object.fromEntries(STEP_COUNTERS.map((name) => [name, total[name] + add[name]])) as Counts,
          counts({}),
        );
    expect(sum(WELCOME)).toEqual(counts({ sent: 2, delivered: 2 }));
    expect(sum(NEXT_STEP)).toMatchObject({ sent: 2, opened: 1, unsubscribed: 1, bounced: 0, booked: 0 });
    const rowsWith = (counter: StepCounter) =>
      rows.filter((row) => row.stepId === NEXT_STEP && Number(row[counter] ?? 0) > 0);
    expect(rowsWith('opened')).toEqual([
      expect.objectContaining({ variant: second(reader!).email.tags.variant, day: eventDay, opened: 1 }),
    ]);
    expect(rowsWith('unsubscribed')).toEqual([
      expect.objectContaining({ variant: second(leaver!).email.tags.variant, day: eventDay, unsubscribed: 1 }),
    ]);
  });

  it('credit an unsubscribe to the email whose link was used, even after a later email went out', async () => {
    const [leaver] = await leadsWithWelcome('early.link');
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P5D' });
    expect(recorded.some((mail) => mail.email.to.includes(leaver!) && mail.email.tags.step === NEXT_STEP)).toBe(true);

    // The welcome's link, used after the second email: the welcome is what made them leave.
    expect(await unsubscribe(welcomeTo(leaver!))).toBe(200);
    expect(await unsubscribe(welcomeTo(leaver!))).toBe(200);

    const rows = await storedStats();
    const unsubscribedOn = (stepId: string) =>
      rows.filter((row) => row.stepId === stepId).reduce((sum, row) => sum + Number(row.unsubscribed ?? 0), 0);
    expect({ welcome: unsubscribedOn(WELCOME), next: unsubscribedOn(NEXT_STEP) }).toEqual({ welcome: 1, next: 0 });
    const welcomeRecord = (await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, testLeadId(leaver!))).find(
      (item) => item.sk === `SEND#${ID}#${WELCOME}`,
    );
    expect(welcomeRecord?.unsubscribedAt).toEqual(expect.any(String));
  });

  it('count an event once when SES delivers the same event twice, and a repeated unsubscribe or booking once', async () => {
    const [reader, bouncer, complainer, leaver, booker] = await leadsWithWelcome(
      'twice.reader',
      'twice.bouncer',
      'twice.complainer',
      'twice.leaver',
      'twice.booker',
    );
    await untilDelivered(WELCOME, 5);
    const events = [
      sesEventFor(welcomeTo(reader!), 'Delivery'), // SES's own Delivery, after the local stack's simulated one
      sesEventFor(welcomeTo(reader!), 'Open'),
      sesEventFor(welcomeTo(reader!), 'Click'),
      sesEventFor(welcomeTo(bouncer!), 'Bounce'),
      sesEventFor(welcomeTo(complainer!), 'Complaint'),
    ];

    // EventBridge delivers at least once: every event arrives twice, once in a row and once later.
    for (const event of events) {
      await deliver(event);
      await deliver(event);
    }
    for (const event of events) await deliver(event);
    expect(await unsubscribe(welcomeTo(leaver!))).toBe(200);
    expect(await unsubscribe(welcomeTo(leaver!))).toBe(200);
    expect(await book(booker!)).toBe(200);
    expect(await book(booker!)).toBe(200);

    const expected = fiveSentOneOfEachEvent();
    expect(await storedCounts(WELCOME)).toEqual(expected);
    expect((await results()).body.steps).toEqual([expect.objectContaining({ stepId: WELCOME, ...expected })]);
  });

  it('count an event once when the write that notes and counts it fails once and EventBridge retries it', async () => {
    const [reader] = await leadsWithWelcome('retry.reader');
    await untilDelivered(WELCOME, 1);
    const open = sesEventFor(welcomeTo(reader!), 'Open');
    const faults = dynamoFaults();
    try {
      // The write that notes the open and counts it fails once, as a throttled call would.
      const throttled = () =>
        Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        });
      const failure = faults.fail(TransactWriteCommand, throttled, 1);
      await expect(deliver(open)).rejects.toThrow('Throughput exceeds');
      expect(failure.count()).toBe(1);
    } finally {
      faults.restore();
    }
    await deliver(open);
    await deliver(open);

    expect((await storedCounts(WELCOME)).opened).toBe(1);
  });

  it('credit an unsubscribe and a booking that come after the last email to that email, once each', async () => {
    const [leaver, booker] = await leadsWithWelcome('late.leaver', 'late.booker');
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P40D' });
    // Every path ends with the same email; branch steps (listed after it) are not on the regular path.
    const lastStep = pathFor(sequence.steps, []).at(-1)!.id;
    const lastTo = (email: string) => {
      const found = recorded.filter((mail) => mail.email.to.includes(email) && mail.email.tags.step === lastStep);
      if (found.length !== 1) throw new Error(`expected one last email to ${email}, found ${found.length}`);
      return found[0]!;
    };
    const last = { leaver: lastTo(leaver!), booker: lastTo(booker!) };

    for (let time = 0; time < 2; time++) {
      expect(await unsubscribe(last.leaver)).toBe(200);
      expect(await book(booker!)).toBe(200);
    }

    const today = admin.stack.clock.now().toISOString().slice(0, 10);
    const onLastStep = (await storedStats()).filter((item) => item.stepId === lastStep && item.day === today);
    const total = (counter: StepCounter) => onLastStep.reduce((sum, item) => sum + Number(item[counter] ?? 0), 0);
    expect({ unsubscribed: total('unsubscribed'), booked: total('booked') }).toEqual({ unsubscribed: 1, booked: 1 });
    const variantRow = (mail: Recorded) => onLastStep.find((item) => item.variant === mail.email.tags.variant);
    expect(Number(variantRow(last.leaver)?.unsubscribed ?? 0)).toBe(1);
    expect(Number(variantRow(last.booker)?.booked ?? 0)).toBe(1);
  });

  it('do not count a soft (transient) bounce as bounced, and the sequence goes on', async () => {
    const [email] = await leadsWithWelcome('soft.bounce');
    await untilDelivered(WELCOME, 1);
    const welcome = welcomeTo(email!);
    const softBounce = sesEventFor(welcome, 'Bounce', {
      bounce: {
        bounceType: 'Transient',
        bounceSubType: 'MailboxFull',
        bouncedRecipients: welcome.email.to.map((emailAddress) => ({ emailAddress })),
        timestamp: admin.stack.clock.now().toISOString(),
      },
    });

    // The handler reports it as ignored: no counter, no mark on the send, no suppression.
    expect(await deliver(softBounce)).toEqual({ handled: 0, ignored: 1 });

    expect(await storedCounts(WELCOME)).toEqual(counts({ sent: 1, delivered: 1 }));
    expect((await results()).body.rates.bounceRate).toBe(0);
    const items = await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, testLeadId(email!));
    expect(items.find((item) => item.type === 'send' && item.stepId === WELCOME)).not.toHaveProperty('bouncedAt');
    expect(items.find((item) => item.type === 'enrolment')).toMatchObject({ status: 'active' });
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P5D' }); // as above: reaches step 2
    expect(recorded.filter((mail) => mail.email.to.includes(email!) && mail.email.tags.kind === 'step')).toHaveLength(
      2,
    );
  });
});

describe('per-path counters', () => {
  const SHARED = 'why-pbme';
  const interests = (email: string, topics: string[]) => validLead(email, { interests: topics });

  it('split a step shared by several paths: each lead’s send, SES events and unsubscribe land on its own path', async () => {
    expect(sequence.steps.find((step) => step.id === SHARED)?.when).toMatchObject({
      topics: expect.arrayContaining(['hair-restoration']),
      general: true,
    });
    const hair = uniqueEmail('path.hair');
    const general = uniqueEmail('path.general');
    // Skin regeneration is a topic no step names: that lead is on the general path.
    expect((await postLead(admin.stack.base, interests(hair, ['hair-restoration']))).status).toBe(202);
    expect((await postLead(admin.stack.base, interests(general, ['skin-regeneration']))).status).toBe(202);
    await control(admin.stack.base, '/__local/drip/tick');
    // The shared step is due 3 + 4 days after the welcome, inside the send window: 10 days reach it.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P10D' });
    const today = admin.stack.clock.now().toISOString().slice(0, 10);
    const sharedTo = (email: string) => {
      const found = recorded.filter((mail) => mail.email.to.includes(email) && mail.email.tags.step === SHARED);
      if (found.length !== 1) throw new Error(`expected one ${SHARED} to ${email}, found ${found.length}`);
      return found[0]!;
    };
    // The tag names the path, never the person's address or name.
    expect(sharedTo(hair).email.tags.path).toBe('hair-restoration');
    expect(sharedTo(general).email.tags.path).toBe(GENERAL_PATH);

    expect(await deliver(sesEventFor(sharedTo(hair), 'Open'))).toEqual({ handled: 1, ignored: 0 });
    expect(await deliver(sesEventFor(sharedTo(hair), 'Click'))).toEqual({ handled: 1, ignored: 0 });
    expect(await unsubscribe(sharedTo(general))).toBe(200);
    // A counter row written before paths were recorded: in the totals, shown apart.
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: admin.stack.env.TABLE_NAME!,
              Item: {
                pk: `STATS#${ID}`,
                sk: `DAY#${today}#STEP#${SHARED}#VARIANT#a`,
                type: 'step-stats',
                sequenceId: ID,
                stepId: SHARED,
                variant: 'a',
                day: today,
                sent: 1,
                opened: 1,
              },
            },
          },
        ],
      }),
    );

    type Figures = Pick<Counts, 'sent' | 'delivered' | 'opened' | 'clicked' | 'unsubscribed'>;
    const pick = (from: Figures): Figures => ({
      sent: from.sent,
      delivered: from.delivered,
      opened: from.opened,
      clicked: from.clicked,
      unsubscribed: from.unsubscribed,
    });
    /** The shared step's figures, summed over its variants (each lead gets one of them), in total and per path. */
    const sharedFigures = async () => {
      const answer = await admin.asMarketing<Results>('GET', `/results?sequenceId=${ID}&from=${day}&to=${today}`);
      expect(answer.status).toBe(200);
      const rows = answer.body.steps.filter((step) => step.stepId === SHARED);
      const add = (a: Figures, b: Figures): Figures => ({
        sent: a.sent + b.sent,
        delivered: a.delivered + b.delivered,
        opened: a.opened + b.opened,
        clicked: a.clicked + b.clicked,
        unsubscribed: a.unsubscribed + b.unsubscribed,
      });
      const zero = pick(counts({}));
      const perPath: Record<string, Figures> = {};
      for (const row of rows) for (const path of row.paths) perPath[path.path] = add(perPath[path.path] ?? zero, path);
      return { total: rows.reduce((sum, row) => add(sum, row), zero), perPath };
    };
    // The local SES reports each Delivery a moment after the send.
    const deadline = Date.now() + 10_000;
    while ((await sharedFigures()).total.delivered < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));

    const figures = await sharedFigures();
    expect(figures.perPath).toEqual({
      'hair-restoration': { sent: 1, delivered: 1, opened: 1, clicked: 1, unsubscribed: 0 },
      [GENERAL_PATH]: { sent: 1, delivered: 1, opened: 0, clicked: 0, unsubscribed: 1 },
      [BEFORE_PATHS]: { sent: 1, delivered: 0, opened: 1, clicked: 0, unsubscribed: 0 },
    });
    expect(figures.total).toEqual({ sent: 3, delivered: 2, opened: 2, clicked: 1, unsubscribed: 1 });
    // The welcome both got is split the same way.
    const welcome = (await results()).body.steps.filter((step) => step.stepId === WELCOME);
    expect(welcome.flatMap((row) => row.paths.map((path) => [path.path, path.sent])).sort()).toEqual([
      [GENERAL_PATH, 1],
      ['hair-restoration', 1],
    ]);
  });
});
