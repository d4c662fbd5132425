import { randomUUID } from 'node:crypto';
import { DynamoEngagementStore } from '../../functions/adapters/dynamodb/engagement-store';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoSequenceVersions } from '../../functions/adapters/dynamodb/sequence-versions';
import { DynamoSuppressionList } from '../../functions/adapters/dynamodb/suppression-list';
import { pathForBehaviour } from '../../functions/admin/simulate-behaviour';
import type { WorkMessage } from '../../functions/drip/messages';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { contentVersion } from '../../functions/sequence/compile/version';
import type { CompiledSequence, CompiledStep } from '../../functions/sequence/compiled';
import { countingMailer, dripHarness, TestClock } from '../support/drip-harness';
import { testAddressIds } from '../support/identity';
import { uniqueEmail } from '../support/services';

/**
 * The inactive branch through the real dispatcher and sender on DynamoDB Local: two regular
 * emails without an open or a click slow the cadence, one more brings "shall we keep writing?",
 * and silence after that ends the enrolment as `sunset`, without suppressing the address.
 */

jest.setTimeout(120_000);

const DAY = 86_400_000;

function inactiveSequence(base: CompiledSequence): CompiledSequence {
  const email = base.steps[1]!;
  const step = (id: string, when?: CompiledStep['when']): CompiledStep => ({
    ...email,
    id,
    delay: id === 'a' ? 'PT0S' : 'P1D',
    ...(when ? { when } : {}),
  });
  const content = {
    ...base,
    sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, start: '00:00', end: '23:59' },
    engagement: { inactiveAfter: 2, inactiveSlowdown: 'P7D' },
    steps: [step('a'), step('b'), step('c'), step('d'), step('e'), step('keep-writing', { engagement: 'inactive' })],
  } as CompiledSequence;
  const { version: _, ...rest } = content;
  return { ...rest, version: contentVersion(rest) };
}

async function run(options: { openAfter?: string; deliverTwice?: boolean }) {
  const clock = new TestClock(new Date('2026-12-01T15:00:00Z'));
  const harness = await dripHarness({ clock });
  const sequence = inactiveSequence(harness.sequence);
  const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
  await new DynamoSequenceVersions(table).save(sequence);
  const email = uniqueEmail('quiet');
  const leadId = await harness.seedLead(email, clock.now(), { sequenceVersion: sequence.version });
  const sent: { step: string; at: number }[] = [];
  const inner: Mailer = { send: async () => ({ messageId: randomUUID() }) };
  const counting = countingMailer(inner);
  const worker = harness.worker({
    mailer: {
      async send(mail) {
        sent.push({ step: mail.tags.step!, at: clock.now().getTime() });
        return counting.mailer.send(mail);
      },
    },
  });
  worker.attach();
  // SQS may deliver a message twice: each dispatched message is queued again once the first copy is done.
  const queued: WorkMessage[] = [];
  const queueSend = worker.queue.send.bind(worker.queue);
  worker.queue.send = async (messages) => {
    if (options.deliverTwice) queued.push(...messages);
    return queueSend(messages);
  };
  const engagement = new DynamoEngagementStore(table);
  for (let hour = 0; hour < 40 * 24; hour += 6) {
    await worker.dispatch();
    await worker.queue.drain();
    if (queued.length) {
      await queueSend(queued.splice(0));
      await worker.queue.drain();
    }
    const last = sent.at(-1);
    if (options.openAfter && last?.step === options.openAfter && !sent.some((send) => send.step === 'opened')) {
      // The lead opens that email (as SES reports it to the ses-events handler).
      await engagement.noteEngagement(leadId, sequence.id, {
        stepId: last.step,
        at: clock.now().toISOString(),
        kind: 'open',
        bookingClick: false,
      });
      sent.push({ step: 'opened', at: clock.now().getTime() });
    }
    clock.advance(6 * 3_600_000);
  }
  return {
    sequence,
    start: new Date('2026-12-01T15:00:00Z'),
    sent: sent.filter((send) => send.step !== 'opened'),
    enrolment: await new DynamoEnrolmentStore(table).getEnrolment(leadId, sequence.id),
    suppressed: await new DynamoSuppressionList(table, testAddressIds(table)).reasonFor(email),
    counters: worker.counters.totals,
  };
}

describe('the inactive branch', () => {
  it('slows down, asks "shall we keep writing?" once, then ends as sunset without suppressing the address', async () => {
    const { sent, enrolment, suppressed, counters, sequence, start } = await run({});
    expect(sent.map((send) => send.step)).toEqual(['a', 'b', 'c', 'keep-writing']);
    // The console's simulator shows this very path, at these very times, for "does nothing".
    const simulated = await pathForBehaviour(sequence, [], 'nothing', start, 'America/New_York');
    expect(simulated.turns.map((turn) => ({ step: turn.stepId, at: turn.at.getTime() }))).toEqual(sent);
    const gaps = sent.slice(1).map((send, index) => Math.round((send.at - sent[index]!.at) / DAY));
    // The regular one-day cadence until two went unopened; then a week longer before the question.
    expect(gaps).toEqual([1, 1, 8]);
    expect(enrolment).toMatchObject({ status: 'exited', exitReason: 'sunset' });
    expect(suppressed).toBeUndefined();
    expect(counters.EnrolmentSunset).toBe(1);
  });

  it('gives the question its turn when the message that sent it is delivered twice', async () => {
    const once = await run({});
    const twice = await run({ deliverTwice: true });
    expect(twice.sent.map((send) => send.step)).toEqual(['a', 'b', 'c', 'keep-writing']);
    expect(twice.sent).toEqual(once.sent.map((send) => ({ ...send })));
    // Not ended by the second copy seconds after the question went out.
    expect(twice.enrolment).toMatchObject({
      status: 'exited',
      exitReason: 'sunset',
      exitedAt: once.enrolment?.exitedAt,
    });
  });

  it('keeps the regular cadence for a lead who opens', async () => {
    const { sent, enrolment } = await run({ openAfter: 'b' });
    expect(sent.map((send) => send.step)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(enrolment).toMatchObject({ status: 'completed' });
  });
});
