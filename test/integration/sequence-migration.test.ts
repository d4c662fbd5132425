import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { keys } from '../../functions/adapters/dynamodb/keys';
import type { MigrationPreview, SequenceDetail, SequenceDraft } from '../../functions/admin/contract';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { countingMailer, dripHarness, TestClock } from '../support/drip-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { outbox, testEndpoints, uniqueEmail } from '../support/services';

/**
 * Moving leads onto a version that reorders steps: steps a lead already received are skipped,
 * and an enrolment that meets a step it already has moves on (counted, alarmed), never stuck.
 */

jest.setTimeout(240_000);

const ID = 'exosome-aftercare';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

describe('moving leads to a version that reorders steps', () => {
  let admin: Awaited<ReturnType<typeof adminStack>>;
  let doc: DynamoDBDocumentClient;
  beforeAll(async () => {
    admin = await adminStack();
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
  });
  afterAll(() => admin.stack.stop());

  const enrolmentOf = async (email: string) =>
    (
      await doc.send(
        new GetCommand({
          TableName: admin.stack.env.TABLE_NAME!,
          Key: keys.enrolment(testLeadId(email), ID),
          ConsistentRead: true,
        }),
      )
    ).Item;

  /** Publishes the bundled sequence with only these steps, in this order, reviewed. */
  async function publishSteps(source: SequenceDraft, stepIds: string[]): Promise<string> {
    const draft = structuredClone(source);
    draft.definition.steps = stepIds.map((id) => source.definition.steps.find((step) => step.id === id)!);
    const saved = await admin.asMarketing('PUT', `/sequences/${ID}/draft`, draft);
    // The only thing a fresh save lacks is the clinical review recorded next.
    expect(saved.body.problems.map((problem: { where: string }) => problem.where)).toEqual(['review']);
    await admin.asAdmin('POST', `/sequences/${ID}/review`, { reviewer: 'Dr. Reviewer', validUntil: inAYear() });
    const published = await admin.asMarketing('POST', `/sequences/${ID}/publish`);
    expect(published.status).toBe(201);
    return published.body.version as string;
  }

  it('v1 [w, a, b, c] with the lead waiting for c, moved to v2 [w, c, a, b]: completed 60 days later, nothing sent twice', async () => {
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const source = detail.body.published.draft;
    const [w, a, b, c] = source.definition.steps.map((step) => step.id);
    const v1 = await publishSteps(source, [w!, a!, b!, c!]);
    // New leads start on a publish once the capture function's one-minute cache has run out.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'PT2M' });
    const email = uniqueEmail('reordered');
    await postLead(admin.stack.base, validLead(email));
    expect(await enrolmentOf(email)).toMatchObject({ sequenceVersion: v1, stepIndex: 0 });
    for (let day = 0; day < 40 && (await enrolmentOf(email))?.stepIndex !== 3; day++) {
      await control(admin.stack.base, '/__local/drip/advance', { duration: 'P1D' });
    }
    expect(await enrolmentOf(email)).toMatchObject({ sequenceVersion: v1, stepIndex: 3, status: 'active' });
    const receivedBefore = (await outbox(email)).length;

    const v2 = await publishSteps(source, [w!, c!, a!, b!]);
    const preview = await admin.asMarketing<MigrationPreview>('POST', `/sequences/${ID}/migrate`, {
      fromVersion: v1,
      toVersion: v2,
    });
    expect(preview.body.changes).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`already received "${a}", "${b}".*skipped`))]),
    );
    const moved = await admin.asMarketing<MigrationPreview>('POST', `/sequences/${ID}/migrate`, {
      fromVersion: v1,
      toVersion: v2,
      dryRun: false,
    });
    expect(moved.body.moved).toBeGreaterThanOrEqual(1);
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P60D' });

    expect(await enrolmentOf(email)).toMatchObject({ sequenceVersion: v2, status: 'completed' });
    const subjects = (await outbox(email)).map((mail) => mail.subject);
    expect(subjects).toHaveLength(receivedBefore + 1); // only c was still to come
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(admin.stack.drip.counters.totals.StepStale).toBeUndefined();
  });
});

describe('an enrolment waiting at a step the lead already has', () => {
  it('moves on instead of staying stuck, sends nothing, and counts it for the alarm', async () => {
    const clock = new TestClock(new Date('2026-12-01T15:00:00Z'));
    const harness = await dripHarness({ clock });
    const leadId = await harness.seedLead(uniqueEmail('stuck'), clock.now());
    const step = harness.sequence.steps[0]!;
    // The step's record is already final (say, sent under another version's order).
    await harness.doc.send(
      new PutCommand({
        TableName: harness.tableName,
        Item: {
          ...keys.send(leadId, harness.sequence.id, step.id),
          type: 'send',
          leadId,
          sequenceId: harness.sequence.id,
          sequenceVersion: 'older',
          stepId: step.id,
          stepIndex: 2,
          status: 'sent',
          claimId: randomUUID(),
          claimedAt: clock.now().toISOString(),
          messageId: 'earlier',
        },
      }),
    );
    const counting = countingMailer({ send: async () => ({ messageId: randomUUID() }) });
    const worker = harness.worker({ mailer: counting.mailer });
    worker.attach();

    await worker.dispatch();
    await worker.queue.drain();

    const enrolments = new DynamoEnrolmentStore({
      client: harness.doc as never,
      tableName: harness.tableName,
      dueShards: 4,
    });
    expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
      status: 'active',
      stepIndex: 1,
    });
    expect(counting.sends).toEqual([]);
    expect(worker.counters.totals.StepStale).toBe(1);
  });
});
