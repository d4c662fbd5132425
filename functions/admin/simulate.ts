import type { EnrolmentStore } from '../drip/ports';
import { isInSendWindow, isValidTimeZone, planJourney, resolveTimeZone, ScheduleInputError } from '../schedule';
import type { EngagementSettings, SendWindow } from '../sequence/definition';
import { pathContext, type StepCondition, stepFits } from '../sequence/paths';
import type { SequenceStore, SequenceVersions } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { SampleBehaviour, SimulatedSend } from './contract';
import { pathForBehaviour } from './simulate-behaviour';

export interface SimulateDeps {
  versions: SequenceVersions;
  sequences: Pick<SequenceStore, 'getDraft' | 'getPointer'>;
  leadEnrolments: Pick<EnrolmentStore, 'getLead' | 'getEnrolment'>;
  /** The version new leads get when nothing was published from the console yet. */
  bundledVersion(sequenceId: string): string | undefined;
  clock: Clock;
  practiceTimeZone: string;
}

export interface SimulateRequest {
  sequenceId: string;
  version: string;
  leadId?: string;
  timeZone?: string;
  start?: string;
  topics?: string[];
  behaviour?: SampleBehaviour;
}

/** What the simulator needs of a sequence, from a compiled version or a draft's definition. */
interface Plan {
  /** The version simulated; undefined for a draft. */
  version?: string;
  sendWindow: SendWindow;
  engagement?: EngagementSettings | undefined;
  timeZoneFallback: string;
  steps: {
    id: string;
    delay: string;
    enabled: boolean;
    when?: StepCondition | undefined;
    variants: { id: string; subject: string }[];
  }[];
}

async function planOf(request: SimulateRequest, deps: SimulateDeps): Promise<Plan> {
  if (request.version === 'draft') {
    const stored = await deps.sequences.getDraft(request.sequenceId);
    if (!stored) throw new NotFoundError(`No saved draft of "${request.sequenceId}"`);
    const { definition } = stored.draft;
    return {
      sendWindow: definition.sendWindow,
      engagement: definition.engagement,
      timeZoneFallback: definition.timeZoneFallback ?? 'practice',
      steps: definition.steps.map((step) => ({
        id: step.id,
        delay: step.delay,
        enabled: step.enabled ?? true,
        when: step.when,
        variants: [
          { id: 'a', subject: step.subject },
          ...(step.variants ?? []).map((variant) => ({ id: variant.id, subject: variant.subject })),
        ],
      })),
    };
  }
  const version =
    request.version === 'published'
      ? ((await deps.sequences.getPointer(request.sequenceId))?.version ?? deps.bundledVersion(request.sequenceId))
      : request.version;
  const sequence = version ? await deps.versions.get(request.sequenceId, version) : undefined;
  if (!sequence) throw new NotFoundError(`No version "${request.version}" of "${request.sequenceId}"`);
  return {
    version: sequence.version,
    sendWindow: sequence.sendWindow,
    engagement: sequence.engagement,
    timeZoneFallback: sequence.timeZoneFallback,
    steps: sequence.steps.map((step) => ({
      id: step.id,
      delay: step.delay,
      enabled: step.enabled,
      when: step.when,
      variants: step.variants.map((variant) => ({ id: variant.id, subject: variant.subject })),
    })),
  };
}

/**
 * Every future send of a sequence for a sample or a real lead, as the drip engine times them:
 * the first step goes out as soon as the lead is enrolled (the capture path makes it due at
 * once, outside any send window), and each later step follows the previous send by its delay,
 * moved into the send window in the lead's zone, skipping closed days, across DST changes.
 * For a real lead part-way through, the journey continues from their next scheduled step.
 */
export async function simulateJourney(request: SimulateRequest, deps: SimulateDeps): Promise<SimulatedSend[]> {
  if (request.timeZone !== undefined && !isValidTimeZone(request.timeZone)) {
    throw new ValidationError([{ field: 'timeZone', message: 'Use an IANA time zone such as America/New_York' }]);
  }
  if (request.behaviour !== undefined && request.leadId !== undefined) {
    throw new ValidationError([
      { field: 'behaviour', message: 'A behaviour is for a sample lead; a real lead’s path follows what they did' },
    ]);
  }
  const plan = await planOf(request, deps);
  let start = request.start ? new Date(request.start) : deps.clock.now();
  let fromIndex = 0;
  let leadZone: string | undefined;
  let topics = request.topics ?? [];
  if (request.leadId) {
    const lead = await deps.leadEnrolments.getLead(request.leadId);
    if (!lead) throw new NotFoundError('No lead with that id');
    leadZone = lead.timeZone;
    topics = request.topics ?? lead.interests ?? [];
    const enrolment = await deps.leadEnrolments.getEnrolment(request.leadId, request.sequenceId);
    const sameVersion = plan.version !== undefined && enrolment?.sequenceVersion === plan.version;
    if (!request.start && enrolment?.status === 'active' && enrolment.nextSendAt && sameVersion) {
      leadZone = enrolment.timeZone;
      start = new Date(enrolment.nextSendAt);
      fromIndex = enrolment.stepIndex;
    }
  }
  const fallback = plan.timeZoneFallback === 'practice' ? deps.practiceTimeZone : plan.timeZoneFallback;
  const zone = request.timeZone ?? resolveTimeZone(leadZone, fallback).zone;

  if (request.behaviour) return behaviourSends(plan, topics, request.behaviour, start, zone);

  // The lead's path (its topics; engagement branches are not part of the planned path). Disabled
  // steps stay in: the sender skips them at their turn, and the next step counts from then.
  const path = pathContext(plan.steps, topics);
  const remaining = plan.steps.slice(fromIndex).filter((step) => stepFits(step, path));
  const [first, ...later] = remaining;
  if (!first) return [];
  const variants = new Map(plan.steps.map((step) => [step.id, step.variants]));
  // The first step of a new enrolment is due at once: it goes out at sign-up, window or not.
  const atSignUp = fromIndex === 0 && first.enabled;
  const sends: { stepId: string; sendAt: Date }[] = first.enabled ? [{ stepId: first.id, sendAt: start }] : [];
  let outsideWindow = false;
  try {
    outsideWindow = atSignUp && !isInSendWindow(start, plan.sendWindow, zone);
    // A disabled first step is skipped at `start`, and the next step counts from then, as in the sender.
    for (const planned of planJourney({ start, steps: later, window: plan.sendWindow, timeZone: zone })) {
      sends.push({ stepId: planned.stepId, sendAt: planned.sendAt });
    }
  } catch (error) {
    if (error instanceof ScheduleInputError)
      throw new ValidationError([{ field: error.field, message: error.message }]);
    throw error;
  }
  return sends.map(({ stepId, sendAt }, index) => ({
    stepId,
    subject: variants.get(stepId)?.[0]?.subject ?? stepId,
    variants: variants.get(stepId) ?? [],
    atSignUp: atSignUp && index === 0,
    outsideWindow: outsideWindow && index === 0,
    sendAt: sendAt.toISOString(),
    localTime: localTime(sendAt, zone),
    timeZone: zone,
  }));
}

/** A sample lead's exact path for a behaviour: branch steps, the hot-lead alert and sunset included. */
async function behaviourSends(
  plan: Plan,
  topics: readonly string[],
  behaviour: SampleBehaviour,
  start: Date,
  zone: string,
): Promise<SimulatedSend[]> {
  let path: Awaited<ReturnType<typeof pathForBehaviour>>;
  try {
    path = await pathForBehaviour(plan, topics, behaviour, start, zone);
  } catch (error) {
    if (error instanceof ScheduleInputError)
      throw new ValidationError([{ field: error.field, message: error.message }]);
    throw error;
  }
  const { turns, sunsetAt } = path;
  const variants = new Map(plan.steps.map((step) => [step.id, step.variants]));
  return turns.map((turn, index) => {
    const atSignUp = index === 0 && turn.at.getTime() === start.getTime();
    return {
      stepId: turn.stepId,
      subject: variants.get(turn.stepId)?.[0]?.subject ?? turn.stepId,
      variants: variants.get(turn.stepId) ?? [],
      atSignUp,
      outsideWindow: atSignUp && !isInSendWindow(start, plan.sendWindow, zone),
      sendAt: turn.at.toISOString(),
      localTime: localTime(turn.at, zone),
      timeZone: zone,
      ...(turn.branch ? { branch: turn.branch } : {}),
      ...(turn.hotLead ? { hotLead: true } : {}),
      ...(sunsetAt && index === turns.length - 1
        ? { sunset: { sendAt: sunsetAt.toISOString(), localTime: localTime(sunsetAt, zone) } }
        : {}),
    };
  });
}

/** "Tue 3 Mar 2026, 09:00 EST" in the lead's zone. */
export function localTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}
