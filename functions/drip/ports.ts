import type { CaptureEmailIntent, Enrolment, ExitReason, Lead, Submission } from '../lead/lead';
import type { WorkMessage } from './messages';

export interface DueEntry {
  message: WorkMessage;
  /** The due time as stored, which a lease must match to take the entry. */
  dueAt: string;
}

/** The sparse, sharded due index. */
export interface DueIndex {
  duePage(shard: number, upTo: string, cursor?: string): Promise<{ entries: DueEntry[]; cursor?: string }>;
  /** Moves the entry's due time to `until` if nobody else did first; false if it was taken. */
  lease(entry: DueEntry, until: string): Promise<boolean>;
  /** The earliest due time across all shards (the local clock fast-forwards to it). */
  earliestDue(shards: number): Promise<string | undefined>;
}

export interface WorkQueue {
  /** Enqueues in batches; returns the messages that could not be enqueued. */
  send(messages: WorkMessage[]): Promise<{ failed: WorkMessage[] }>;
}

export type EmailEventField =
  | 'deliveredAt'
  | 'openedAt'
  | 'clickedAt'
  | 'bouncedAt'
  | 'complainedAt'
  | 'unsubscribedAt';

export type SendStatus = 'claimed' | 'sent' | 'skipped' | 'failed';

/** What happened to one step of one enrolment. Written before the send, so a step is sent once. */
export interface SendRecord {
  leadId: string;
  sequenceId: string;
  sequenceVersion: string;
  stepId: string;
  stepIndex: number;
  status: SendStatus;
  variant?: string;
  /** The lead's path when the step was claimed (see `pathKey`): its counters are kept per path. */
  path?: string;
  claimId: string;
  claimedAt: string;
  messageId?: string;
  sentAt?: string;
  reason?: string;
  finishedAt?: string;
}

export type EnrolmentAdvance =
  | { kind: 'next'; stepIndex: number; nextSendAt: string }
  | { kind: 'complete'; at: string }
  | { kind: 'exit'; reason: ExitReason; at: string };

/** A lead's standing and its enrolments: read before each send, moved on after it, ended on an exit. */
export interface EnrolmentStore {
  getEnrolment(leadId: string, sequenceId: string): Promise<Enrolment | undefined>;
  getLead(leadId: string): Promise<Lead | undefined>;
  /**
   * Moves an enrolment on from its current step without recording a send, only if it is still
   * active at that step; true if it moved.
   */
  advanceEnrolment(enrolment: Enrolment, advance: EnrolmentAdvance): Promise<boolean>;
  exitEnrolments(leadId: string, reason: ExitReason, at: string): Promise<Enrolment[]>;
  /**
   * Credits an unsubscribe or a booking that came after a sequence was completed to the step
   * that last reached the person, once per enrolment; answers how many were credited.
   */
  creditCompleted(leadId: string, reason: 'unsubscribed' | 'booked', at: string): Promise<number>;
  markLeadBooked(leadId: string, at: string): Promise<boolean>;
}

/** One record per step of an enrolment: claimed before the send, finished after, noted with SES's events. */
export interface SendRecordStore {
  getSendRecord(leadId: string, sequenceId: string, stepId: string): Promise<SendRecord | undefined>;
  /** Conditional put, only while the lead exists: true if this caller now owns the step. */
  claimStep(record: SendRecord): Promise<boolean>;
  /** Gives a claimed step back (the send certainly did not happen), so a redelivery can retry it. */
  releaseClaim(record: SendRecord): Promise<void>;
  /**
   * Ends the step (sent, skipped or failed) and moves the enrolment on, in one transaction,
   * only if the enrolment is still at this step.
   */
  finishStep(record: SendRecord, enrolment: Enrolment, advance: EnrolmentAdvance): Promise<void>;
  /**
   * Notes a delivery, open, click, bounce or complaint on a sent step; true the first time.
   * With `count`, the step's counter goes up in the same transaction: counted exactly once,
   * even if the call fails halfway and SES's event is delivered again.
   */
  recordEmailEvent(
    leadId: string,
    sequenceId: string,
    stepId: string,
    event: EmailEventField,
    at: string,
    count?: { variant: string; day: string; path?: string; counter: StepCounter },
  ): Promise<boolean>;
}

export interface CaptureEmailResult {
  status: 'sent' | 'failed' | 'pending';
  at: string;
  messageId?: string;
  reason?: string;
  /** `pending` only: false when no send was tried (out of time), so no retry is used up. */
  countAttempt?: boolean;
}

/** The confirmation, opt-in and staff emails the capture request stored, delivered from the table's stream. */
export interface CaptureEmailStore {
  getCaptureEmail(leadId: string, submissionId: string, kind: string): Promise<CaptureEmailIntent | undefined>;
  getSubmission(leadId: string, submissionId: string): Promise<Submission | undefined>;
  /** Conditional: pending → sending, under `claimId`; false if it was not pending. */
  claimCaptureEmail(intent: CaptureEmailIntent, at: string, claimId: string): Promise<boolean>;
  /** Records the outcome of a claimed (sending) intent; nothing if it was erased or is no longer claimed. */
  finishCaptureEmail(intent: CaptureEmailIntent, result: CaptureEmailResult): Promise<void>;
}

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'erased';

/** SES's own, account-level list of suppressed addresses (kept in the clear). */
export interface AccountSuppressionList {
  /** Takes the address off the list; nothing happens if it is not on it. */
  forget(address: string): Promise<void>;
}

export interface SuppressionList {
  reasonFor(address: string): Promise<SuppressionReason | undefined>;
  suppress(address: string, reason: SuppressionReason, at: string): Promise<void>;
}

export const STEP_COUNTERS = [
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
  'booked',
  /** A booking credited to the step was cancelled in the scheduling tool (functions/booking/). */
  'cancelled',
] as const;
export type StepCounter = (typeof STEP_COUNTERS)[number];

export interface StepStats {
  increment(
    at: { sequenceId: string; stepId: string; variant: string; day: string; path?: string },
    counter: StepCounter,
  ): Promise<void>;
}
