import type { SendRecord } from '../../functions/drip/ports';
import { CAPTURE_EMAIL_SPACING } from '../../functions/lead/capture-lead';
import type { CaptureEmailIntent, CaptureEmailKind, Enrolment, Lead } from '../../functions/lead/lead';
import type { SubmissionWrite } from '../../functions/lead/ports';
import { dynamoWorld, memoryWorld, SHARDS, type StoreWorld } from '../support/fakes/worlds';

/**
 * One contract, two implementations: the DynamoDB adapters on DynamoDB Local and the in-memory
 * fakes the unit tests use. A fake that drifts from the adapter fails here, not in a unit test
 * that trusts it.
 */

const T0 = '2026-12-01T15:00:00.000Z';
const SEQUENCE = 'contract-sequence';
let counter = 0;

function at(offsetMs: number): string {
  return new Date(Date.parse(T0) + offsetMs).toISOString();
}

function submissionWrite(leadId: string, options: Partial<SubmissionWrite> & { when?: string } = {}): SubmissionWrite {
  const when = options.when ?? T0;
  const submissionId = `${when}#req-${++counter}`;
  const lead: Lead = {
    leadId,
    email: `${leadId}@example.com`,
    firstName: 'Robin',
    preferredContact: 'email',
    interests: ['fraxel-aftercare'],
    status: 'active',
    createdAt: when,
    updatedAt: when,
    submissionCount: 1,
    firstTouch: {},
    lastTouch: {},
  };
  const emails = (['confirmation', 'staff-notification'] as CaptureEmailKind[]).map(
    (kind): CaptureEmailIntent => ({
      leadId,
      submissionId,
      kind,
      status: 'pending',
      createdAt: when,
      attempts: 0,
    }),
  );
  return {
    lead,
    returningProfile: 'fill-empty',
    submission: {
      leadId,
      submissionId,
      receivedAt: when,
      firstName: lead.firstName,
      preferredContact: 'email',
      interests: lead.interests,
      attribution: {},
    },
    consent: {
      leadId,
      submissionId,
      givenAt: when,
      textVersion: '2026-11-01',
      text: 'I agree',
      mode: 'single',
      attribution: {},
    } as SubmissionWrite['consent'],
    enrolment: enrolmentOf(leadId, when),
    emails,
    emailSpacing: CAPTURE_EMAIL_SPACING,
    requestToken: `req-${counter}`,
    ...options,
  };
}

function enrolmentOf(leadId: string, nextSendAt: string): Enrolment {
  return {
    leadId,
    sequenceId: SEQUENCE,
    sequenceVersion: 'v1',
    status: 'active',
    stepIndex: 0,
    nextSendAt,
    timeZone: 'America/New_York',
    enrolledAt: nextSendAt,
  };
}

function claimOf(leadId: string, stepId = 'welcome', claimId = `claim-${leadId}`): SendRecord {
  return {
    leadId,
    sequenceId: SEQUENCE,
    sequenceVersion: 'v1',
    stepId,
    stepIndex: 0,
    status: 'claimed',
    variant: 'a',
    path: 'hair-restoration',
    claimId,
    claimedAt: T0,
  };
}

async function dueEntries(world: StoreWorld, upTo: string) {
  const pages = await Promise.all(Array.from({ length: SHARDS }, (_, shard) => world.due.duePage(shard, upTo)));
  return pages.flatMap((page) => page.entries);
}

let leads = 0;
const newLeadId = () => `contract-lead-${++leads}-${Math.random().toString(36).slice(2, 8)}`;

describe.each([
  ['the DynamoDB adapters', dynamoWorld],
  ['the in-memory fakes', async () => memoryWorld()],
])('%s', (_name, makeWorld) => {
  let world: StoreWorld;
  beforeAll(async () => {
    world = await makeWorld();
  });

  async function seededLead(options: Partial<SubmissionWrite> = {}) {
    const leadId = newLeadId();
    const write = submissionWrite(leadId, options);
    await world.leads.recordSubmission(write);
    return { leadId, write };
  }

  describe('leads', () => {
    it('store a new lead with its enrolment and emails, once per request token', async () => {
      const leadId = newLeadId();
      const write = submissionWrite(leadId);
      const first = await world.leads.recordSubmission(write);
      const again = await world.leads.recordSubmission(write);

      expect(first).toMatchObject({ isNewLead: true, emails: write.emails });
      expect(again).toMatchObject({ isNewLead: true });
      expect(await world.enrolments.getLead(leadId)).toMatchObject({ submissionCount: 1, firstName: 'Robin' });
      expect(await world.enrolments.getEnrolment(leadId, SEQUENCE)).toMatchObject({ status: 'active', stepIndex: 0 });
      expect(await world.captureEmails.getCaptureEmail(leadId, write.submission.submissionId, 'confirmation')).toEqual(
        write.emails[0],
      );
      expect(await world.captureEmails.getSubmission(leadId, write.submission.submissionId)).toEqual(write.submission);
    });

    it('count a returning submission, fill only empty fields, keep the enrolment and space the emails', async () => {
      const { leadId } = await seededLead();
      await world.enrolments.exitEnrolments(leadId, 'unsubscribed', at(1000));
      const returning = submissionWrite(leadId, { when: at(2 * 60 * 60_000) });
      returning.lead = { ...returning.lead, firstName: 'Mallory', lastName: 'Smith' };

      const result = await world.leads.recordSubmission(returning);

      expect(result).toMatchObject({ isNewLead: false, lead: { firstName: 'Robin', lastName: 'Smith' } });
      // The staff slot (an hour) is free again, the visitor's (a day) is not.
      expect(result.rateLimited ? [] : result.emails.map((intent) => intent.kind)).toEqual(['staff-notification']);
      expect(await world.enrolments.getLead(leadId)).toMatchObject({ submissionCount: 2, firstName: 'Robin' });
      expect(await world.enrolments.getEnrolment(leadId, SEQUENCE)).toMatchObject({ status: 'exited' });
      expect(
        await world.captureEmails.getCaptureEmail(leadId, returning.submission.submissionId, 'confirmation'),
      ).toBeUndefined();
    });

    it('refuse a submission over the per-email limit in the same window, not in the next', async () => {
      const rateLimit = { limit: 2, windowStart: Date.parse(T0), windowMs: 60_000 };
      const { leadId } = await seededLead({ rateLimit });
      const second = await world.leads.recordSubmission(submissionWrite(leadId, { rateLimit }));
      const third = await world.leads.recordSubmission(submissionWrite(leadId, { rateLimit }));
      const nextWindow = { ...rateLimit, windowStart: rateLimit.windowStart + 60_000 };
      const fourth = await world.leads.recordSubmission(submissionWrite(leadId, { rateLimit: nextWindow }));

      expect([second.rateLimited ?? false, third.rateLimited, fourth.rateLimited ?? false]).toEqual([
        false,
        true,
        false,
      ]);
      expect(await world.enrolments.getLead(leadId)).toMatchObject({ submissionCount: 3 });
    });

    it('store the capture emails pending, for the stream, and outside the due index', async () => {
      const { leadId, write } = await seededLead();
      const id = write.submission.submissionId;
      for (const kind of ['confirmation', 'staff-notification']) {
        expect(await world.captureEmails.getCaptureEmail(leadId, id, kind)).toMatchObject({
          status: 'pending',
          attempts: 0,
        });
      }
      const due = (await dueEntries(world, at(60 * 60_000))).filter((entry) => entry.message.leadId === leadId);
      expect(due.map((entry) => entry.message.kind)).toEqual(['step']);
    });
  });

  describe('send records', () => {
    it('claim a step once, only while the lead exists; the same claim again is ours', async () => {
      const { leadId } = await seededLead();
      expect(await world.sendRecords.claimStep(claimOf(leadId))).toBe(true);
      expect(await world.sendRecords.claimStep(claimOf(leadId))).toBe(true);
      expect(await world.sendRecords.claimStep(claimOf(leadId, 'welcome', 'another'))).toBe(false);

      const { leadId: erased } = await seededLead();
      await world.deleteLead(erased);
      expect(await world.sendRecords.claimStep(claimOf(erased))).toBe(false);
      expect(await world.sendRecords.getSendRecord(erased, SEQUENCE, 'welcome')).toBeUndefined();
    });

    it('give back only their own claim', async () => {
      const { leadId } = await seededLead();
      await world.sendRecords.claimStep(claimOf(leadId));
      await world.sendRecords.releaseClaim(claimOf(leadId, 'welcome', 'another'));
      expect(await world.sendRecords.getSendRecord(leadId, SEQUENCE, 'welcome')).toMatchObject({ status: 'claimed' });
      await world.sendRecords.releaseClaim(claimOf(leadId));
      expect(await world.sendRecords.getSendRecord(leadId, SEQUENCE, 'welcome')).toBeUndefined();
    });

    it('finish a step and move the enrolment on together, keeping an event noted in between', async () => {
      const { leadId } = await seededLead();
      const enrolment = (await world.enrolments.getEnrolment(leadId, SEQUENCE))!;
      const claim = claimOf(leadId);
      await world.sendRecords.claimStep(claim);
      expect(await world.sendRecords.recordEmailEvent(leadId, SEQUENCE, 'welcome', 'deliveredAt', at(1000))).toBe(true);
      const sent = { ...claim, status: 'sent' as const, messageId: 'm-1', sentAt: at(500), finishedAt: at(500) };
      await world.sendRecords.finishStep(sent, enrolment, { kind: 'next', stepIndex: 1, nextSendAt: at(86_400_000) });

      expect(await world.sendRecords.getSendRecord(leadId, SEQUENCE, 'welcome')).toMatchObject({
        status: 'sent',
        messageId: 'm-1',
        deliveredAt: at(1000),
        path: 'hair-restoration',
      });
      expect(await world.enrolments.getEnrolment(leadId, SEQUENCE)).toMatchObject({
        stepIndex: 1,
        nextSendAt: at(86_400_000),
        lastStepId: 'welcome',
        lastVariant: 'a',
        // Later credits (unsubscribe, booking) land on the path this step went out on.
        lastPath: 'hair-restoration',
      });
      const due = (await dueEntries(world, at(2 * 86_400_000))).find(
        (entry) => entry.message.kind === 'step' && entry.message.leadId === leadId,
      );
      expect(due).toEqual({
        message: { kind: 'step', leadId, sequenceId: SEQUENCE, stepIndex: 1, dueAt: at(86_400_000) },
        dueAt: at(86_400_000),
      });
    });

    it('record nothing for a lost claim; record the outcome but leave an enrolment that moved on', async () => {
      const { leadId } = await seededLead();
      const enrolment = (await world.enrolments.getEnrolment(leadId, SEQUENCE))!;
      const claim = claimOf(leadId);
      await world.sendRecords.claimStep(claim);
      const next = { kind: 'next' as const, stepIndex: 1, nextSendAt: at(86_400_000) };
      await world.sendRecords.finishStep({ ...claim, claimId: 'lost', status: 'failed', reason: 'x' }, enrolment, next);
      expect(await world.sendRecords.getSendRecord(leadId, SEQUENCE, 'welcome')).toMatchObject({ status: 'claimed' });

      await world.enrolments.exitEnrolments(leadId, 'unsubscribed', at(100));
      await world.sendRecords.finishStep({ ...claim, status: 'skipped', reason: 'suppressed' }, enrolment, next);
      expect(await world.sendRecords.getSendRecord(leadId, SEQUENCE, 'welcome')).toMatchObject({ status: 'skipped' });
      expect(await world.enrolments.getEnrolment(leadId, SEQUENCE)).toMatchObject({ status: 'exited', stepIndex: 0 });
    });

    it('note an event once and count it once', async () => {
      const { leadId } = await seededLead();
      await world.sendRecords.claimStep(claimOf(leadId));
      const day = { variant: 'a', day: T0.slice(0, 10), counter: 'opened' as const };
      const note = () => world.sendRecords.recordEmailEvent(leadId, SEQUENCE, 'welcome', 'openedAt', at(1), day);

      expect([await note(), await note()]).toEqual([true, false]);
      expect(await world.sendRecords.recordEmailEvent(leadId, SEQUENCE, 'other-step', 'openedAt', at(1), day)).toBe(
        false,
      );
      const stepDay = { sequenceId: SEQUENCE, stepId: 'welcome', variant: 'a', day: day.day };
      expect(await world.counted(stepDay, 'opened')).toBe(1);
    });
  });

  describe('enrolments', () => {
    it('move on only from the step they are at, and leave the due index when they end', async () => {
      const { leadId } = await seededLead();
      const enrolment = (await world.enrolments.getEnrolment(leadId, SEQUENCE))!;
      const complete = { kind: 'complete' as const, at: at(1) };
      expect(await world.enrolments.advanceEnrolment({ ...enrolment, stepIndex: 3 }, complete)).toBe(false);
      expect(await world.enrolments.advanceEnrolment(enrolment, complete)).toBe(true);
      expect(await world.enrolments.advanceEnrolment(enrolment, complete)).toBe(false);

      const stored = await world.enrolments.getEnrolment(leadId, SEQUENCE);
      expect(stored).toMatchObject({ status: 'completed' });
      expect(stored?.nextSendAt).toBeUndefined();
      expect(
        (await dueEntries(world, at(86_400_000))).some(
          (entry) => entry.message.kind === 'step' && entry.message.leadId === leadId,
        ),
      ).toBe(false);
    });

    it('exit once, credit a completed sequence once, and book a lead once', async () => {
      const { leadId } = await seededLead();
      const exited = await world.enrolments.exitEnrolments(leadId, 'booked', at(1));
      expect(exited).toEqual([
        expect.objectContaining({ sequenceId: SEQUENCE, status: 'exited', exitReason: 'booked', exitedAt: at(1) }),
      ]);
      expect(await world.enrolments.exitEnrolments(leadId, 'booked', at(2))).toEqual([]);
      expect([
        await world.enrolments.markLeadBooked(leadId, at(1)),
        await world.enrolments.markLeadBooked(leadId, at(2)),
      ]).toEqual([true, false]);
      expect(await world.enrolments.markLeadBooked('nobody', at(1))).toBe(false);

      const { leadId: finished } = await seededLead();
      const enrolment = (await world.enrolments.getEnrolment(finished, SEQUENCE))!;
      await world.sendRecords.claimStep(claimOf(finished));
      await world.sendRecords.finishStep(
        { ...claimOf(finished), status: 'sent', sentAt: at(1), messageId: 'm', finishedAt: at(1) },
        enrolment,
        { kind: 'complete', at: at(1) },
      );
      expect([
        await world.enrolments.creditCompleted(finished, 'unsubscribed', at(5)),
        await world.enrolments.creditCompleted(finished, 'unsubscribed', at(6)),
      ]).toEqual([1, 0]);
    });
  });

  describe('capture emails and the due index', () => {
    it('claim a pending email once, send it again later, and end it', async () => {
      const { leadId, write } = await seededLead();
      const [confirmation] = write.emails as [CaptureEmailIntent];
      const pending = (await world.captureEmails.getCaptureEmail(leadId, confirmation.submissionId, 'confirmation'))!;

      expect(await world.captureEmails.claimCaptureEmail(pending, at(1), 'c-1')).toBe(true);
      expect(await world.captureEmails.claimCaptureEmail(pending, at(1), 'c-2')).toBe(false);
      await world.captureEmails.finishCaptureEmail(pending, {
        status: 'pending',
        at: at(2),
        reason: 'Throttling',
      });
      const again = await world.captureEmails.getCaptureEmail(leadId, confirmation.submissionId, 'confirmation');
      expect(again).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Throttling' });

      expect(await world.captureEmails.claimCaptureEmail(again!, at(3), 'c-3')).toBe(true);
      await world.captureEmails.finishCaptureEmail(again!, { status: 'sent', at: at(4), messageId: 'm-9' });
      await world.captureEmails.finishCaptureEmail(again!, { status: 'failed', at: at(5), reason: 'late' });
      expect(
        await world.captureEmails.getCaptureEmail(leadId, confirmation.submissionId, 'confirmation'),
      ).toMatchObject({
        status: 'sent',
        messageId: 'm-9',
        attempts: 2,
      });
    });

    it('lease a due entry once, until the lease runs out', async () => {
      const { leadId } = await seededLead({ emails: [] });
      const [entry] = (await dueEntries(world, T0)).filter((candidate) => candidate.message.leadId === leadId);
      expect(entry).toBeDefined();
      expect(await world.due.lease(entry!, at(60_000))).toBe(true);
      expect(await world.due.lease(entry!, at(60_000))).toBe(false);
      expect((await dueEntries(world, at(30_000))).some((candidate) => candidate.message.leadId === leadId)).toBe(
        false,
      );
      const later = (await dueEntries(world, at(60_000))).find((candidate) => candidate.message.leadId === leadId);
      expect(later).toEqual({ message: entry!.message, dueAt: at(60_000) });
      expect(await world.due.earliestDue(SHARDS)).toBeDefined();
    });
  });
});
