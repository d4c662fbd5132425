import { INTERESTS, type Interest } from '../../lead/interests';
import type { Enrolment } from '../../lead/lead';
import { nextSendTime } from '../../schedule';
import type { CompiledSequence, CompiledStep } from '../../sequence/compiled';
import { namedTopics, nextStepOnPath, pathContext } from '../../sequence/paths';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { MigrationPreview } from '../contract';
import { knownSequence, type SequencesDeps } from './deps';
import { reviewOf } from './review';

interface MovePlan {
  enrolment: Enrolment;
  /** Undefined when nothing of the new version is left for this lead. */
  to?: { stepIndex: number; nextSendAt: string; receivedStepIds: string[] };
  /** Steps after the landing one, in the new order, that the lead already received: skipped. */
  skipped: string[];
}

/**
 * Where an enrolment lands in another version: the same step by id, or the next one that still
 * exists, and from there the first one on the lead's path in that version (its `topics`). Steps
 * the lead already received (everything before its current step, and what an earlier move noted)
 * are never sent again: the landing is past them, and the sender skips those the new order puts
 * later.
 */
export function planMove(
  enrolment: Enrolment,
  from: CompiledSequence,
  to: CompiledSequence,
  topics: readonly string[] = [],
): MovePlan {
  const fromStep = from.steps[enrolment.stepIndex];
  const inTo = new Set(to.steps.map((step) => step.id));
  const received = [
    ...new Set([
      ...(enrolment.receivedStepIds ?? []),
      ...from.steps.slice(0, enrolment.stepIndex).map((step) => step.id),
    ]),
  ].filter((id) => inTo.has(id));
  const sameStep = from.steps
    .slice(enrolment.stepIndex)
    .filter((step) => !received.includes(step.id))
    .map((step) => to.steps.findIndex((candidate) => candidate.id === step.id))
    .find((index) => index >= 0);
  const landing =
    sameStep === undefined
      ? -1
      : nextStepOnPath(to.steps, sameStep - 1, pathContext(to.steps, topics), new Set(received));
  if (landing < 0 || !enrolment.nextSendAt) return { enrolment, skipped: [] };
  const skipped = to.steps
    .slice(landing + 1)
    .map((step) => step.id)
    .filter((id) => received.includes(id));
  const toStep = to.steps[landing]!;
  const retimed =
    fromStep?.id !== toStep.id ||
    fromStep.delay !== toStep.delay ||
    JSON.stringify(from.sendWindow) !== JSON.stringify(to.sendWindow);
  // The next send counts from the last one, as the engine would have timed it on the new version.
  const nextSendAt =
    retimed && enrolment.lastSentAt
      ? nextSendTime({
          after: new Date(enrolment.lastSentAt),
          delay: toStep.delay,
          window: to.sendWindow,
          timeZone: enrolment.timeZone,
        }).toISOString()
      : enrolment.nextSendAt;
  return { enrolment, to: { stepIndex: landing, nextSendAt, receivedStepIds: received }, skipped };
}

/** "on the general path", or "who chose Fraxel aftercare and Hair restoration" (of the topics the version names). */
function pathLabel(sequence: CompiledSequence, topics: readonly string[]): string {
  const named = namedTopics(sequence.steps);
  const chosen = topics.filter((topic): topic is Interest => named.has(topic as Interest));
  if (chosen.length === 0) return 'on the general path';
  return `who chose ${chosen.map((topic) => INTERESTS[topic]).join(' and ')}`;
}

/** What differs between two versions, step by step, in words staff can check. */
export function describeChanges(from: CompiledSequence, to: CompiledSequence): string[] {
  const changes: string[] = [];
  const window = (sequence: CompiledSequence) =>
    `${sequence.sendWindow.days.join(', ')} ${sequence.sendWindow.start}–${sequence.sendWindow.end}`;
  if (window(from) !== window(to)) changes.push(`Send window: ${window(from)} → ${window(to)}`);
  if (from.timeZoneFallback !== to.timeZoneFallback) {
    changes.push(`Time zone fallback: ${from.timeZoneFallback} → ${to.timeZoneFallback}`);
  }
  to.steps.forEach((step, index) => {
    const before = from.steps.findIndex((candidate) => candidate.id === step.id);
    if (before === -1) {
      changes.push(
        `Step "${step.id}" added at position ${index + 1} (delay ${step.delay}): "${step.variants[0]!.subject}"`,
      );
      return;
    }
    const old = from.steps[before]!;
    if (before !== index) changes.push(`Step "${step.id}" moved from position ${before + 1} to ${index + 1}`);
    if (old.delay !== step.delay) changes.push(`Step "${step.id}" retimed: ${old.delay} → ${step.delay}`);
    if (old.enabled !== step.enabled) changes.push(`Step "${step.id}" ${step.enabled ? 'enabled' : 'disabled'}`);
    const subjects = (s: CompiledStep) => s.variants.map((variant) => `${variant.id}: "${variant.subject}"`).join(', ');
    if (subjects(old) !== subjects(step))
      changes.push(`Step "${step.id}" reworded: ${subjects(old)} → ${subjects(step)}`);
    if (old.template.html !== step.template.html || old.preheader !== step.preheader) {
      changes.push(`Step "${step.id}": email content changed`);
    }
  });
  for (const step of from.steps) {
    if (!to.steps.some((candidate) => candidate.id === step.id)) changes.push(`Step "${step.id}" removed`);
  }
  return changes.length > 0 ? changes : ['No differences in the steps'];
}

/**
 * Moves the leads pinned to one version onto another, keeping each at the same step (by step
 * id). The dry run says how many leads and what changes for them; nothing moves until staff
 * confirm. A lead being sent a step right now is left where it is and counted.
 */
export async function migrateVersion(
  sequenceId: string,
  request: { fromVersion: string; toVersion: string; dryRun: boolean },
  deps: SequencesDeps,
): Promise<MigrationPreview> {
  knownSequence(sequenceId, deps);
  if (request.fromVersion === request.toVersion) {
    throw new ValidationError([{ field: 'toVersion', message: 'Choose a different version to move to' }]);
  }
  const [from, to] = await Promise.all([
    deps.versions.get(sequenceId, request.fromVersion),
    deps.versions.get(sequenceId, request.toVersion),
  ]);
  if (!from) throw new NotFoundError(`No version "${request.fromVersion}" of "${sequenceId}"`);
  if (!to) throw new NotFoundError(`No version "${request.toVersion}" of "${sequenceId}"`);
  // Moving leads onto a version is sending them its medical content: it needs a current review,
  // exactly as publishing does.
  const target = (await deps.sequences.listVersions(sequenceId)).find((meta) => meta.version === request.toVersion);
  const targetReview = reviewOf(target?.review, deps.clock);
  if (!targetReview || targetReview.expired) {
    throw new ValidationError([
      {
        field: 'toVersion',
        message: targetReview
          ? `The clinical review of version ${request.toVersion} expired on ${targetReview.validUntil}; leads cannot be moved onto it`
          : `Version ${request.toVersion} has no clinical review; leads cannot be moved onto it`,
      },
    ]);
  }
  const pinned = (await deps.enrolments.activeEnrolments(sequenceId)).filter(
    (enrolment) => enrolment.sequenceVersion === request.fromVersion,
  );
  const interests = await deps.enrolments.interestsOf(pinned.map((enrolment) => enrolment.leadId));
  const plans = pinned.map((enrolment) => planMove(enrolment, from, to, interests.get(enrolment.leadId) ?? []));
  const movable = plans.filter((plan) => plan.to);
  const changes = describeChanges(from, to);
  // One line per group of leads: the step they wait for, their path, and the step they land on.
  const groups = new Map<string, number>();
  for (const plan of movable) {
    const stepId = from.steps[plan.enrolment.stepIndex]?.id ?? '?';
    const target = to.steps[plan.to!.stepIndex]!.id;
    const path = pathLabel(to, interests.get(plan.enrolment.leadId) ?? []);
    const landing = target === stepId ? `land on "${target}" (the same step)` : `land on "${target}"`;
    const key = `waiting for "${stepId}" ${path} ${landing}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  for (const [group, count] of groups) changes.push(`${count} lead(s) ${group}`);
  const skippedGroups = new Map<string, number>();
  for (const plan of movable) {
    if (plan.skipped.length === 0) continue;
    const key = plan.skipped.map((id) => `"${id}"`).join(', ');
    skippedGroups.set(key, (skippedGroups.get(key) ?? 0) + 1);
  }
  for (const [steps, count] of skippedGroups) {
    changes.push(`${count} lead(s) already received ${steps}: those steps are skipped for them, not sent again`);
  }
  const stranded = plans.length - movable.length;
  if (stranded > 0) {
    changes.push(
      `${stranded} lead(s) have no step left in version ${request.toVersion} and stay on ${request.fromVersion}`,
    );
  }
  if (request.dryRun) return { leads: movable.length, changes };

  let moved = 0;
  const at = deps.clock.now().toISOString();
  for (const plan of movable) {
    if (await deps.enrolments.moveEnrolment(plan.enrolment, { version: request.toVersion, ...plan.to! }, at)) moved++;
  }
  if (moved < movable.length) {
    changes.push(
      `${movable.length - moved} lead(s) were being sent a step and stay on ${request.fromVersion}; run the move again later`,
    );
  }
  deps.log.info('Enrolments moved to another version', {
    sequenceId,
    fromVersion: request.fromVersion,
    toVersion: request.toVersion,
    moved,
  });
  return { leads: movable.length, changes, moved };
}
