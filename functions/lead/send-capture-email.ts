import { randomUUID } from 'node:crypto';
import type { OptInStore } from '../consent/confirm-opt-in';
import { issueOptInToken } from '../consent/opt-in-token';
import type { Pacer } from '../drip/pacing';
import type { CaptureEmailStore, EnrolmentStore, SuppressionList } from '../drip/ports';
import type { Counters } from '../drip/send-step';
import { sendWithRetry } from '../drip/send-with-retry';
import { OutOfTimeError, type TimeBudget, UNLIMITED } from '../drip/time-budget';
import { type Mailer, type OutgoingEmail, SendError } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { Clock } from '../shared/clock';
import type { CaptureEmailComposer } from './capture-emails';
import type { CaptureEmailIntent, CaptureEmailKind } from './lead';

/** Which stored intent to deliver: the keys of a `capture-email` item the capture request wrote. */
export interface CaptureEmailRef {
  leadId: string;
  submissionId: string;
  kind: CaptureEmailKind;
}

export interface SendCaptureEmailDeps {
  captureEmails: CaptureEmailStore;
  leads: Pick<EnrolmentStore, 'getLead'>;
  optIns: Pick<OptInStore, 'saveOptInToken'>;
  suppression: Pick<SuppressionList, 'reasonFor'>;
  composer: CaptureEmailComposer;
  mailer: Mailer;
  pacer: Pacer;
  clock: Clock;
  log: Log;
  /** SendUnknown (fate left open by SES or by a crash), CaptureEmailFailed (given up). */
  counters: Counters;
  settings: {
    /** Attempts within one delivery (throttling is retried with backoff, paced). */
    maxSendAttempts: number;
    /** Deliveries of the intent that may end certainly-unsent before it is recorded as failed. */
    maxDeliveries: number;
    /** No claim or send starts with less time left than this. */
    timeReserveMs: number;
  };
}

/**
 * - `sent`, `skipped` (suppressed address, or the lead is gone), `unknown` (SES may have it:
 *   recorded, alarmed, never sent again), `failed` (certainly unsent, given up, alarmed):
 *   final, recorded on the intent, which is the lead's timeline entry.
 * - `done-before`: the intent was already finished or erased (a redelivered stream record).
 * Anything that must be tried again is thrown, so the stream delivers the record again.
 */
export type CaptureEmailOutcome = 'sent' | 'skipped' | 'unknown' | 'failed' | 'done-before';

/**
 * Delivers one capture email the capture request stored, as the table's stream hands it over.
 * The intent is claimed (pending → sending) just before the send, so a claim found on a later
 * delivery means the one before stopped between the send and its record: SES may have the
 * email, so it is recorded as `unknown` and alarmed, never sent twice.
 */
export async function sendCaptureEmail(
  ref: CaptureEmailRef,
  deps: SendCaptureEmailDeps,
  budget: TimeBudget = UNLIMITED,
): Promise<CaptureEmailOutcome> {
  const { captureEmails, settings } = deps;
  const logFields = { leadId: ref.leadId, emailKind: ref.kind };
  const intent = await captureEmails.getCaptureEmail(ref.leadId, ref.submissionId, ref.kind);
  if (!intent) return 'done-before';
  if (intent.status === 'sending') {
    deps.counters.add('SendUnknown');
    deps.log.error('Capture email claimed by a delivery that stopped before recording it; not resent', logFields);
    await captureEmails.finishCaptureEmail(intent, {
      status: 'failed',
      at: deps.clock.now().toISOString(),
      reason: 'unknown: interrupted after claim',
    });
    return 'unknown';
  }
  if (intent.status !== 'pending') return 'done-before';

  const now = deps.clock.now();
  const [lead, submission] = await Promise.all([
    deps.leads.getLead(intent.leadId),
    captureEmails.getSubmission(intent.leadId, intent.submissionId),
  ]);
  const skipReason =
    !lead || !submission
      ? 'lead no longer exists'
      : intent.kind !== 'staff-notification' && (await deps.suppression.reasonFor(lead.email))
        ? 'address suppressed'
        : undefined;
  if (skipReason || !lead || !submission) {
    if (await claim(intent, deps)) {
      await captureEmails.finishCaptureEmail(intent, { status: 'failed', at: now.toISOString(), reason: skipReason });
    }
    deps.log.info('Capture email not sent', { ...logFields, reason: skipReason });
    return 'skipped';
  }
  // The opt-in link's token is never stored in the clear: the email carries one issued now.
  const optIn = intent.kind === 'opt-in' ? issueOptInToken(intent.leadId, intent.submissionId, now) : undefined;
  if (optIn) await deps.optIns.saveOptInToken(optIn.record);
  const email: OutgoingEmail = await deps.composer.compose(intent, {
    lead,
    submission,
    isNewLead: lead.createdAt === submission.receivedAt,
    optInToken: optIn?.token,
  });
  if (budget.remainingMs() < settings.timeReserveMs) throw new OutOfTimeError();
  if (!(await claim(intent, deps))) return 'done-before';

  let messageId: string;
  try {
    ({ messageId } = await sendWithRetry(() => deps.mailer.send(email), deps.pacer, {
      maxAttempts: settings.maxSendAttempts,
      budget,
      reserveMs: settings.timeReserveMs,
    }));
  } catch (error) {
    return afterFailedSend(intent, error, deps);
  }
  await captureEmails.finishCaptureEmail(intent, { status: 'sent', at: deps.clock.now().toISOString(), messageId });
  deps.log.info('Capture email sent', logFields);
  return 'sent';
}

/** Pending → sending under a fresh claim id; false if another delivery got there first. */
async function claim(intent: CaptureEmailIntent, deps: SendCaptureEmailDeps): Promise<boolean> {
  const claimId = randomUUID();
  if (await deps.captureEmails.claimCaptureEmail(intent, deps.clock.now().toISOString(), claimId)) return true;
  // Our own claim, stored although its answer was lost and the SDK's retry met the condition?
  const current = await deps.captureEmails.getCaptureEmail(intent.leadId, intent.submissionId, intent.kind);
  return current?.claimId === claimId;
}

async function afterFailedSend(
  intent: CaptureEmailIntent,
  error: unknown,
  deps: SendCaptureEmailDeps,
): Promise<CaptureEmailOutcome> {
  const logFields = { leadId: intent.leadId, emailKind: intent.kind, ...errorFields(error) };
  const at = deps.clock.now().toISOString();
  if (error instanceof SendError && error.outcome === 'unknown') {
    deps.counters.add('SendUnknown');
    deps.log.error('Capture email may or may not have been sent; recorded, not resent', logFields);
    await deps.captureEmails.finishCaptureEmail(intent, { status: 'failed', at, reason: `unknown: ${error.code}` });
    return 'unknown';
  }
  const certainlyUnsent =
    error instanceof OutOfTimeError || (error instanceof SendError && error.outcome === 'retryable');
  if (certainlyUnsent && intent.attempts + 1 < deps.settings.maxDeliveries) {
    // Given back: the stream delivers the record again within seconds.
    await deps.captureEmails.finishCaptureEmail(intent, {
      status: 'pending',
      at,
      reason: error instanceof SendError ? error.code : 'OutOfTimeError',
      countAttempt: !(error instanceof OutOfTimeError),
    });
    throw error;
  }
  deps.counters.add('CaptureEmailFailed');
  deps.log.error('Capture email failed for good', logFields);
  const reason = error instanceof SendError ? `${error.outcome}: ${error.code}` : logFields.errorName;
  await deps.captureEmails.finishCaptureEmail(intent, { status: 'failed', at, reason });
  return 'failed';
}
