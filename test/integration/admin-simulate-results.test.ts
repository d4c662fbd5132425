import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStepStats } from '../../functions/adapters/dynamodb/step-stats';
import type { Results, SequenceDetail, SimulatedSend } from '../../functions/admin/contract';
import type { StepCounter } from '../../functions/drip/ports';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { itemsOfLead, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(180_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
let admin: Admin;
let doc: DynamoDBDocumentClient;
const ID = 'exosome-aftercare';
const sequence = bundledEmails().sequences[ID]!;

beforeAll(async () => {
  admin = await adminStack();
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
});
afterAll(() => admin.stack.stop());

const simulate = (body: Record<string, unknown>) =>
  admin.asMarketing<SimulatedSend[]>('POST', '/simulate', { sequenceId: ID, ...body });

describe('journey simulator', () => {
  it('sends the first step at sign-up and keeps later steps at the same local time across the start of DST', async () => {
    // Friday 6 March 2026, 15:00 in New York; clocks go forward on Sunday 8 March.
    const result = await simulate({
      version: sequence.version,
      timeZone: 'America/New_York',
      start: '2026-03-06T15:00:00-05:00',
      // Every topic: the path through every step.
      topics: ['fraxel-aftercare', 'rf-microneedling-aftercare', 'hair-restoration', 'small-joint-injections'],
    });

    expect(result.status).toBe(200);
    const everyTopic = pathFor(sequence.steps, [
      'fraxel-aftercare',
      'rf-microneedling-aftercare',
      'hair-restoration',
      'small-joint-injections',
    ]);
    expect(result.body.map((send) => send.stepId)).toEqual(everyTopic.map((step) => step.id));
    expect(result.body[0]).toEqual({
      stepId: 'welcome',
      subject: sequence.steps[0]!.variants[0]!.subject,
      variants: sequence.steps[0]!.variants.map(({ id, subject }) => ({ id, subject })),
      atSignUp: true,
      // Friday 15:00 is inside the Mon–Sat 09:00–18:00 window.
      outsideWindow: false,
      sendAt: '2026-03-06T20:00:00.000Z',
      localTime: 'Fri 6 Mar 2026, 15:00 EST',
      timeZone: 'America/New_York',
    });
    // P3D later is Monday 9 March, still 15:00 on the wall clock, but now EDT (UTC-4).
    expect(result.body[1]).toMatchObject({
      sendAt: '2026-03-09T19:00:00.000Z',
      localTime: 'Mon 9 Mar 2026, 15:00 EDT',
    });
  });

  it('sends the first step at once even outside the send window, as the capture path does, and windows the rest', async () => {
    // Saturday 03:00 in London, the night the clocks go forward (29 March 2026 01:00 UTC).
    const result = await simulate({ version: 'published', timeZone: 'Europe/London', start: '2026-03-28T03:00:00Z' });

    expect(result.body[0]).toMatchObject({
      sendAt: '2026-03-28T03:00:00.000Z',
      localTime: 'Sat 28 Mar 2026, 03:00 GMT',
      atSignUp: true,
      outsideWindow: true,
    });
    expect(result.body[1]).toMatchObject({ atSignUp: false, outsideWindow: false });
    // Every A/B subject of a step, variant a first.
    expect(result.body[1]!.variants.map((variant) => variant.id)).toEqual(['a', 'b']);
    // 3 days later is Tuesday 31 March 03:00 BST, before the window: moved to 09:00 BST (08:00 UTC).
    expect(result.body[1]).toMatchObject({ sendAt: '2026-03-31T08:00:00.000Z' });
    expect(result.body[1]!.localTime).toMatch(/^Tue 31 Mar 2026, 09:00 (BST|GMT\+1)$/);
  });

  it('matches what the drip engine really sends for a real lead', async () => {
    const email = uniqueEmail('simulated');
    await postLead(admin.stack.base, validLead(email, { timeZone: 'Asia/Kolkata' }));
    const leadId = testLeadId(email);
    const enrolment = (await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, leadId)).find(
      (item) => item.type === 'enrolment',
    )!;

    const planned = await simulate({ version: sequence.version, leadId, start: String(enrolment.enrolledAt) });
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P40D' });

    const sent = (await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, leadId)).filter((item) => item.type === 'send');
    expect(planned.body.every((send) => send.timeZone === 'Asia/Kolkata')).toBe(true);
    expect(sent).toHaveLength(planned.body.length);
    for (const send of planned.body) {
      const actual = sent.find((item) => item.stepId === send.stepId)!;
      expect(actual.status).toBe('sent');
      // The dispatcher picks a step up on its next tick after it falls due: within a minute.
      const lag = Date.parse(String(actual.sentAt)) - Date.parse(send.sendAt);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(60_000);
    }
  });

  it('continues from a real lead’s next scheduled step, and simulates a saved draft', async () => {
    const email = uniqueEmail('midway');
    await postLead(admin.stack.base, validLead(email));
    await control(admin.stack.base, '/__local/drip/tick');
    const leadId = testLeadId(email);

    const remaining = await simulate({ version: sequence.version, leadId });
    const path = pathFor(sequence.steps, validLead(email).interests);
    expect(remaining.body.map((send) => send.stepId)).toEqual(path.slice(1).map((step) => step.id));

    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const draft = structuredClone(detail.body.published.draft);
    draft.definition.steps[1]!.delay = 'P1D';
    draft.definition.steps[2]!.enabled = false;
    await admin.asMarketing('PUT', `/sequences/${ID}/draft`, draft);
    const start = '2026-06-02T14:00:00Z';
    const drafted = await simulate({ version: 'draft', timeZone: 'America/Chicago', start });
    expect(drafted.body.map((send) => send.stepId)).not.toContain(draft.definition.steps[2]!.id);
    expect(drafted.body[1]).toMatchObject({
      stepId: draft.definition.steps[1]!.id,
      sendAt: '2026-06-03T14:00:00.000Z',
    });
  });

  it('shows the path of the sample topics: hair only, Fraxel only, or none (the general path)', async () => {
    const stepsFor = async (topics?: string[]) =>
      (await simulate({ version: 'published', timeZone: 'America/New_York', ...(topics ? { topics } : {}) })).body.map(
        (send) => send.stepId,
      );
    expect(await stepsFor(['hair-restoration'])).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
    expect(await stepsFor(['fraxel-aftercare'])).toEqual(
      pathFor(sequence.steps, ['fraxel-aftercare']).map((step) => step.id),
    );
    expect(await stepsFor(['fraxel-aftercare'])).toContain('laser-rf-aftercare');
    expect(await stepsFor()).toEqual(pathFor(sequence.steps, []).map((step) => step.id));
    const refused = await simulate({ version: 'published', topics: ['knees'] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/topics/);
  });

  it('answers an unknown version, lead or zone with 404 or 400', async () => {
    expect((await simulate({ version: 'nope' })).status).toBe(404);
    expect((await simulate({ version: sequence.version, leadId: 'A'.repeat(26) })).status).toBe(404);
    expect((await simulate({ version: sequence.version, timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await simulate({ version: sequence.version, start: 'tomorrow' })).status).toBe(400);
    expect((await admin.asMarketing('POST', '/simulate', { version: 'x' })).status).toBe(400);
  });
});

describe('results', () => {
  it('sums the counters per step and variant over the range, with bounce and complaint rates against the alarms', async () => {
    const stats = new DynamoStepStats({
      client: doc,
      tableName: admin.stack.env.TABLE_NAME!,
      dueShards: Number(admin.stack.env.DUE_SHARDS),
    });
    const add = async (day: string, stepId: string, variant: string, counter: StepCounter, times: number) => {
      for (let i = 0; i < times; i++) await stats.increment({ sequenceId: ID, stepId, variant, day }, counter);
    };
    await add('2030-01-10', 'exosomes-explained', 'a', 'sent', 30);
    await add('2030-01-11', 'exosomes-explained', 'a', 'sent', 10);
    await add('2030-01-11', 'exosomes-explained', 'a', 'opened', 12);
    await add('2030-01-11', 'exosomes-explained', 'b', 'sent', 40);
    await add('2030-01-12', 'exosomes-explained', 'b', 'bounced', 2);
    await add('2030-01-12', 'welcome', 'a', 'sent', 20);
    await add('2030-01-12', 'welcome', 'a', 'complained', 1);
    await add('2030-01-12', 'welcome', 'a', 'booked', 3);
    await add('2030-02-01', 'welcome', 'a', 'sent', 500); // outside the range

    const result = await admin.asMarketing<Results>('GET', `/results?sequenceId=${ID}&from=2030-01-01&to=2030-01-31`);

    expect(result.status).toBe(200);
    expect(result.body.steps.map((step) => [step.stepId, step.variant, step.sent])).toEqual([
      ['welcome', 'a', 20],
      ['exosomes-explained', 'a', 40],
      ['exosomes-explained', 'b', 40],
    ]);
    expect(result.body.steps[0]).toMatchObject({
      subject: sequence.steps[0]!.variants[0]!.subject,
      complained: 1,
      booked: 3,
    });
    expect(result.body.steps[1]).toMatchObject({ opened: 12, subject: sequence.steps[1]!.variants[0]!.subject });
    expect(result.body.steps[2]).toMatchObject({ bounced: 2, subject: sequence.steps[1]!.variants[1]!.subject });
    expect(result.body.rates).toEqual({
      bounceRate: 2 / 100,
      complaintRate: 1 / 100,
      bounceAlarm: 0.025,
      complaintAlarm: 0.0005,
    });
  });

  it('answers a reversed range with 400 and an unknown sequence with 404', async () => {
    expect((await admin.asMarketing('GET', `/results?sequenceId=${ID}&from=2030-02-01&to=2030-01-01`)).status).toBe(
      400,
    );
    expect((await admin.asMarketing('GET', '/results?sequenceId=nope&from=2030-01-01&to=2030-01-31')).status).toBe(404);
    expect((await admin.asMarketing('GET', `/results?sequenceId=${ID}&from=2030-13-01&to=2030-01-31`)).status).toBe(
      400,
    );
  });
});
