import { randomBytes } from 'node:crypto';
import { seededLead } from '../../../bench/seed';
import { checkEmailAddress } from '../../../functions/lead/email-address';
import type { Enrolment } from '../../../functions/lead/lead';
import { createLinkBuilder } from '../../../functions/mail/links';
import { type Mailer, type OutgoingEmail, SendError } from '../../../functions/mail/outgoing-email';
import type { PracticeDetails } from '../../../functions/mail/practice';
import type { Log } from '../../../functions/observability/logger';
import { bundledEmails } from '../../../functions/sequence/build-output/email-bundle';
import type { SequenceVersions } from '../../../functions/sequence/ports';
import { testLeadId } from '../identity';
import { enrolmentKey, item, type MemoryTable } from './memory-table';

/** What the unit tests' use cases need besides the stores: plain values and small recorders. */

export const practice: PracticeDetails = {
  name: 'Bayview Aesthetic Surgery',
  surgeon: 'Dr. Alex Rivera',
  postalAddress: '100 Bayshore Blvd, Tampa, FL 33606',
  phone: '(813) 555-0100',
  timeZone: 'America/New_York',
};

export const links = createLinkBuilder({
  siteUrl: 'https://clinic.example',
  publicApiUrl: 'https://api.clinic.example',
  signingKey: async () => SIGNING_KEY,
});
const SIGNING_KEY = randomBytes(32);

export const quietLog: Log = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Log;

/** The first bundled sequence, and the versions port that finds it. */
export const sequence = Object.values(bundledEmails().sequences)[0]!;
export const versions: SequenceVersions = {
  get: async (sequenceId, version) =>
    Object.values(bundledEmails().sequences).find(
      (candidate) => candidate.id === sequenceId && candidate.version === version,
    ),
};

/** Records what it sends; `fail` may throw a SendError for one send. */
export function recordingMailer(
  fail: (email: OutgoingEmail, attempt: number) => SendError | undefined = () => undefined,
) {
  const sent: OutgoingEmail[] = [];
  let attempts = 0;
  const mailer: Mailer = {
    async send(email) {
      const error = fail(email, ++attempts);
      if (error) throw error;
      sent.push(email);
      return { messageId: `message-${sent.length}` };
    },
  };
  return { mailer, sent };
}

export const throttled = () => new SendError('Maximum sending rate exceeded', 'retryable', 'TooManyRequestsException');

/** A lead enrolled in the bundled sequence, its next step due at `dueAt`. */
export function seedEnrolledLead(table: MemoryTable, email: string, dueAt: Date, extra: Partial<Enrolment> = {}) {
  const check = checkEmailAddress(email);
  if (!check.ok) throw new Error(check.reason);
  const leadId = testLeadId(check.normalised);
  const at = dueAt.toISOString();
  const lead = seededLead(leadId, check.normalised, at);
  const enrolment: Enrolment = {
    leadId,
    sequenceId: sequence.id,
    sequenceVersion: sequence.version,
    status: 'active',
    stepIndex: 0,
    nextSendAt: at,
    timeZone: 'America/New_York',
    enrolledAt: at,
    ...extra,
  };
  table.leads.set(leadId, item(lead));
  const due = enrolment.status === 'active' ? enrolment.nextSendAt : undefined;
  table.enrolments.set(enrolmentKey(leadId, sequence.id), { item: item(enrolment), dueAt: due });
  return { leadId, lead, enrolment };
}
