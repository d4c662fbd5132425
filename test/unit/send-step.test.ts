import type { StepMessage } from '../../functions/drip/messages';
import { type SendStepDeps, sendStep } from '../../functions/drip/send-step';
import { SendError } from '../../functions/mail/outgoing-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { TestClock } from '../support/drip-harness';
import {
  links,
  practice,
  quietLog,
  recordingMailer,
  seedEnrolledLead,
  sequence,
  throttled,
  versions,
} from '../support/fakes/doubles';
import {
  MemoryEnrolmentStore,
  MemorySendRecordStore,
  MemoryStepStats,
  MemorySuppressionList,
} from '../support/fakes/drip-stores';
import { MemoryTable } from '../support/fakes/memory-table';

/** sendStep on the in-memory stores (test/integration/store-contract.test.ts keeps them honest). */

const start = new Date('2026-12-01T15:00:00Z');

function setup(mailer = recordingMailer()) {
  const table = new MemoryTable();
  const clock = new TestClock(start);
  const suppression = new MemorySuppressionList();
  const counters = memoryCounters();
  const deps: SendStepDeps = {
    leadEnrolments: new MemoryEnrolmentStore(table),
    sendRecords: new MemorySendRecordStore(table),
    suppression,
    versions,
    stats: new MemoryStepStats(table),
    mailer: mailer.mailer,
    pacer: { take: async () => true },
    clock,
    log: quietLog,
    counters,
    practice,
    links,
    settings: { claimTimeoutMs: 15 * 60_000, maxSendAttempts: 2 },
  };
  const message = (leadId: string, stepIndex = 0): StepMessage => ({
    kind: 'step',
    leadId,
    sequenceId: sequence.id,
    stepIndex,
    dueAt: start.toISOString(),
  });
  return { table, clock, suppression, counters, deps, sent: mailer.sent, message };
}

describe('sendStep', () => {
  it('sends a due step once, however many senders get its message, and moves the enrolment on', async () => {
    const { table, deps, sent, message } = setup();
    const { leadId } = seedEnrolledLead(table, 'once@example.com', start);

    const outcomes = await Promise.all([sendStep(message(leadId), deps), sendStep(message(leadId), deps)]);

    expect(outcomes.filter((outcome) => outcome.status === 'sent')).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: ['once@example.com'], tags: { kind: 'step', lead: leadId } });
    const step = sequence.steps[0]!;
    expect(await deps.sendRecords.getSendRecord(leadId, sequence.id, step.id)).toMatchObject({
      status: 'sent',
      messageId: 'message-1',
    });
    const enrolment = await deps.leadEnrolments.getEnrolment(leadId, sequence.id);
    expect(enrolment).toMatchObject({ stepIndex: 1, lastStepId: step.id, status: 'active' });
    expect(Date.parse(enrolment!.nextSendAt!)).toBeGreaterThan(start.getTime());
    expect(table.counted({ sequenceId: sequence.id, stepId: step.id, variant: 'a', day: '2026-12-01' }, 'sent')).toBe(
      1,
    );
    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'stale' });
    expect(sent).toHaveLength(1);
  });

  it('skips the step and stops the sequence of a suppressed address', async () => {
    const { table, deps, sent, suppression, message } = setup();
    const { leadId } = seedEnrolledLead(table, 'gone@example.com', start);
    await suppression.suppress('gone@example.com', 'unsubscribed', start.toISOString());

    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'skipped', reason: 'suppressed: unsubscribed' });
    expect(sent).toHaveLength(0);
    expect(await deps.leadEnrolments.getEnrolment(leadId, sequence.id)).toMatchObject({
      status: 'exited',
      exitReason: 'unsubscribed',
    });
  });

  it('gives the step back when SES refuses it, so the redelivery sends it', async () => {
    let refusing = true;
    const mailer = recordingMailer(() => (refusing ? throttled() : undefined));
    const { table, deps, sent, message } = setup(mailer);
    const { leadId } = seedEnrolledLead(table, 'throttled@example.com', start);

    await expect(sendStep(message(leadId), deps)).rejects.toBeInstanceOf(SendError);
    expect(await deps.sendRecords.getSendRecord(leadId, sequence.id, sequence.steps[0]!.id)).toBeUndefined();

    refusing = false;
    expect(await sendStep(message(leadId), deps)).toMatchObject({ status: 'sent' });
    expect(sent).toHaveLength(1);
  });

  it('records a send SES may or may not have taken as failed, never sends it again, and counts it', async () => {
    const unknown = new SendError('socket hang up', 'unknown', 'ECONNRESET');
    const { table, deps, sent, counters, message } = setup(recordingMailer(() => unknown));
    const { leadId } = seedEnrolledLead(table, 'unknown@example.com', start);

    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'failed', reason: 'unknown: ECONNRESET' });
    expect(counters.totals.SendUnknown).toBe(1);
    expect(await deps.leadEnrolments.getEnrolment(leadId, sequence.id)).toMatchObject({ stepIndex: 1 });
    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'stale' });
    expect(sent).toHaveLength(0);
  });

  it('records a claim whose sender stopped as failed once it times out, without sending', async () => {
    const { table, clock, deps, sent, counters, message } = setup();
    const { leadId } = seedEnrolledLead(table, 'stopped@example.com', start);
    const step = sequence.steps[0]!;
    await deps.sendRecords.claimStep({
      leadId,
      sequenceId: sequence.id,
      sequenceVersion: sequence.version,
      stepId: step.id,
      stepIndex: 0,
      status: 'claimed',
      claimId: 'dead-sender',
      claimedAt: start.toISOString(),
    });

    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'in-progress' });
    clock.advance(16 * 60_000);
    expect(await sendStep(message(leadId), deps)).toEqual({ status: 'failed', reason: 'interrupted after claim' });
    expect(counters.totals.StepInterrupted).toBe(1);
    expect(sent).toHaveLength(0);
  });

  it('ignores a message for a step the enrolment is no longer at', async () => {
    const { table, deps, sent, message } = setup();
    const { leadId } = seedEnrolledLead(table, 'moved@example.com', start, { stepIndex: 2 });

    expect(await sendStep(message(leadId, 0), deps)).toEqual({ status: 'stale' });
    expect(sent).toHaveLength(0);
  });
});
