import type { SendWindow, Weekday } from '../sequence/definition';
import { type Delay, parseDuration } from './duration';
import { ScheduleInputError } from './errors';
import { formatLocal, wallWeekday } from './local-time';
import { addDelayMs, checkWindow, instantOf, moveIntoWindow } from './send-time';
import { requireZone } from './time-zone';

export interface JourneyStep {
  id: string;
  /** ISO-8601 duration after the previous send (or after the start, for the first planned send). */
  delay: string;
  enabled: boolean;
}

export interface PlanJourneyInput {
  /** Enrolment time (or the simulated start). */
  start: Date;
  steps: readonly JourneyStep[];
  window: SendWindow;
  /** The recipient's IANA zone, already resolved (see resolveTimeZone). */
  timeZone: string;
}

export interface PlannedSend {
  stepId: string;
  sendAt: Date;
  /** Local date and time in the recipient's zone with its offset, e.g. `2026-03-09T09:00:00-04:00`. */
  localTime: string;
  /** Local weekday of the send. */
  weekday: Weekday;
}

/**
 * Every future send of a sequence, in order, as the drip engine will schedule them: disabled steps are
 * skipped, and each enabled step's delay counts from the previous planned send (the first from `start`),
 * then moves into the send window (see nextSendTime). Used by the journey simulator, also for drafts.
 *
 * @throws ScheduleInputError naming the step whose delay is malformed, or for an invalid window, zone or start;
 * all delays are checked before anything is planned.
 */
export function planJourney(input: PlanJourneyInput): PlannedSend[] {
  const zone = requireZone(input.timeZone);
  const window = checkWindow(input.window);
  let previous = instantOf(input.start, 'start');

  const enabled = input.steps.filter((step) => step.enabled);
  const delays: Delay[] = enabled.map((step) => {
    try {
      return parseDuration(step.delay);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ScheduleInputError('delay', `Step "${step.id}": ${message}`, { cause: error });
    }
  });

  return enabled.map((step, index) => {
    previous = moveIntoWindow(addDelayMs(previous, delays[index]!, zone), window, zone);
    return {
      stepId: step.id,
      sendAt: new Date(previous),
      localTime: formatLocal(previous, zone),
      weekday: wallWeekday(zone.toWall(previous)),
    };
  });
}
