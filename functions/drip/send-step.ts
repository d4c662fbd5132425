import { randomUUID } from 'node:crypto';
import type { Enrolment, ExitReason, Lead } from '../lead/lead';
import { type Mailer, type OutgoingEmail, SendError } from '../mail/outgoing-email';
import type { LinkBuilder, PracticeDetails } from '../mail/practice';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { CompiledSequence } from '../sequence/compiled';
import { type PathContext, pathContext, pathKey, stepFits } from '../sequence/paths';
import type { SequenceVersions } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { advanceAfter, advanceAfterTurn } from './advance';
import { chooseStep, type EngagementStore } from './engagement';
import type { StepMessage } from './messages';
import type { Pacer } from './pacing';
import type {
  EnrolmentAdvance,
  EnrolmentStore,
  SendRecord,
  SendRecordStore,
  StepStats,
  SuppressionList,
} from './ports';
import { sendWithRetry } from './send-with-retry';
import { composeStepEmail } from './step-email';
import { OutOfTimeError, type TimeBudget, UNLIMITED } from './time-budget';
import { chooseVariant } from './variant';

export type CounterName =
  | 'StepSent'
  | 'StepSkipped'
  | 'StepFailed'
  | 'StepInterrupted'
  /** A send whose fate SES left open (timeout, reset, 5xx after the request): never resent, alarmed. */
  | 'SendUnknown'
  /** An enrolment waiting at a step that was already done (or past the last step): moved on, alarmed. */
  | 'StepStale'
  /** A capture email certainly not sent, given up after its deliveries from the stream: alarmed. */
  | 'CaptureEmailFailed'
  /** The booking-click branch fired: staff alerted. */
  | 'HotLead'
  /** An enrolment ended for want of opens and clicks. */
  | 'EnrolmentSunset';

export interface Counters {
  add(name: CounterName, value?: number): void;
}

export interface SendStepDeps {
  leadEnrolments: Pick<EnrolmentStore, 'getEnrolment' | 'getLead' | 'advanceEnrolment'>;
  sendRecords: Pick<SendRecordStore, 'claimStep' | 'getSendRecord' | 'releaseClaim' | 'finishStep'>;
  suppression: SuppressionList;
  versions: SequenceVersions;
  stats: StepStats;
  mailer: Mailer;
  pacer: Pacer;
  clock: Clock;
  log: Log;
  counters: Counters;
  practice: PracticeDetails;
  links: LinkBuilder;
  /** The booking-click branch: the once-only mark and the staff alert. */
  hotLeads?: { store: EngagementStore; alert(lead: Lead, at: string): Promise<void> };
  settings: {
    /** A claim older than this, still not finished, belonged to a sender that stopped. */
    claimTimeoutMs: number;
    maxSendAttempts: number;
    /** Time kept back to record a send; no claim or new attempt starts with less left. Default 0. */
    timeReserveMs?: number;
  };
}

export type StepOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'skipped' | 'failed'; reason: string }
  | { status: 'stale' | 'in-progress' };

export class SequenceVersionMissingError extends Error {
  override name = 'SequenceVersionMissingError';
}

/**
 * Sends one due step, at most once. The enrolment and the suppression list are read again
 * here, so an unsubscribe that happened after the step was queued wins. The step is claimed
 * with a conditional write before sending: a second sender or a redelivered message finds the
 * claim and does not send again. If a sender stops after claiming, the step is recorded as
 * failed once the claim times out (at most once, never twice; the failure is counted and alarmed).
 */
export async function sendStep(
  message: StepMessage,
  deps: SendStepDeps,
  budget: TimeBudget = UNLIMITED,
): Promise<StepOutcome> {
  const { leadEnrolments, sendRecords } = deps;
  const enrolment = await leadEnrolments.getEnrolment(message.leadId, message.sequenceId);
  if (enrolment?.status !== 'active' || enrolment.stepIndex !== message.stepIndex) return { status: 'stale' };
  const now = deps.clock.now();
  // A branch step goes out of turn without moving stepIndex, only nextSendAt: a second copy of
  // the message that sent it (SQS may deliver one twice) finds the enrolment not yet due again.
  if (enrolment.nextSendAt && Date.parse(enrolment.nextSendAt) > now.getTime()) return { status: 'stale' };

  const sequence = await deps.versions.get(enrolment.sequenceId, enrolment.sequenceVersion);
  if (!sequence) throw new SequenceVersionMissingError(`${enrolment.sequenceId}@${enrolment.sequenceVersion}`);
  const regularStep = sequence.steps[enrolment.stepIndex];
  if (!regularStep) {
    // It would wait here for ever (the dispatcher leasing it again and again): end it, visibly.
    return moveOnFromStale(enrolment, { kind: 'complete', at: now.toISOString() }, deps, 'past the last step');
  }
  const lead = await leadEnrolments.getLead(enrolment.leadId);
  const choice = lead
    ? await chooseStep(sequence, enrolment, lead.interests ?? [], now, async (stepId) => {
        const sent = await sendRecords.getSendRecord(enrolment.leadId, sequence.id, stepId);
        return sent !== undefined;
      })
    : undefined;
  if (choice?.sunset) return sunset(enrolment, now, deps);
  if (choice?.hotLead && lead) await alertHotLead(lead, enrolment, now, deps);
  const step = choice?.branchIndex !== undefined ? sequence.steps[choice.branchIndex]! : regularStep;
  const advanceFrom = (after: Date, path: PathContext): EnrolmentAdvance =>
    advanceAfterTurn(
      sequence,
      enrolment,
      { branchStep: step !== regularStep, slower: choice?.slower ?? false },
      after,
      path,
    );
  const variant = chooseVariant(step.variants, `${enrolment.leadId}:${sequence.id}:${step.id}`);
  const record: SendRecord = {
    leadId: enrolment.leadId,
    sequenceId: sequence.id,
    sequenceVersion: sequence.version,
    stepId: step.id,
    stepIndex: enrolment.stepIndex,
    status: 'claimed',
    variant: variant.id,
    // The lead's topics as this version resolves them, so a step shared by several paths is counted per path.
    ...(lead ? { path: pathKey(sequence.steps, lead.interests ?? []) } : {}),
    claimId: randomUUID(),
    claimedAt: now.toISOString(),
  };

  const reserveMs = deps.settings.timeReserveMs ?? 0;
  if (budget.remainingMs() < reserveMs) throw new OutOfTimeError();
  if (!(await sendRecords.claimStep(record))) {
    const existing = await sendRecords.getSendRecord(record.leadId, record.sequenceId, record.stepId);
    // Our own put, stored although its answer was lost, then met by the SDK's retry of it: ours.
    if (existing?.claimId !== record.claimId) {
      if (existing && existing.status !== 'claimed') return settleFinishedStep(enrolment, sequence, deps);
      return settleExistingClaim(existing, enrolment, sequence, deps);
    }
  }

  // Until the send starts, nothing has gone out: any failure gives the claim back, so the queue's
  // redelivery tries again instead of finding a stranded claim and calling the step interrupted.
  let email: OutgoingEmail;
  let path: PathContext;
  try {
    const suppressed: ExitReason | undefined = lead ? await deps.suppression.reasonFor(lead.email) : 'erased';
    if (!lead || suppressed) {
      const reason = suppressed ?? 'erased';
      return await finish(record, enrolment, { kind: 'exit', reason, at: now.toISOString() }, deps, {
        status: 'skipped',
        reason: `suppressed: ${reason}`,
      });
    }
    path = choice?.regular ?? pathContext(sequence.steps, lead.interests);
    if (!step.enabled || (step === regularStep && !stepFits(step, path))) {
      // Off the path: the lead's topics changed since the enrolment reached this step, or
      // staff moved it here. Recorded, so the timeline says why nothing went out.
      return await finish(record, enrolment, advanceFrom(now, path), deps, {
        status: 'skipped',
        reason: step.enabled ? "not on this lead's path" : 'step disabled',
      });
    }
    email = await composeStepEmail({
      sequence,
      step,
      variantId: variant.id,
      lead,
      enrolment,
      path: record.path,
      practice: deps.practice,
      links: deps.links,
    });
  } catch (error) {
    await sendRecords.releaseClaim(record);
    throw error;
  }
  let messageId: string;
  try {
    ({ messageId } = await sendWithRetry(() => deps.mailer.send(email), deps.pacer, {
      maxAttempts: deps.settings.maxSendAttempts,
      budget,
      reserveMs,
    }));
  } catch (error) {
    if ((error instanceof SendError && error.outcome === 'retryable') || error instanceof OutOfTimeError) {
      // Certainly not sent (refused, or the send rate would have made it wait past the time
      // left): give the step back so the queue's redelivery tries again later.
      await sendRecords.releaseClaim(record);
      throw error;
    }
    const reason =
      error instanceof SendError ? `${error.outcome}: ${error.code}` : `error: ${errorFields(error).errorName}`;
    if (error instanceof SendError && error.outcome === 'unknown') deps.counters.add('SendUnknown');
    deps.log.warn('Step not sent', {
      leadId: record.leadId,
      sequenceId: record.sequenceId,
      stepId: record.stepId,
      reason,
    });
    return finish(record, enrolment, advanceFrom(deps.clock.now(), path), deps, {
      status: 'failed',
      reason,
    });
  }
  const sentAt = deps.clock.now();
  await finish({ ...record, messageId, sentAt: sentAt.toISOString() }, enrolment, advanceFrom(sentAt, path), deps, {
    status: 'sent',
    messageId,
  });
  return { status: 'sent', messageId };
}

/**
 * The step is already done (sent, skipped or failed), yet this message found the enrolment at it.
 * Usually another sender finished it a moment ago and moved the enrolment on; if the enrolment is
 * still waiting here, nothing ever will move it (e.g. a version that reorders steps it already
 * had): it moves on to the next step, without sending, and is counted for the alarm.
 */
async function settleFinishedStep(
  enrolment: Enrolment,
  sequence: CompiledSequence,
  deps: SendStepDeps,
): Promise<StepOutcome> {
  const current = await deps.leadEnrolments.getEnrolment(enrolment.leadId, enrolment.sequenceId);
  const stuck =
    current?.status === 'active' &&
    current.stepIndex === enrolment.stepIndex &&
    current.sequenceVersion === enrolment.sequenceVersion;
  if (!stuck) return { status: 'stale' };
  const path = await leadPath(sequence, current, deps);
  return moveOnFromStale(current, advanceAfter(sequence, current, deps.clock.now(), path), deps, 'step already done');
}

async function moveOnFromStale(
  enrolment: Enrolment,
  advance: EnrolmentAdvance,
  deps: SendStepDeps,
  why: string,
): Promise<StepOutcome> {
  if (await deps.leadEnrolments.advanceEnrolment(enrolment, advance)) {
    deps.counters.add('StepStale');
    deps.log.error('Enrolment was stuck at a step it could not send; moved on', {
      leadId: enrolment.leadId,
      sequenceId: enrolment.sequenceId,
      stepIndex: enrolment.stepIndex,
      why,
    });
  }
  return { status: 'stale' };
}

async function settleExistingClaim(
  existing: SendRecord | undefined,
  enrolment: Enrolment,
  sequence: CompiledSequence,
  deps: SendStepDeps,
): Promise<StepOutcome> {
  if (existing?.status !== 'claimed') return { status: 'stale' };
  const age = deps.clock.now().getTime() - Date.parse(existing.claimedAt);
  if (age < deps.settings.claimTimeoutMs) return { status: 'in-progress' };
  // Its sender stopped between claiming and finishing; SES may or may not have the message.
  // Sending again could send twice, so the step is recorded as failed and counted for the alarm.
  deps.counters.add('StepInterrupted');
  deps.log.error('Step claim abandoned by a stopped sender; recorded as failed', {
    leadId: existing.leadId,
    sequenceId: existing.sequenceId,
    stepId: existing.stepId,
  });
  const path = await leadPath(sequence, enrolment, deps);
  const now = deps.clock.now();
  return finish(existing, enrolment, advanceAfter(sequence, enrolment, now, path), deps, {
    status: 'failed',
    reason: 'interrupted after claim',
  });
}

async function finish(
  record: SendRecord,
  enrolment: Enrolment,
  advance: EnrolmentAdvance,
  deps: SendStepDeps,
  outcome: StepOutcome & { status: 'sent' | 'skipped' | 'failed' },
): Promise<StepOutcome> {
  const finishedAt = deps.clock.now().toISOString();
  const final: SendRecord = {
    ...record,
    status: outcome.status,
    finishedAt,
    ...(outcome.status === 'sent' ? {} : { reason: outcome.reason }),
  };
  // After a send, recording it matters most: a failure here would leave the claim open and the
  // step reported as interrupted although the email went out, so try a few times first.
  await withRetries(() => deps.sendRecords.finishStep(final, enrolment, advance), 3);
  if (outcome.status === 'sent') {
    deps.counters.add('StepSent');
    await deps.stats
      .increment(
        {
          sequenceId: record.sequenceId,
          stepId: record.stepId,
          variant: record.variant ?? 'a',
          day: finishedAt.slice(0, 10),
          path: record.path,
        },
        'sent',
      )
      .catch((error) => deps.log.warn('Step counter not updated', errorFields(error)));
  } else {
    deps.counters.add(outcome.status === 'failed' ? 'StepFailed' : 'StepSkipped');
  }
  return outcome;
}

/**
 * The lead stopped opening and clicking and did not answer "shall we keep writing?": the
 * enrolment ends as `sunset`. Not an unsubscribe: the address is not suppressed.
 */
async function sunset(enrolment: Enrolment, now: Date, deps: SendStepDeps): Promise<StepOutcome> {
  if (
    await deps.leadEnrolments.advanceEnrolment(enrolment, { kind: 'exit', reason: 'sunset', at: now.toISOString() })
  ) {
    deps.counters.add('EnrolmentSunset');
    deps.log.info('Enrolment ended: no opens or clicks', {
      leadId: enrolment.leadId,
      sequenceId: enrolment.sequenceId,
    });
  }
  return { status: 'skipped', reason: 'sunset' };
}

/** Staff hear of a hot lead once (the mark is conditional); a failed alert is logged, and the lead's email still goes. */
async function alertHotLead(lead: Lead, enrolment: Enrolment, now: Date, deps: SendStepDeps): Promise<void> {
  if (!deps.hotLeads) return;
  const at = now.toISOString();
  if (!(await deps.hotLeads.store.markHotLead(enrolment.leadId, enrolment.sequenceId, at))) return;
  deps.counters.add('HotLead');
  deps.log.info('Hot lead: booking link clicked, no booking', {
    leadId: lead.leadId,
    sequenceId: enrolment.sequenceId,
  });
  await deps.hotLeads.alert(lead, at).catch((error) => deps.log.warn('Hot lead alert not sent', errorFields(error)));
}

/** The path of the enrolment's lead (an erased lead's path is the general one: it ends anyway). */
async function leadPath(sequence: CompiledSequence, enrolment: Enrolment, deps: SendStepDeps): Promise<PathContext> {
  const lead = await deps.leadEnrolments.getLead(enrolment.leadId);
  return pathContext(sequence.steps, lead?.interests ?? []);
}

async function withRetries<T>(attempt: () => Promise<T>, attempts: number): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** tries));
    }
  }
}
