import { randomUUID } from 'node:crypto';
import type { OptInStore } from '../consent/confirm-opt-in';
import { issueOptInToken } from '../consent/opt-in-token';
import type { CaptureEmailComposer } from '../lead/capture-emails';
import { type Mailer, SendError } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { Clock } from '../shared/clock';
import type { CaptureEmailMessage } from './messages';
import type { Pacer } from './pacing';
import type { CaptureEmailStore, EnrolmentStore, SuppressionList } from './ports';
import type { Counters } from './send-step';
import { sendWithRetry } from './send-with-retry';
import { OutOfTimeError, type TimeBudget, UNLIMITED } from './time-budget';

export interface RetryCaptureDeps {
  captureEmails: CaptureEmailStore;
  leadEnrolments: Pick<EnrolmentStore, 'getLead'>;
  optIns: Pick<OptInStore, 'saveOptInToken'>;
  suppression: SuppressionList;
  composer: CaptureEmailComposer;
  mailer: Mailer;
  pacer: Pacer;
  clock: Clock;
  log: Log;
  counters: Counters;
  settings: {
    maxSendAttempts: number;
    maxRetries: number;
    retryBackoffMs: number;
    claimTimeoutMs: number;
    /** As for sequence steps: no claim or new attempt starts with less time left. Default 0. */
    timeReserveMs?: number;
  };
}

export type CaptureRetryOutcome = 'sent' | 'failed' | 'rescheduled' | 'stale';

/**
 * Sends a confirmation, opt-in or staff email that the capture path could not send. Same
 * rules as sequence steps: claimed first, sent at most once, failures recorded.
 */
export async function retryCaptureEmail(
  message: CaptureEmailMessage,
  deps: RetryCaptureDeps,
  budget: TimeBudget = UNLIMITED,
): Promise<CaptureRetryOutcome> {
  const { captureEmails } = deps;
  const intent = await captureEmails.getCaptureEmail(message.leadId, message.submissionId, message.emailKind);
  if (!intent) return 'stale';
  const now = deps.clock.now();
  const at = now.toISOString();
  if (intent.status === 'sending') {
    const claimedAt = Date.parse(intent.claimedAt ?? at);
    if (now.getTime() - claimedAt < deps.settings.claimTimeoutMs) return 'stale';
    // Whoever claimed it (the capture request or a sender) stopped before recording the send:
    // SES may or may not have it, so it is not sent again, and it is counted for the alarm.
    deps.counters.add('SendUnknown');
    deps.log.error('Capture email claim abandoned; recorded as failed, not resent', {
      leadId: intent.leadId,
      emailKind: intent.kind,
    });
    await captureEmails.finishCaptureEmail(intent, {
      status: 'failed',
      at,
      reason: 'unknown: interrupted after claim',
    });
    return 'failed';
  }
  if (intent.status !== 'pending') return 'stale';
  const reserveMs = deps.settings.timeReserveMs ?? 0;
  if (budget.remainingMs() < reserveMs) throw new OutOfTimeError();
  const claimId = randomUUID();
  if (!(await captureEmails.claimCaptureEmail(intent, at, claimId))) {
    // Our own claim, stored although its answer was lost and the SDK's retry met the condition?
    const current = await captureEmails.getCaptureEmail(intent.leadId, intent.submissionId, intent.kind);
    if (current?.claimId !== claimId) return 'stale';
  }

  let sendStarted = false;
  try {
    const [lead, submission] = await Promise.all([
      deps.leadEnrolments.getLead(intent.leadId),
      captureEmails.getSubmission(intent.leadId, intent.submissionId),
    ]);
    if (!lead || !submission) {
      await captureEmails.finishCaptureEmail(intent, { status: 'failed', at, reason: 'lead no longer exists' });
      return 'failed';
    }
    if (intent.kind !== 'staff-notification' && (await deps.suppression.reasonFor(lead.email))) {
      await captureEmails.finishCaptureEmail(intent, { status: 'failed', at, reason: 'address suppressed' });
      return 'failed';
    }
    // The first opt-in link's token was never stored in the clear, so a retry carries a fresh one.
    const optIn = intent.kind === 'opt-in' ? issueOptInToken(intent.leadId, intent.submissionId, now) : undefined;
    if (optIn) await deps.optIns.saveOptInToken(optIn.record);
    const email = await deps.composer.compose(intent, {
      lead,
      submission,
      isNewLead: lead.createdAt === submission.receivedAt,
      optInToken: optIn?.token,
    });
    sendStarted = true;
    const { messageId } = await sendWithRetry(() => deps.mailer.send(email), deps.pacer, {
      maxAttempts: deps.settings.maxSendAttempts,
      budget,
      reserveMs,
    });
    await captureEmails.finishCaptureEmail(intent, { status: 'sent', at: deps.clock.now().toISOString(), messageId });
    return 'sent';
  } catch (error) {
    const fields = errorFields(error);
    if (error instanceof OutOfTimeError) {
      // Not sent: the send rate would have made it wait past the time left. Due again at once.
      await captureEmails.finishCaptureEmail(intent, {
        status: 'pending',
        at,
        retryAt: at,
        reason: fields.errorName,
        countAttempt: false,
      });
      return 'rescheduled';
    }
    // A failed read, key fetch or render before the send, or a certain refusal: nothing went out,
    // so the intent goes back to pending (a stranded claim would end as "interrupted", unsent).
    const notSent = !sendStarted || (error instanceof SendError && error.outcome === 'retryable');
    if (notSent && intent.attempts < deps.settings.maxRetries) {
      const retryAt = new Date(now.getTime() + deps.settings.retryBackoffMs * 2 ** intent.attempts).toISOString();
      await captureEmails.finishCaptureEmail(intent, { status: 'pending', at, retryAt, reason: fields.errorName });
      return 'rescheduled';
    }
    if (error instanceof SendError && error.outcome === 'unknown') deps.counters.add('SendUnknown');
    deps.log.warn('Capture email failed for good', { leadId: intent.leadId, emailKind: intent.kind, ...fields });
    const reason = error instanceof SendError ? `${error.outcome}: ${error.code}` : fields.errorName;
    await captureEmails.finishCaptureEmail(intent, { status: 'failed', at, reason });
    return 'failed';
  }
}
