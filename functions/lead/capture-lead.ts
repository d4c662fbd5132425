import { type ConsentMode, consentText } from '../consent/consent-text';
import type { SuppressionList } from '../drip/ports';
import type { Log } from '../observability/logger';
import type { SequenceCatalog } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import type { AddressIds } from './address-ids';
import type {
  Attribution,
  CaptureEmailIntent,
  CaptureEmailKind,
  ConsentRecord,
  Enrolment,
  Lead,
  Submission,
} from './lead';
import { isHoneypotFilled, type LeadForm } from './lead-form';
import type { LeadRepository } from './ports';

export interface CaptureSettings {
  defaultSequenceId: string;
  consentMode: ConsentMode;
  practiceName: string;
  practiceTimeZone: string;
  /** Submissions per person (email address) per minute; more are refused with 429. */
  perEmailPerMinute: number;
}

/**
 * The form is public: whoever posts it with an address makes us write to that address. So the
 * visitor gets at most one confirmation (or opt-in email) a day, and staff hear about the same
 * lead at most once an hour; every submission is stored all the same.
 */
export const CAPTURE_EMAIL_SPACING = { visitorEveryMs: 24 * 60 * 60 * 1000, staffEveryMs: 60 * 60 * 1000 };

export interface CaptureDeps {
  /** The lead id of the posted address (a keyed HMAC; see email-address.ts leadIdFor). */
  ids: Pick<AddressIds, 'leadIdFor'>;
  leads: LeadRepository;
  /** Who must not be emailed: unsubscribed, bounced, complained or erased. */
  suppression: Pick<SuppressionList, 'reasonFor'>;
  sequences: SequenceCatalog;
  settings: CaptureSettings;
  clock: Clock;
  log: Log;
}

export interface CaptureRequest {
  requestId: string;
  receivedAt: Date;
}

export type CaptureOutcome =
  | { kind: 'accepted'; leadId: string; isNewLead: boolean }
  | { kind: 'discarded' }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

const RATE_WINDOW_MS = 60_000;

/**
 * A visitor asked for a consultation. Store who they are, what they agreed to and where they
 * came from, enrol them in the default sequence once, and store the intents to tell staff and
 * confirm to the visitor, all in one transaction; then answer. The emails go out from the
 * table's stream (sendCaptureEmail), so SES is never on the visitor's wait.
 */
export async function captureLead(form: LeadForm, request: CaptureRequest, deps: CaptureDeps): Promise<CaptureOutcome> {
  if (isHoneypotFilled(form)) {
    deps.log.info('Honeypot field filled; submission discarded', { requestId: request.requestId });
    return { kind: 'discarded' };
  }
  const { settings } = deps;
  const now = request.receivedAt.toISOString();
  const leadId = await deps.ids.leadIdFor(form.email);
  const submissionId = `${now}#${request.requestId}`;
  const { lead, submission, consent } = captureRecords(form, { leadId, submissionId, now }, settings);
  // Someone who unsubscribed, bounced, complained or was erased gets nothing from a form post
  // (anyone can post it with their address): no confirmation, no sequence. Staff still hear.
  const suppressed = await deps.suppression.reasonFor(form.email);
  const enrolment =
    settings.consentMode === 'single' && !suppressed ? await newEnrolment(lead, request.receivedAt, deps) : undefined;
  const visitorEmail: CaptureEmailKind = settings.consentMode === 'single' ? 'confirmation' : 'opt-in';
  const kinds: CaptureEmailKind[] = suppressed ? ['staff-notification'] : [visitorEmail, 'staff-notification'];
  // Inserted pending: the stream's INSERT of each one is what delivers it.
  const emails = pendingCaptureEmails(kinds, { leadId, submissionId, now });
  const windowStart = Math.floor(request.receivedAt.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS;
  const recorded = await deps.leads.recordSubmission({
    lead,
    submission,
    consent,
    enrolment,
    emails,
    returningProfile: settings.consentMode === 'single' ? 'fill-empty' : 'none',
    emailSpacing: CAPTURE_EMAIL_SPACING,
    requestToken: request.requestId,
    rateLimit: { limit: settings.perEmailPerMinute, windowStart, windowMs: RATE_WINDOW_MS },
  });
  if (recorded.rateLimited) {
    deps.log.info('Submission refused: too many for this lead in a minute', { leadId, requestId: request.requestId });
    const retryAfterMs = windowStart + RATE_WINDOW_MS - request.receivedAt.getTime();
    return { kind: 'rate-limited', retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }
  const { isNewLead } = recorded;
  deps.log.info('Lead captured', {
    leadId,
    isNewLead,
    requestId: request.requestId,
    emails: recorded.emails.map((intent) => intent.kind),
    ...(suppressed ? { suppressed } : {}),
  });

  return { kind: 'accepted', leadId, isNewLead };
}

async function newEnrolment(lead: Lead, now: Date, deps: CaptureDeps): Promise<Enrolment> {
  const sequence = await deps.sequences.current(deps.settings.defaultSequenceId);
  return {
    leadId: lead.leadId,
    sequenceId: sequence.sequenceId,
    sequenceVersion: sequence.version,
    status: 'active',
    stepIndex: 0,
    // The welcome goes out right away; later steps follow the sequence's send window.
    nextSendAt: now.toISOString(),
    timeZone:
      lead.timeZone ??
      (sequence.timeZoneFallback === 'practice' ? deps.settings.practiceTimeZone : sequence.timeZoneFallback),
    enrolledAt: now.toISOString(),
  };
}

/**
 * The capture emails of one submission, stored pending in the capture transaction: the table's
 * stream hands each INSERT to the capture mailer, which claims it just before the send
 * (functions/lead/send-capture-email.ts).
 */
export function pendingCaptureEmails(
  kinds: readonly CaptureEmailKind[],
  ids: { leadId: string; submissionId: string; now: string },
): CaptureEmailIntent[] {
  const { leadId, submissionId, now } = ids;
  return kinds.map((kind) => ({ leadId, submissionId, kind, status: 'pending', createdAt: now, attempts: 0 }));
}

/**
 * What one submission stores: the lead as it is when new, the submission and the consent
 * given with it. `npm run bench`'s direct-write baseline builds its items here too.
 */
export function captureRecords(
  form: LeadForm,
  ids: { leadId: string; submissionId: string; now: string },
  settings: Pick<CaptureSettings, 'consentMode' | 'practiceName'>,
): { lead: Lead; submission: Submission; consent: ConsentRecord } {
  const { leadId, submissionId, now } = ids;
  const attribution = attributionOf(form);
  const profile = {
    firstName: form.firstName,
    lastName: form.lastName,
    phone: form.phone,
    preferredContact: form.preferredContact,
    interests: form.interests,
    timeZone: form.timeZone,
  };
  const lead: Lead = {
    leadId,
    email: form.email,
    ...profile,
    status: settings.consentMode === 'single' ? 'active' : 'pending-confirmation',
    createdAt: now,
    updatedAt: now,
    submissionCount: 1,
    firstTouch: attribution,
    lastTouch: attribution,
  };
  const submission: Submission = {
    leadId,
    submissionId,
    receivedAt: now,
    ...profile,
    message: form.message,
    attribution,
  };
  const consent: ConsentRecord = {
    leadId,
    submissionId,
    givenAt: now,
    textVersion: form.consentVersion,
    text: consentText(form.consentVersion, settings.practiceName),
    mode: settings.consentMode,
    sourcePage: attribution.landingPath,
    attribution,
  };
  return { lead, submission, consent };
}

function attributionOf(form: LeadForm): Attribution {
  return {
    utmSource: form.utm_source,
    utmMedium: form.utm_medium,
    utmCampaign: form.utm_campaign,
    utmTerm: form.utm_term,
    utmContent: form.utm_content,
    landingPath: form.landingPath,
    referrer: form.referrer,
  };
}
