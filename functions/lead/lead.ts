import type { ConsentMode, ConsentTextVersion } from '../consent/consent-text';
import type { ContactMethod, Interest } from './interests';

/** Where a submission came from: UTM parameters, the page and the referrer. */
export interface Attribution {
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmTerm?: string;
  utmContent?: string;
  landingPath?: string;
  referrer?: string;
}

export type LeadStatus = 'active' | 'pending-confirmation' | 'booked';

export interface Lead {
  leadId: string;
  email: string;
  firstName: string;
  lastName?: string;
  phone?: string;
  preferredContact: ContactMethod;
  interests: Interest[];
  timeZone?: string;
  status: LeadStatus;
  createdAt: string;
  updatedAt: string;
  submissionCount: number;
  firstTouch: Attribution;
  lastTouch: Attribution;
  bookedAt?: string;
}

export interface Submission {
  leadId: string;
  submissionId: string;
  receivedAt: string;
  firstName: string;
  lastName?: string;
  phone?: string;
  preferredContact: ContactMethod;
  interests: Interest[];
  message?: string;
  timeZone?: string;
  attribution: Attribution;
}

export interface ConsentRecord {
  leadId: string;
  submissionId: string;
  givenAt: string;
  textVersion: ConsentTextVersion;
  /** The wording exactly as shown, so it can be produced later without reconstructing it. */
  text: string;
  mode: ConsentMode;
  /** Set when a double opt-in link is followed. */
  confirmedAt?: string;
  sourcePage?: string;
  attribution: Attribution;
}

/** `replied`: paused because the person replied (staff follow up; the dispatcher never sees it). */
export type EnrolmentStatus = 'active' | 'completed' | 'exited' | 'pending' | 'replied';
/**
 * `sunset`: the lead stopped opening and clicking, and did not answer "shall we keep writing?".
 * The sequence ends, but it is not an unsubscribe: the address is not suppressed.
 */
export type ExitReason = 'booked' | 'unsubscribed' | 'bounced' | 'complained' | 'stopped' | 'erased' | 'sunset';

export interface Enrolment {
  leadId: string;
  sequenceId: string;
  /** The version the lead started on; later publishes do not change it unless staff move them. */
  sequenceVersion: string;
  status: EnrolmentStatus;
  /** Index of the next step to send. */
  stepIndex: number;
  nextSendAt?: string;
  timeZone: string;
  enrolledAt: string;
  lastSentAt?: string;
  /** The last step that went out and its subject variant: what an unsubscribe or booking is credited to. */
  lastStepId?: string;
  lastVariant?: string;
  /** The path (see `pathKey`) that last step went out on, so its credits land on that path's row. */
  lastPath?: string;
  /**
   * Steps of the pinned version the lead already received under an earlier version (set when
   * staff move the enrolment): the sender skips them instead of sending them again.
   */
  receivedStepIds?: string[];
  exitReason?: ExitReason;
  exitedAt?: string;
  /** When a reply paused it (status `replied`). */
  repliedAt?: string;
  /** Engagement (see functions/drip/engagement.ts), written by the SES events of this enrolment's emails. */
  engagedAt?: string;
  /** The enrolment's stepIndex when the latest open or click came: the steps before it had been sent. */
  engagedStepIndex?: number;
  /** The first click on the booking link not yet followed up. */
  bookingClickAt?: string;
  /** When the booking-click branch fired: staff were alerted, the console flags the lead. */
  hotLeadAt?: string;
}

export type CaptureEmailKind = 'confirmation' | 'staff-notification' | 'opt-in';

/** A capture email that must go out: stored with the lead, so a failed send is retried, not lost. */
export interface CaptureEmailIntent {
  leadId: string;
  submissionId: string;
  kind: CaptureEmailKind;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  createdAt: string;
  /** Set while a worker is sending it; a stale claim means that worker stopped. */
  claimedAt?: string;
  /** Which worker's claim it is: a worker whose own claim write was retried recognises it. */
  claimId?: string;
  attempts: number;
  messageId?: string;
  lastError?: string;
}
