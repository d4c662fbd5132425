import type { OptInRecord } from '../consent/opt-in-token';
import type { CaptureEmailIntent, ConsentRecord, Enrolment, Lead, Submission } from './lead';

export interface SubmissionWrite {
  /** The lead as this submission describes it; a returning lead is updated with these values. */
  lead: Lead;
  submission: Submission;
  consent: ConsentRecord;
  /** Present when the lead should be enrolled now; at most one enrolment per lead and sequence. */
  enrolment?: Enrolment;
  emails: CaptureEmailIntent[];
  /** Double opt-in: the hashed token the emailed link carries. */
  optIn?: OptInRecord;
  /** Idempotency token for the storage call (the request id). */
  requestToken: string;
  /**
   * Per-email limit, checked in the same write as the lead: at most `limit` submissions in the
   * fixed window starting at `windowStart` (epoch ms) of `windowMs`.
   */
  rateLimit?: { limit: number; windowStart: number; windowMs: number };
}

export type RecordedSubmission = { isNewLead: boolean; rateLimited?: false } | { rateLimited: true };

export interface LeadRepository {
  /**
   * Stores the submission, its consent record and the capture emails; creates the lead and
   * its enrolment on first contact, updates the lead after that. All or nothing.
   */
  recordSubmission(write: SubmissionWrite): Promise<RecordedSubmission>;
  markCaptureEmailSent(intent: CaptureEmailIntent, messageId: string, sentAt: string): Promise<void>;
  markCaptureEmailUnsent(intent: CaptureEmailIntent, reason: string): Promise<void>;
}
