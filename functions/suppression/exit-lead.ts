import type {
  EnrolmentStore,
  SendRecordStore,
  StepCounter,
  StepStats,
  SuppressionList,
  SuppressionReason,
} from '../drip/ports';
import type { Enrolment, ExitReason } from '../lead/lead';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';

export interface ExitDeps {
  leadEnrolments: Pick<EnrolmentStore, 'exitEnrolments' | 'creditCompleted' | 'getLead' | 'markLeadBooked'>;
  sendRecords: Pick<SendRecordStore, 'recordEmailEvent'>;
  suppression: SuppressionList;
  stats: StepStats;
  log: Log;
}

/** Credits the step that last reached the person with what they did next (unsubscribed, booked...). */
export async function creditLastSteps(
  enrolments: Enrolment[],
  counter: StepCounter,
  at: string,
  deps: ExitDeps,
): Promise<void> {
  for (const enrolment of enrolments) {
    if (!enrolment.lastStepId) continue;
    await deps.stats
      .increment(
        {
          sequenceId: enrolment.sequenceId,
          stepId: enrolment.lastStepId,
          variant: enrolment.lastVariant ?? 'a',
          day: at.slice(0, 10),
          path: enrolment.lastPath,
        },
        counter,
      )
      .catch((error) => deps.log.warn('Step counter not updated', errorFields(error)));
  }
}

/**
 * Stops every sequence of one person and keeps them from being emailed again. Idempotent:
 * a second call finds nothing active and counts nothing twice.
 */
export async function suppressAndExit(
  leadId: string,
  address: string | undefined,
  reason: SuppressionReason & ExitReason,
  at: string,
  deps: ExitDeps,
  /** Off when the caller credits the exact step itself (an SES event names its step). */
  creditLastStep = true,
): Promise<Enrolment[]> {
  if (address) await deps.suppression.suppress(address, reason, at);
  const exited = await deps.leadEnrolments.exitEnrolments(leadId, reason, at);
  if (creditLastStep && reason !== 'erased') await creditLastSteps(exited, reason, at, deps);
  // Someone who unsubscribes after the last email still tells that email's step something.
  if (creditLastStep && reason === 'unsubscribed') await deps.leadEnrolments.creditCompleted(leadId, reason, at);
  deps.log.info('Lead suppressed and sequences stopped', { leadId, reason, stopped: exited.length });
  return exited;
}
