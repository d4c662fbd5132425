import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoSendRecordStore } from '../../functions/adapters/dynamodb/send-records';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { countingMailer, dripHarness, TestClock } from '../support/drip-harness';
import { throttledSend } from '../support/drip-scenarios';
import { testSuppressionHash } from '../support/identity';
import { allItems } from '../support/services';

jest.setTimeout(180_000);

const acceptAll: Mailer = { send: async () => ({ messageId: randomUUID() }) };
const start = new Date('2026-12-01T15:00:00Z'); // a Tuesday, 10:00 in New York: inside the send window

async function seedMany(seed: (email: string, dueAt: Date) => Promise<string>, count: number, prefix: string) {
  const leadIds: string[] = [];
  for (let from = 0; from < count; from += 50) {
    const batch = Array.from({ length: Math.min(50, count - from) }, (_, offset) =>
      seed(`${prefix}.${from + offset}@example.com`, new Date(start.getTime() - 60_000)),
    );
    leadIds.push(...(await Promise.all(batch)));
  }
  return leadIds;
}

describe('drip engine under concurrency and faults (DynamoDB Local)', () => {
  it('sends each due step exactly once with 4 dispatchers and 4 senders over 1,000 enrolments', async () => {
    const clock = new TestClock(start);
    const harness = await dripHarness({ clock, shards: 8 });
    const leadIds = await seedMany(harness.seedLead, 1000, 'many');
    const counting = countingMailer(acceptAll);
    const workers = Array.from({ length: 4 }, () => harness.worker({ mailer: counting.mailer }));

    // Every dispatcher ticks twice before any sender runs: overlapping ticks must not double-queue.
    const firstRound = await Promise.all(workers.map((worker) => worker.dispatch()));
    const secondRound = await Promise.all(workers.map((worker) => worker.dispatch()));
    for (const worker of workers) worker.attach();
    await Promise.all(workers.map((worker) => worker.queue.drain()));

    expect(firstRound.reduce((sum, result) => sum + result.enqueued, 0)).toBe(1000);
    expect(secondRound.reduce((sum, result) => sum + result.enqueued, 0)).toBe(0);
    const perLead = new Map<string, number>();
    for (const send of counting.sends) perLead.set(send.tags.lead!, (perLead.get(send.tags.lead!) ?? 0) + 1);
    expect(perLead.size).toBe(1000);
    expect([...perLead.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(leadIds)).toEqual(new Set(perLead.keys()));
    const items = await allItems(harness.doc, harness.tableName);
    const records = items.filter((item) => item.type === 'send');
    expect(records).toHaveLength(1000);
    expect(records.every((record) => record.status === 'sent')).toBe(true);
    expect(items.filter((item) => item.type === 'enrolment').every((item) => item.stepIndex === 1)).toBe(true);
    expect(workers.every((worker) => worker.queue.deadLetters.length === 0)).toBe(true);
  });

  it('eventually sends every step once when 30% of SES calls are throttled', async () => {
    const run = await throttledSend(200, 0.3);

    expect(run.throttled).toBeGreaterThan(20);
    expect(run).toMatchObject({ sentOnce: 200, duplicates: 0, unsent: 0 });
    expect(run.sesCalls - run.throttled).toBe(200);
  });

  it('records a step as failed, never sends it twice, when its sender stopped after claiming it', async () => {
    const clock = new TestClock(start);
    const harness = await dripHarness({ clock });
    const leadId = await harness.seedLead('stopped.sender@example.com', start);
    const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
    const enrolments = new DynamoEnrolmentStore(table);
    const sendRecords = new DynamoSendRecordStore(table);
    const counting = countingMailer(acceptAll);
    const worker = harness.worker({ mailer: counting.mailer });
    // A sender took the message and claimed the step, then its process died before sending.
    await worker.dispatch();
    await sendRecords.claimStep({
      leadId,
      sequenceId: harness.sequence.id,
      sequenceVersion: harness.sequence.version,
      stepId: harness.sequence.steps[0]!.id,
      stepIndex: 0,
      status: 'claimed',
      claimId: 'dead-sender',
      claimedAt: clock.now().toISOString(),
    });

    clock.advance(16 * 60 * 1000); // the dispatcher's lease and the claim timeout both run out
    worker.attach();
    await worker.queue.drain();
    await worker.dispatch();
    await worker.queue.drain();

    expect(counting.sends).toHaveLength(0);
    const record = await sendRecords.getSendRecord(leadId, harness.sequence.id, harness.sequence.steps[0]!.id);
    expect(record).toMatchObject({ status: 'failed', reason: 'interrupted after claim' });
    expect(worker.counters.totals.StepInterrupted).toBe(1);
    expect((await enrolments.getEnrolment(leadId, harness.sequence.id))?.stepIndex).toBe(1);
  });

  it('does not send a step whose lead unsubscribed after it was queued', async () => {
    const clock = new TestClock(start);
    const harness = await dripHarness({ clock });
    const email = 'changed.mind@example.com';
    const leadId = await harness.seedLead(email, start);
    const counting = countingMailer(acceptAll);
    const worker = harness.worker({ mailer: counting.mailer });
    await worker.dispatch(); // queued, not yet sent
    await harness.doc.send(
      new PutCommand({
        TableName: harness.tableName,
        Item: {
          pk: `SUPPRESSION#${testSuppressionHash(email)}`,
          sk: 'SUPPRESSION',
          type: 'suppression',
          reason: 'unsubscribed',
        },
      }),
    );

    worker.attach();
    await worker.queue.drain();

    expect(counting.sends).toHaveLength(0);
    const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
    const enrolments = new DynamoEnrolmentStore(table);
    const sendRecords = new DynamoSendRecordStore(table);
    expect(await sendRecords.getSendRecord(leadId, harness.sequence.id, harness.sequence.steps[0]!.id)).toMatchObject({
      status: 'skipped',
      reason: 'suppressed: unsubscribed',
    });
    expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
      status: 'exited',
      exitReason: 'unsubscribed',
    });
  });
});
