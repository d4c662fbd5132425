import type { Enrolment } from '../lead/lead';
import { CONSULTATION_ANCHOR } from '../mail/booking-link';
import { calendarDays, elapsedMs, parseDuration } from '../schedule/duration';
import type { CompiledSequence } from '../sequence/compiled';
import type { EngagementSettings, SendWindow } from '../sequence/definition';
import { type EngagementBranch, type PathContext, pathContext, stepFits } from '../sequence/paths';

/**
 * How this project treats engagement. A click always counts. An open counts only to keep a lead
 * off the `inactive` branch: Apple Mail Privacy Protection (and some corporate scanners) open
 * every email they receive, so an open proves nothing and never makes anything happen on its
 * own. The cost is that a lead behind such a proxy is never found inactive; the alternative
 * (ignoring opens) would sunset readers who read without clicking.
 */
export type EngagementKind = 'open' | 'click';

/** Every email's booking button points at the landing page's consultation form. */
export function isBookingLink(url: string | undefined): boolean {
  return url?.includes(`#${CONSULTATION_ANCHOR}`) ?? false;
}

export interface EngagementNote {
  stepId: string;
  at: string;
  kind: EngagementKind;
  /** A click on the booking link: the booking-click branch's clock starts (once). */
  bookingClick: boolean;
  /** Bring the enrolment's next send forward to this time (when the booking-click branch would fire). */
  wakeAt?: string;
}

/**
 * What the engagement rules read of a sequence: a compiled version, or a draft in the simulator,
 * so the simulator follows a path with the very rules the sender applies.
 */
export interface Journey {
  steps: readonly Pick<CompiledSequence['steps'][number], 'id' | 'delay' | 'enabled' | 'when'>[];
  sendWindow: SendWindow;
  engagement?: EngagementSettings | undefined;
}

/** Where the SES events handler notes engagement on an enrolment (see the DynamoDB adapter). */
export interface EngagementStore {
  noteEngagement(leadId: string, sequenceId: string, note: EngagementNote): Promise<void>;
  /** Marks the enrolment a hot lead, once; true the first time (so staff are alerted once). */
  markHotLead(leadId: string, sequenceId: string, at: string): Promise<boolean>;
}

/** A wait as elapsed time (a day is 24 hours here: these waits are not moved into a send window). */
const msOf = (duration: string) => {
  const delay = parseDuration(duration);
  return calendarDays(delay) * 86_400_000 + elapsedMs(delay);
};

/** When the booking-click branch fires for a click at `clickAt`, if the sequence has that branch. */
export function bookingBranchAt(sequence: Journey, clickAt: string): string | undefined {
  const wait = sequence.engagement?.bookingClickWait;
  if (!wait) return undefined;
  return new Date(Date.parse(clickAt) + msOf(wait)).toISOString();
}

/**
 * The regular steps on the lead's path that went out since its latest open or click (all of
 * them when it never engaged). Only regular steps count: a branch step is not cadence.
 */
export function quietSends(sequence: Journey, enrolment: Enrolment, regular: PathContext): number {
  const from = enrolment.engagedAt !== undefined ? (enrolment.engagedStepIndex ?? 0) : 0;
  let count = 0;
  for (let index = from; index < enrolment.stepIndex && index < sequence.steps.length; index++) {
    const step = sequence.steps[index]!;
    if (step.enabled && step.when?.engagement === undefined && stepFits(step, regular)) count++;
  }
  return count;
}

/**
 * The engagement branches that fire for this enrolment now. `booking-click`: the booking link was
 * clicked at least `bookingClickWait` ago and the lead has not booked (a booking ends the
 * enrolment before this runs) nor been followed up yet. `inactive`: `inactiveAfter` regular emails
 * in a row went out without an open or a click.
 */
export function firingBranches(
  sequence: Journey,
  enrolment: Enrolment,
  regular: PathContext,
  now: Date,
): Set<EngagementBranch> {
  const branches = new Set<EngagementBranch>();
  const settings = sequence.engagement;
  if (!settings) return branches;
  if (settings.bookingClickWait && enrolment.bookingClickAt && !enrolment.hotLeadAt) {
    const fireAt = bookingBranchAt(sequence, enrolment.bookingClickAt)!;
    if (Date.parse(fireAt) <= now.getTime()) branches.add('booking-click');
  }
  if (settings.inactiveAfter !== undefined && quietSends(sequence, enrolment, regular) >= settings.inactiveAfter)
    branches.add('inactive');
  return branches;
}

/** The slower cadence: extra time before each regular step while the lead is inactive. */
export function inactiveSlowdownMs(sequence: Journey): number {
  const slowdown = sequence.engagement?.inactiveSlowdown;
  return slowdown ? msOf(slowdown) : 0;
}

/** The first enabled step of this branch on the lead's path (topics included), if any. */
export function branchStepIndex(sequence: Journey, branch: EngagementBranch, path: PathContext): number {
  return sequence.steps.findIndex((step) => step.enabled && step.when?.engagement === branch && stepFits(step, path));
}

/** What the sender does for an enrolment now, engagement considered. */
export interface StepChoice {
  /** The lead's regular path (topics only): what cadence and "next step" follow. */
  regular: PathContext;
  /** A branch step to send now, out of turn; the enrolment stays at its regular step. */
  branchIndex?: number;
  /** The booking-click branch fired now: staff are alerted (once) and the console flags the lead. */
  hotLead: boolean;
  /** The lead is inactive: the next step waits `inactiveSlowdown` longer. */
  slower: boolean;
  /** Inactive, already asked "shall we keep writing?", and no open or click since: the enrolment ends. */
  sunset: boolean;
}

/**
 * Decides between the regular step, a branch step out of turn, and sunset. With `inactiveAfter`
 * N: once N regular emails in a row went unopened and unclicked the cadence slows; after one more,
 * the "inactive" step ("shall we keep writing?") goes out; if nothing is opened or clicked by the
 * next turn, the enrolment ends as `sunset`. Reads nothing unless a branch fires (then one read:
 * whether its step went out already).
 */
export async function chooseStep(
  sequence: Journey,
  enrolment: Enrolment,
  topics: readonly string[],
  now: Date,
  branchStepSent: (stepId: string) => Promise<boolean>,
): Promise<StepChoice> {
  const regular = pathContext(sequence.steps, topics);
  const branches = firingBranches(sequence, enrolment, regular, now);
  const inactiveAfter = sequence.engagement?.inactiveAfter;
  const quiet = inactiveAfter === undefined ? 0 : quietSends(sequence, enrolment, regular);
  const choice: StepChoice = {
    regular,
    hotLead: false,
    // Known unopened so far, not counting the email about to go (its open cannot have come yet).
    slower: inactiveAfter !== undefined && quiet >= inactiveAfter,
    sunset: false,
  };
  if (branches.size === 0) return choice;
  const path = pathContext(sequence.steps, topics, branches);
  if (branches.has('booking-click')) {
    choice.hotLead = true;
    const index = branchStepIndex(sequence, 'booking-click', path);
    if (index >= 0 && !(await branchStepSent(sequence.steps[index]!.id))) return { ...choice, branchIndex: index };
  }
  if (branches.has('inactive') && quiet > inactiveAfter!) {
    const index = branchStepIndex(sequence, 'inactive', path);
    if (index < 0) return choice;
    if (await branchStepSent(sequence.steps[index]!.id)) return { ...choice, sunset: true };
    return { ...choice, branchIndex: index, slower: true };
  }
  return choice;
}
