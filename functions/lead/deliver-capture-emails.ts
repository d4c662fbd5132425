import type { Counters } from '../drip/send-step';
import { type Mailer, type OutgoingEmail, SendError } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { CaptureEmailComposer, CaptureEmailContext } from './capture-emails';
import type { CaptureEmailIntent } from './lead';
import type { LeadRepository } from './ports';

/**
 * How long the capture request waits for its emails. The lead is already stored: a slow SES
 * must not make the visitor wait into the function's timeout (10 s) and see an error page.
 */
export const CAPTURE_SEND_BUDGET_MS = 3_000;

export interface DeliveryDeps {
  composer: CaptureEmailComposer;
  mailer: Mailer;
  leads: Pick<LeadRepository, 'markCaptureEmailSent' | 'markCaptureEmailUnsent' | 'markCaptureEmailUnknown'>;
  now: () => Date;
  log: Log;
  counters: Counters;
  /** Default CAPTURE_SEND_BUDGET_MS. */
  budgetMs?: number;
}

export type DeliveryResult = { kind: CaptureEmailIntent['kind']; outcome: 'sent' | 'pending' | 'unknown' };

class OutOfBudgetError extends Error {
  override name = 'OutOfBudgetError';
}

/**
 * Sends capture emails that are already stored (claimed by this request), within the budget.
 * It never throws. Each email ends one of three ways: sent; certainly not sent (refused,
 * throttled, or not started in time), back to pending for the sender to retry; or `unknown`
 * (a timeout, a reset or a 5xx after the request left, or the budget running out mid-send),
 * recorded as possibly sent, never retried, and counted for the SendUnknown alarm.
 */
export async function deliverCaptureEmails(
  intents: CaptureEmailIntent[],
  context: CaptureEmailContext,
  deps: DeliveryDeps,
): Promise<DeliveryResult[]> {
  const budget = new AbortController();
  const timer = setTimeout(
    () => budget.abort(new OutOfBudgetError('Capture email budget spent')),
    deps.budgetMs ?? CAPTURE_SEND_BUDGET_MS,
  );
  try {
    return await Promise.all(intents.map((intent) => deliverOne(intent, context, deps, budget.signal)));
  } finally {
    clearTimeout(timer);
  }
}

async function deliverOne(
  intent: CaptureEmailIntent,
  context: CaptureEmailContext,
  deps: DeliveryDeps,
  budget: AbortSignal,
): Promise<DeliveryResult> {
  const logFields = { leadId: intent.leadId, emailKind: intent.kind };
  let email: OutgoingEmail;
  let sent: { messageId: string };
  try {
    email = await beforeBudgetEnds(deps.composer.compose(intent, context), budget);
  } catch (error) {
    return keepForRetry(intent, error, deps);
  }
  // Not started in time: certainly not sent (an already-aborted request never leaves).
  if (budget.aborted) return keepForRetry(intent, budget.reason, deps);
  try {
    sent = await deps.mailer.send(email, { abortSignal: budget });
  } catch (error) {
    if (error instanceof SendError && error.outcome === 'unknown') {
      deps.counters.add('SendUnknown');
      deps.log.error('Capture email may or may not have been sent; recorded, not retried', {
        ...logFields,
        ...errorFields(error),
      });
      await deps.leads
        .markCaptureEmailUnknown(intent, `unknown: ${error.code}`, deps.now().toISOString())
        .catch((markError) => {
          // Still claimed: once the claim times out the sender records it as interrupted, unsent again.
          deps.log.warn('Could not record the unknown outcome', { ...logFields, ...errorFields(markError) });
        });
      return { kind: intent.kind, outcome: 'unknown' };
    }
    return keepForRetry(intent, error, deps);
  }
  try {
    await deps.leads.markCaptureEmailSent(intent, sent.messageId, deps.now().toISOString());
  } catch (error) {
    deps.log.warn('Capture email sent but not marked; its claim will time out as interrupted, not resent', {
      ...logFields,
      ...errorFields(error),
    });
  }
  deps.log.info('Capture email sent', logFields);
  return { kind: intent.kind, outcome: 'sent' };
}

/** Certainly not sent: back to pending, and the drip engine's sender sends it at its retry time. */
async function keepForRetry(intent: CaptureEmailIntent, error: unknown, deps: DeliveryDeps): Promise<DeliveryResult> {
  const logFields = { leadId: intent.leadId, emailKind: intent.kind };
  deps.log.warn('Capture email not sent; kept for retry', { ...logFields, ...errorFields(error) });
  await deps.leads
    .markCaptureEmailUnsent(intent, error instanceof SendError ? error.code : errorFields(error).errorName)
    .catch((markError) => {
      // Still claimed: the sender records it as interrupted once the claim times out.
      deps.log.warn('Could not record the failed attempt', { ...logFields, ...errorFields(markError) });
    });
  return { kind: intent.kind, outcome: 'pending' };
}

/** The work's result, or OutOfBudgetError if the budget ends first (the work is left to finish unused). */
function beforeBudgetEnds<T>(work: Promise<T>, budget: AbortSignal): Promise<T> {
  if (budget.aborted) return Promise.reject(budget.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(budget.reason);
    budget.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        budget.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        budget.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
