import type { CaptureEmailIntent, ConsentRecord, Enrolment, Lead, Submission } from './lead';

export interface SubmissionWrite {
  /**
   * The lead as this submission describes it. It creates a new lead; a returning lead's profile
   * is never overwritten by an anonymous post (see `returningProfile`).
   */
  lead: Lead;
  /**
   * What a returning submission may do to the stored profile: `fill-empty` sets only fields that
   * are still empty (single opt-in); `none` leaves it as it is until the person confirms this
   * submission from their mailbox (double opt-in).
   */
  returningProfile: 'fill-empty' | 'none';
  submission: Submission;
  consent: ConsentRecord;
  /** Present when the lead should be enrolled now; at most one enrolment per lead and sequence. */
  enrolment?: Enrolment;
  emails: CaptureEmailIntent[];
  /**
   * How often one lead may be written to: the visitor's own email (confirmation or opt-in) at
   * most once per `visitorEveryMs`, the staff notification once per `staffEveryMs`. A returning
   * submission past its limit stores no such email (the form is public: anyone can post it).
   */
  emailSpacing: { visitorEveryMs: number; staffEveryMs: number };
  /** Idempotency token for the storage call (the request id). */
  requestToken: string;
  /**
   * Per-email limit, checked in the same write as the lead: at most `limit` submissions in the
   * fixed window starting at `windowStart` (epoch ms) of `windowMs`.
   */
  rateLimit?: { limit: number; windowStart: number; windowMs: number };
}

export type RecordedSubmission =
  | {
      isNewLead: boolean;
      /** The lead as stored after this submission: what the lead's own emails are written from. */
      lead: Lead;
      /** The capture emails stored for sending (those within the lead's email spacing). */
      emails: CaptureEmailIntent[];
      rateLimited?: false;
    }
  | { rateLimited: true };

export interface LeadRepository {
  /**
   * Stores the submission, its consent record and the capture emails; creates the lead and
   * its enrolment on first contact, updates the lead after that. All or nothing.
   */
  recordSubmission(write: SubmissionWrite): Promise<RecordedSubmission>;
}
