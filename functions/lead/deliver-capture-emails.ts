import { type Mailer, SendError } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { CaptureEmailComposer, CaptureEmailContext } from './capture-emails';
import type { CaptureEmailIntent } from './lead';
import type { LeadRepository } from './ports';

export interface DeliveryDeps {
  composer: CaptureEmailComposer;
  mailer: Mailer;
  leads: Pick<LeadRepository, 'markCaptureEmailSent' | 'markCaptureEmailUnsent'>;
  now: () => Date;
  log: Log;
}

export type DeliveryResult = { kind: CaptureEmailIntent['kind']; sent: boolean };

/**
 * Sends capture emails that are already stored. It never throws: a failed send stays
 * pending with its retry time, and the drip engine's sender picks it up later.
 */
export async function deliverCaptureEmails(
  intents: CaptureEmailIntent[],
  context: CaptureEmailContext,
  deps: DeliveryDeps,
): Promise<DeliveryResult[]> {
  return Promise.all(intents.map((intent) => deliverOne(intent, context, deps)));
}

async function deliverOne(intent: CaptureEmailIntent, context: CaptureEmailContext, deps: DeliveryDeps) {
  const logFields = { leadId: intent.leadId, emailKind: intent.kind };
  let sent: { messageId: string };
  try {
    const email = await deps.composer.compose(intent, context);
    sent = await deps.mailer.send(email);
  } catch (error) {
    deps.log.warn('Capture email not sent; kept for retry', { ...logFields, ...errorFields(error) });
    await deps.leads
      .markCaptureEmailUnsent(intent, error instanceof SendError ? error.code : errorFields(error).errorName)
      .catch((markError) => {
        // The intent is still stored as pending with its retry time, so nothing is lost.
        deps.log.warn('Could not record the failed attempt', { ...logFields, ...errorFields(markError) });
      });
    return { kind: intent.kind, sent: false };
  }
  try {
    await deps.leads.markCaptureEmailSent(intent, sent.messageId, deps.now().toISOString());
  } catch (error) {
    deps.log.warn('Capture email sent but not marked; a retry may repeat it', { ...logFields, ...errorFields(error) });
  }
  deps.log.info('Capture email sent', logFields);
  return { kind: intent.kind, sent: true };
}
