import type { Enrolment } from '../lead/lead';
import { nextSendTime } from '../schedule';
import { nextStepOnPath, type PathContext } from '../sequence/paths';
import { inactiveSlowdownMs, type Journey } from './engagement';
import type { EnrolmentAdvance } from './ports';

/**
 * Where the enrolment goes after its turn at `after`: on along the regular path, or, after a
 * branch step sent out of turn, back to its regular step (its delay counting from the branch
 * step). An inactive lead's next step waits `inactiveSlowdown` longer.
 */
export function advanceAfterTurn(
  sequence: Journey,
  enrolment: Enrolment,
  turn: { branchStep: boolean; slower: boolean },
  after: Date,
  path: PathContext,
): EnrolmentAdvance {
  const slowdownMs = turn.slower ? inactiveSlowdownMs(sequence) : 0;
  if (!turn.branchStep) return advanceAfter(sequence, enrolment, after, path, slowdownMs);
  const due = nextSendTime({
    after: new Date(after.getTime() + slowdownMs),
    delay: sequence.steps[enrolment.stepIndex]!.delay,
    window: sequence.sendWindow,
    timeZone: enrolment.timeZone,
  });
  return { kind: 'next', stepIndex: enrolment.stepIndex, nextSendAt: due.toISOString() };
}

/**
 * Where the enrolment goes after this step: the next enabled step on the lead's path (its topics,
 * in the pinned version) that the lead has not received yet, timed by its send window, or done.
 */
export function advanceAfter(
  sequence: Journey,
  enrolment: Enrolment,
  after: Date,
  path: PathContext,
  /** The slower cadence of an inactive lead. */
  slowdownMs = 0,
): EnrolmentAdvance {
  const received = new Set(enrolment.receivedStepIds ?? []);
  const nextIndex = nextStepOnPath(sequence.steps, enrolment.stepIndex, path, received);
  const next = sequence.steps[nextIndex];
  if (!next) return { kind: 'complete', at: after.toISOString() };
  const due = nextSendTime({
    after: new Date(after.getTime() + slowdownMs),
    delay: next.delay,
    window: sequence.sendWindow,
    timeZone: enrolment.timeZone,
  });
  return { kind: 'next', stepIndex: nextIndex, nextSendAt: due.toISOString() };
}
