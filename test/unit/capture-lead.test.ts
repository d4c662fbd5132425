import { createCaptureEmailComposer } from '../../functions/lead/capture-emails';
import { type CaptureDeps, captureLead } from '../../functions/lead/capture-lead';
import { leadFormSchema } from '../../functions/lead/lead-form';
import { memoryCounters } from '../../functions/observability/metrics';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { validLead } from '../support/capture-harness';
import { TestClock } from '../support/drip-harness';
import { links, practice, quietLog, recordingMailer, sequence, throttled } from '../support/fakes/doubles';
import { MemorySuppressionList, memoryAddressIds } from '../support/fakes/drip-stores';
import { MemoryLeadRepository } from '../support/fakes/lead-repository';
import { enrolmentKey, MemoryTable } from '../support/fakes/memory-table';
import { testLeadId as leadIdFor } from '../support/identity';

/** captureLead on the in-memory repository (test/integration/store-contract.test.ts keeps it honest). */

const start = new Date('2026-12-01T15:00:00Z');

function setup(options: { mailer?: ReturnType<typeof recordingMailer>; consentMode?: 'single' | 'double' } = {}) {
  const table = new MemoryTable();
  const clock = new TestClock(start);
  const mailer = options.mailer ?? recordingMailer();
  const suppression = new MemorySuppressionList();
  const counters = memoryCounters();
  const deps: CaptureDeps = {
    leads: new MemoryLeadRepository(table),
    ids: memoryAddressIds,
    counters,
    suppression,
    sequences: {
      current: async () => ({ sequenceId: sequence.id, version: sequence.version, timeZoneFallback: 'practice' }),
    },
    composer: createCaptureEmailComposer({
      templates: bundledEmails().transactional,
      practice,
      staffAddresses: ['staff@clinic.example'],
      links,
    }),
    mailer: mailer.mailer,
    settings: {
      defaultSequenceId: sequence.id,
      consentMode: options.consentMode ?? 'single',
      practiceName: practice.name,
      practiceTimeZone: practice.timeZone,
      perEmailPerMinute: 3,
      captureEmailRetryAfterMs: 10 * 60_000,
    },
    clock,
    log: quietLog,
  };
  let requests = 0;
  const post = (email: string, extra: Record<string, unknown> = {}) => {
    const receivedAt = clock.now();
    return captureLead(
      leadFormSchema.parse(validLead(email, extra)),
      { requestId: `r-${++requests}`, receivedAt },
      deps,
    );
  };
  return { table, clock, suppression, counters, deps, sent: mailer.sent, post };
}

const kindsOf = (sent: { tags: Record<string, string> }[]) => sent.map((email) => email.tags.kind).sort();

describe('captureLead', () => {
  it('stores a new lead, enrols it once, and sends the confirmation and the staff notification', async () => {
    const { table, sent, post } = setup();

    expect(await post('new@example.com')).toEqual({
      kind: 'accepted',
      leadId: leadIdFor('new@example.com'),
      isNewLead: true,
    });

    const leadId = leadIdFor('new@example.com');
    expect(kindsOf(sent)).toEqual(['confirmation', 'staff-notification']);
    expect(table.leadOf(leadId)).toMatchObject({ status: 'active', firstName: 'Dana', submissionCount: 1 });
    const enrolment = table.enrolments.get(enrolmentKey(leadId, sequence.id));
    expect(enrolment).toMatchObject({
      item: { status: 'active', stepIndex: 0, nextSendAt: start.toISOString(), timeZone: 'America/New_York' },
      dueAt: start.toISOString(),
    });
    const emails = [...table.captureEmails.values()].map((stored) => stored.item);
    expect(emails.map((intent) => [intent.kind, intent.status])).toEqual([
      ['confirmation', 'sent'],
      ['staff-notification', 'sent'],
    ]);
  });

  it('discards a post whose honeypot is filled, storing nothing', async () => {
    const { table, sent, post } = setup();
    expect(await post('bot@example.com', { website: 'https://spam.example' })).toEqual({ kind: 'discarded' });
    expect(table.leads.size + table.captureEmails.size + sent.length).toBe(0);
  });

  it('tells staff about a suppressed address, but neither confirms nor enrols it', async () => {
    const { table, suppression, sent, post } = setup();
    await suppression.suppress('stopped@example.com', 'unsubscribed', start.toISOString());

    expect(await post('stopped@example.com')).toMatchObject({ kind: 'accepted', isNewLead: true });
    expect(kindsOf(sent)).toEqual(['staff-notification']);
    expect(table.enrolments.size).toBe(0);
  });

  it('keeps the lead and leaves a throttled email for the sender to retry', async () => {
    const mailer = recordingMailer((email) => (email.tags.kind === 'confirmation' ? throttled() : undefined));
    const { table, sent, post } = setup({ mailer });

    expect(await post('busy@example.com')).toMatchObject({ kind: 'accepted' });
    const leadId = leadIdFor('busy@example.com');
    expect(kindsOf(sent)).toEqual(['staff-notification']);
    const [confirmation] = [...table.captureEmails.entries()].filter(([key]) => key.endsWith('#confirmation'));
    expect(confirmation![1]).toMatchObject({
      item: { status: 'pending', attempts: 1 },
      dueAt: new Date(start.getTime() + 10 * 60_000).toISOString(),
    });
    expect(table.leadOf(leadId)).toBeDefined();
  });

  it('answers a returning visitor without a second confirmation or enrolment, and limits posts per minute', async () => {
    const { table, clock, sent, post } = setup();
    await post('back@example.com');
    clock.advance(1000);

    expect(await post('back@example.com', { firstName: 'Someone', lastName: 'Else' })).toMatchObject({
      kind: 'accepted',
      isNewLead: false,
    });
    expect(kindsOf(sent)).toEqual(['confirmation', 'staff-notification']);
    const leadId = leadIdFor('back@example.com');
    expect(table.leadOf(leadId)).toMatchObject({ firstName: 'Dana', lastName: 'Whitfield', submissionCount: 2 });
    expect(table.enrolments.size).toBe(1);

    await post('back@example.com');
    expect(await post('back@example.com')).toMatchObject({ kind: 'rate-limited' });
    expect(table.submissions.size).toBe(3);
  });

  it('with double opt-in, sends the opt-in email and enrols nobody until the person confirms', async () => {
    const { table, sent, post } = setup({ consentMode: 'double' });

    expect(await post('careful@example.com')).toMatchObject({ kind: 'accepted', isNewLead: true });
    expect(kindsOf(sent)).toEqual(['opt-in', 'staff-notification']);
    expect(table.leadOf(leadIdFor('careful@example.com'))).toMatchObject({ status: 'pending-confirmation' });
    expect(table.enrolments.size).toBe(0);
    expect(table.optIns.size).toBe(1);
  });
});
