import { advanceAfterTurn } from '../drip/advance';
import { bookingBranchAt, chooseStep, type Journey } from '../drip/engagement';
import type { Enrolment } from '../lead/lead';
import { type EngagementBranch, stepFits } from '../sequence/paths';
import type { SampleBehaviour } from './contract';

export interface BehaviourTurn {
  stepId: string;
  at: Date;
  /** Sent out of turn by this engagement branch. */
  branch?: EngagementBranch;
  /** The booking-click branch fired at this turn: staff are alerted. */
  hotLead: boolean;
}

export interface BehaviourPath {
  turns: BehaviourTurn[];
  /** When the enrolment ends as `sunset` (no open or click after "shall we keep writing?"). */
  sunsetAt?: Date;
}

/**
 * The emails a sample lead gets for a behaviour, turn by turn with the sender's own rules
 * (chooseStep, advanceAfterTurn) on an enrolment held in memory, and its opens and clicks noted as
 * the SES events handler notes them (a booking click brings the next turn forward to when its
 * branch fires). The first turn is at `start`, as the capture path makes the first step due.
 */
export async function pathForBehaviour(
  journey: Journey,
  topics: readonly string[],
  behaviour: SampleBehaviour,
  start: Date,
  timeZone: string,
): Promise<BehaviourPath> {
  const enrolment: Enrolment = {
    leadId: 'sample',
    sequenceId: 'sample',
    sequenceVersion: 'sample',
    status: 'active',
    stepIndex: 0,
    nextSendAt: start.toISOString(),
    timeZone,
    enrolledAt: start.toISOString(),
  };
  const sent = new Set<string>();
  const turns: BehaviourTurn[] = [];
  // Staff are alerted at the turn the branch fires; shown with the next email that goes out.
  let alerted = false;
  // Each turn sends a step or moves past one; a branch step goes out at most once.
  for (let turn = 0; turn < journey.steps.length * 2 + 2; turn++) {
    const now = new Date(enrolment.nextSendAt!);
    const regularStep = journey.steps[enrolment.stepIndex];
    if (!regularStep) break;
    const choice = await chooseStep(journey, enrolment, topics, now, async (stepId) => sent.has(stepId));
    if (choice.sunset) return { turns, sunsetAt: now };
    if (choice.hotLead && enrolment.hotLeadAt === undefined) {
      enrolment.hotLeadAt = now.toISOString();
      alerted = true;
    }
    const step = choice.branchIndex === undefined ? regularStep : journey.steps[choice.branchIndex]!;
    const branchStep = step !== regularStep;
    const goes = step.enabled && (branchStep || stepFits(step, choice.regular));
    if (goes) {
      sent.add(step.id);
      turns.push({
        stepId: step.id,
        at: now,
        hotLead: alerted,
        ...(branchStep ? { branch: step.when!.engagement! } : {}),
      });
      alerted = false;
    }
    const advance = advanceAfterTurn(journey, enrolment, { branchStep, slower: choice.slower }, now, choice.regular);
    if (advance.kind !== 'next') break;
    enrolment.stepIndex = advance.stepIndex;
    enrolment.nextSendAt = advance.nextSendAt;
    if (goes) react(journey, enrolment, behaviour, now, turns.length === 1);
  }
  return { turns };
}

/** The lead's reaction to the email just sent, as functions/drip/ses-event.ts notes it. */
function react(journey: Journey, enrolment: Enrolment, behaviour: SampleBehaviour, at: Date, first: boolean): void {
  if (behaviour === 'nothing') return;
  enrolment.engagedAt = at.toISOString();
  enrolment.engagedStepIndex = enrolment.stepIndex;
  if (behaviour !== 'booking-click' || !first) return;
  enrolment.bookingClickAt = at.toISOString();
  const wakeAt = bookingBranchAt(journey, enrolment.bookingClickAt);
  if (wakeAt && enrolment.nextSendAt && enrolment.nextSendAt > wakeAt) enrolment.nextSendAt = wakeAt;
}
