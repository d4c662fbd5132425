import { createHash } from 'node:crypto';
import type { Enrolment } from '../lead/lead';
import type { Mailer } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { RenderError, TemplateError } from '../render/errors';
import { type PlaceholderValues, renderEmail, renderLine } from '../render/render';
import { renderStep } from '../render/render-step';
import { nextSendTime } from '../schedule';
import type { CompiledSequence, CompiledStep } from '../sequence/compiled';
import { type ContentProblem, type SequenceDraft, sequenceDraftSchema } from '../sequence/draft';
import { NotPublishableError } from '../sequence/errors';
import type {
  BundledSequence,
  DraftCompiler,
  EnrolmentIndex,
  PublishedPointer,
  SequenceStore,
  SequenceVersions,
  StoredDraft,
  StoredReview,
} from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { AdminUser } from './auth';
import type {
  DraftSaved,
  MigrationPreview,
  PreviewResponse,
  Published,
  Review,
  SequenceDetail,
  SequenceListItem,
} from './contract';

export interface SequencesDeps {
  sequences: SequenceStore;
  enrolments: EnrolmentIndex;
  versions: SequenceVersions;
  compiler: DraftCompiler;
  /** Sequences shipped in the bundle: the initial published versions and the known sequence ids. */
  bundled: Record<string, BundledSequence>;
  mailer: Mailer;
  /** Placeholder values for previews and test sends (the practice's own, a sample recipient). */
  sampleValues: PlaceholderValues;
  clock: Clock;
  log: Log;
}

export function today(clock: Clock): string {
  return clock.now().toISOString().slice(0, 10);
}

export function reviewOf(review: StoredReview | undefined, clock: Clock): Review | undefined {
  if (!review) return undefined;
  return {
    reviewer: review.reviewer,
    reviewedAt: review.reviewedAt,
    validUntil: review.validUntil,
    expired: review.validUntil < today(clock),
  };
}

/** A content hash of a draft that ignores key order, so the same content always hashes the same. */
export function draftHash(draft: SequenceDraft): string {
  return createHash('sha256').update(canonical(draft)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface PublishedState {
  version: string;
  compiled?: CompiledSequence;
  pointer?: PublishedPointer;
  source?: SequenceDraft;
}

/** The version new leads get: the published pointer, or the bundled version before any publish. */
async function published(sequenceId: string, deps: SequencesDeps): Promise<PublishedState | undefined> {
  const bundled = deps.bundled[sequenceId];
  const pointer = await deps.sequences.getPointer(sequenceId);
  if (!pointer) {
    if (!bundled) return undefined;
    return { version: bundled.compiled.version, compiled: bundled.compiled, source: bundled.source };
  }
  const source =
    (await deps.sequences.versionSource(sequenceId, pointer.version)) ??
    (bundled?.compiled.version === pointer.version ? bundled.source : undefined);
  return { version: pointer.version, pointer, ...(source ? { source } : {}) };
}

function knownSequence(sequenceId: string, deps: SequencesDeps): BundledSequence {
  const bundled = deps.bundled[sequenceId];
  if (!bundled) throw new NotFoundError(`No sequence "${sequenceId}"`);
  return bundled;
}

async function activeByVersion(sequenceId: string, deps: SequencesDeps): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const enrolment of await deps.enrolments.activeEnrolments(sequenceId)) {
    counts.set(enrolment.sequenceVersion, (counts.get(enrolment.sequenceVersion) ?? 0) + 1);
  }
  return counts;
}

/** Makes sure the bundled version is stored, so pinned leads keep it after a deploy ships another. */
async function storeBundled(bundled: BundledSequence, deps: SequencesDeps): Promise<void> {
  await deps.sequences.saveVersion(bundled.compiled, { source: bundled.source });
}

export async function listSequences(deps: SequencesDeps): Promise<SequenceListItem[]> {
  return Promise.all(
    Object.values(deps.bundled).map(async (bundled) => {
      const id = bundled.compiled.id;
      const [state, draft, counts, versions] = await Promise.all([
        published(id, deps),
        deps.sequences.getDraft(id),
        activeByVersion(id, deps),
        deps.sequences.listVersions(id),
      ]);
      const review = reviewOf(state?.pointer?.review, deps.clock);
      const publishedVersion = state?.version ?? bundled.compiled.version;
      const reviews = new Map(versions.map((meta) => [meta.version, reviewOf(meta.review, deps.clock)]));
      const unreviewedPinned = [...counts]
        .filter(([version]) => version !== publishedVersion)
        .flatMap(([version, active]) => {
          const pinnedReview = reviews.get(version);
          if (pinnedReview && !pinnedReview.expired) return [];
          return [{ version, active, ...(pinnedReview ? { reviewExpiredOn: pinnedReview.validUntil } : {}) }];
        });
      return {
        sequenceId: id,
        name: bundled.compiled.name,
        publishedVersion,
        ...(state?.pointer ? { publishedAt: state.pointer.publishedAt } : {}),
        hasDraft: draft !== undefined,
        ...(review ? { review } : {}),
        enrolled: [...counts].map(([version, active]) => ({ version, active })),
        unreviewedPinned,
      };
    }),
  );
}

export async function sequenceDetail(sequenceId: string, deps: SequencesDeps): Promise<SequenceDetail> {
  const bundled = knownSequence(sequenceId, deps);
  await storeBundled(bundled, deps);
  const [state, draft, counts, versions] = await Promise.all([
    published(sequenceId, deps),
    deps.sequences.getDraft(sequenceId),
    activeByVersion(sequenceId, deps),
    deps.sequences.listVersions(sequenceId),
  ]);
  const publishedReview = reviewOf(state?.pointer?.review, deps.clock);
  const draftReview = reviewOf(draft?.review, deps.clock);
  return {
    sequenceId,
    published: {
      version: state?.version ?? bundled.compiled.version,
      ...(state?.pointer ? { publishedAt: state.pointer.publishedAt, publishedBy: state.pointer.publishedBy } : {}),
      draft: state?.source ?? bundled.source,
      ...(publishedReview ? { review: publishedReview } : {}),
    },
    ...(draft
      ? {
          draft: {
            savedAt: draft.savedAt,
            savedBy: draft.savedBy,
            draft: draft.draft,
            ...(draftReview ? { review: draftReview } : {}),
          },
        }
      : {}),
    versions: versions.map((version) => ({
      version: version.version,
      ...(version.publishedAt ? { publishedAt: version.publishedAt } : {}),
      ...(version.publishedBy ? { publishedBy: version.publishedBy } : {}),
      active: counts.get(version.version) ?? 0,
      ...(version.review ? { review: reviewOf(version.review, deps.clock)! } : {}),
    })),
  };
}

function assertSameSequence(sequenceId: string, draft: SequenceDraft): void {
  if (draft.definition.id !== sequenceId) {
    throw new ValidationError([
      { field: 'definition.id', message: `The draft is for "${draft.definition.id}", not "${sequenceId}"` },
    ]);
  }
}

/** Saves the draft whatever its problems (an editor saves work in progress) and lists them. */
export async function saveDraft(
  sequenceId: string,
  draft: SequenceDraft,
  user: AdminUser,
  deps: SequencesDeps,
): Promise<DraftSaved> {
  knownSequence(sequenceId, deps);
  assertSameSequence(sequenceId, draft);
  const compiled = await deps.compiler.compile(draft);
  const contentHash = draftHash(draft);
  const previous = await deps.sequences.getDraft(sequenceId);
  const savedAt = deps.clock.now().toISOString();
  // A review holds for the content that was reviewed; saving the same content keeps it.
  const review = previous?.review?.contentHash === contentHash ? previous.review : undefined;
  await deps.sequences.saveDraft({
    sequenceId,
    draft,
    savedAt,
    savedBy: user.username,
    contentHash,
    ...(review ? { review } : {}),
  });
  // Every rule a publish checks, so that "nothing stops this draft" means a publish would go through.
  const problems = [
    ...compiled.problems,
    ...(compiled.sequence ? trialRender(compiled.sequence, deps.sampleValues) : []),
    ...reviewProblems(review, contentHash, deps.clock),
  ];
  deps.log.info('Sequence draft saved', { sequenceId, problems: problems.length, reviewKept: !!review });
  return { savedAt, problems, checks: PUBLISH_CHECKS };
}

function stepOf(draft: SequenceDraft, stepId: string) {
  const step = draft.definition.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new ValidationError([{ field: 'stepId', message: `The draft has no step "${stepId}"` }]);
  return step;
}

interface RenderedDraftStep {
  subject: string;
  html: string;
  text: string;
  problems: ContentProblem[];
  compiled?: CompiledStep;
}

async function renderDraftStep(
  sequenceId: string,
  draft: SequenceDraft,
  stepId: string,
  variantId: string | undefined,
  deps: SequencesDeps,
): Promise<RenderedDraftStep> {
  const step = stepOf(draft, stepId);
  const result = await deps.compiler.compile(draft, { onlyStepId: stepId });
  const problems = [...result.problems];
  const compiled = result.steps.get(stepId);
  const subjects = [{ id: 'a', subject: step.subject }, ...step.variants];
  const subjectLine = subjects.find((variant) => variant.id === variantId)?.subject ?? step.subject;
  if (compiled) {
    try {
      const rendered = renderStep({
        sequence: { id: sequenceId },
        step: compiled,
        ...(variantId ? { variantId } : {}),
        values: deps.sampleValues,
      });
      return { subject: rendered.subject, html: rendered.html, text: rendered.text, problems, compiled };
    } catch (error) {
      if (!isRenderProblem(error)) throw error;
      problems.push({ where: `templates.${step.template}`, message: error.message });
      return { subject: subjectLine, html: compiled.template.html, text: compiled.template.text, problems };
    }
  }
  let subject = subjectLine;
  try {
    subject = renderLine(subjectLine, deps.sampleValues);
  } catch {
    // The placeholder problem is listed already; show the subject as typed.
  }
  if (!result.preview) return { subject, html: '', text: '', problems };
  try {
    const rendered = renderEmail({
      template: result.preview,
      subject: subjectLine,
      values: deps.sampleValues,
      utm: { campaign: sequenceId, content: stepId },
    });
    return { subject: rendered.subject, html: rendered.html, text: rendered.text, problems };
  } catch (error) {
    if (!isRenderProblem(error)) throw error;
    problems.push({ where: `templates.${step.template}`, message: error.message });
    return { subject, html: result.preview.html, text: result.preview.text, problems };
  }
}

/** A template that compiles but cannot be filled in (a placeholder where its value can never go). */
function isRenderProblem(error: unknown): error is Error {
  return error instanceof RenderError || error instanceof TemplateError;
}

/**
 * Every email of a compiled version rendered once with sample values, every subject variant
 * included: what would fail at send time for every lead fails the publish instead.
 */
function trialRender(sequence: CompiledSequence, values: PlaceholderValues): ContentProblem[] {
  const problems: ContentProblem[] = [];
  sequence.steps.forEach((step, index) => {
    for (const variant of step.variants) {
      try {
        renderStep({ sequence, step, variantId: variant.id, values });
      } catch (error) {
        if (!isRenderProblem(error)) throw error;
        problems.push({
          where: `steps[${index}]${variant.id === 'a' ? '' : ` variant ${variant.id}`}`,
          message: error.message,
        });
      }
    }
  });
  return problems;
}

/** One email of a draft as a recipient would see it, with sample data, and whatever stops it. */
export async function previewStep(
  sequenceId: string,
  request: { draft: SequenceDraft; stepId: string; variantId?: string },
  deps: SequencesDeps,
): Promise<PreviewResponse> {
  knownSequence(sequenceId, deps);
  assertSameSequence(sequenceId, request.draft);
  const { compiled: _compiled, ...rendered } = await renderDraftStep(
    sequenceId,
    request.draft,
    request.stepId,
    request.variantId,
    deps,
  );
  return rendered;
}

export interface TestSent {
  sentTo: string;
  subject: string;
  messageId: string;
}

/** Sends one step of the saved draft to the signed-in user's own address, subject marked [TEST]. */
export async function testSend(
  sequenceId: string,
  stepId: string,
  user: AdminUser,
  deps: SequencesDeps,
): Promise<TestSent> {
  knownSequence(sequenceId, deps);
  if (!user.email) {
    throw new ValidationError([{ field: 'email', message: 'Your account has no email address to send the test to' }]);
  }
  const stored = await deps.sequences.getDraft(sequenceId);
  if (!stored) throw new NotFoundError('There is no saved draft of this sequence; save it first');
  const rendered = await renderDraftStep(sequenceId, stored.draft, stepId, undefined, deps);
  if (!rendered.compiled) throw new NotPublishableError(rendered.problems);
  const subject = `[TEST] ${rendered.subject}`;
  const { messageId } = await deps.mailer.send({
    to: [user.email],
    subject,
    html: rendered.html,
    text: rendered.text,
    headers: [],
    tags: { kind: 'test-send', sequence: sequenceId, step: stepId },
  });
  deps.log.info('Test email sent', { sequenceId, stepId });
  return { sentTo: user.email, subject, messageId };
}

/** Clinical sign-off of the current draft (admin): who reviewed it and until when it holds. */
export async function recordReview(
  sequenceId: string,
  request: { reviewer: string; validUntil: string },
  user: AdminUser,
  deps: SequencesDeps,
): Promise<Review> {
  knownSequence(sequenceId, deps);
  if (request.validUntil < today(deps.clock)) {
    throw new ValidationError([{ field: 'validUntil', message: 'A review must hold until today or later' }]);
  }
  const stored = await deps.sequences.getDraft(sequenceId);
  if (!stored) throw new NotFoundError('There is no saved draft to review; save it first');
  const review: StoredReview = {
    reviewer: request.reviewer,
    reviewedAt: deps.clock.now().toISOString(),
    validUntil: request.validUntil,
    recordedBy: user.username,
    contentHash: stored.contentHash,
  };
  const result = await deps.sequences.recordReview(sequenceId, review);
  if (result === 'no-draft') throw new NotFoundError('There is no saved draft to review; save it first');
  if (result === 'changed') throw new ConflictError('The draft changed while you reviewed it; review it again');
  deps.log.info('Clinical review recorded', { sequenceId, validUntil: review.validUntil });
  return reviewOf(review, deps.clock)!;
}

/** The rules a publish checks, as the console lists them beside the problems. */
export const PUBLISH_CHECKS = [
  'strict MJML',
  'the unsubscribe link',
  'the postal address',
  'the “not medical advice” line',
  'subjects of at most 60 characters that say nothing about the reader’s health',
  'every quoted source found in the article',
  'every email filled in with sample values',
  'every step on some lead’s path, and an email for every combination of topics',
  'a current clinical review of exactly this content',
];

/** What the clinical review of a draft with this content lacks, if anything. */
function reviewProblems(review: StoredReview | undefined, contentHash: string, clock: Clock): ContentProblem[] {
  if (!review) {
    return [{ where: 'review', message: 'A clinical review of this draft is needed before it can be published' }];
  }
  if (review.contentHash !== contentHash) {
    return [{ where: 'review', message: 'The draft changed after its clinical review; it needs a new review' }];
  }
  if (review.validUntil < today(clock)) {
    return [{ where: 'review', message: `The clinical review expired on ${review.validUntil}` }];
  }
  return [];
}

/** Everything the server checks before a version may go out, in the words the console shows. */
async function publishProblems(
  stored: StoredDraft,
  deps: SequencesDeps,
): Promise<{ problems: ContentProblem[]; sequence?: CompiledSequence }> {
  const problems: ContentProblem[] = [];
  const reparsed = sequenceDraftSchema.safeParse(stored.draft);
  if (!reparsed.success) {
    for (const issue of reparsed.error.issues) {
      problems.push({ where: formatWhere(issue.path), message: issue.message });
    }
  }
  const compiled = reparsed.success ? await deps.compiler.compile(reparsed.data) : undefined;
  problems.push(...(compiled?.problems ?? []));
  if (compiled?.sequence) problems.push(...trialRender(compiled.sequence, deps.sampleValues));
  problems.push(...reviewProblems(stored.review, stored.contentHash, deps.clock));
  return { problems, ...(compiled?.sequence ? { sequence: compiled.sequence } : {}) };
}

function formatWhere(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * Publishes the saved draft as a new immutable version, after checking it on the server:
 * strict MJML, unsubscribe link, postal address, disclaimer, subjects, quotes from the
 * article, and a current clinical review of exactly this content. New leads start on it;
 * enrolled leads stay on their version until staff move them.
 */
export async function publishDraft(sequenceId: string, user: AdminUser, deps: SequencesDeps): Promise<Published> {
  const bundled = knownSequence(sequenceId, deps);
  const stored = await deps.sequences.getDraft(sequenceId);
  if (!stored) throw new NotFoundError('There is no saved draft to publish');
  const { problems, sequence } = await publishProblems(stored, deps);
  if (problems.length > 0 || !sequence) throw new NotPublishableError(problems);
  const current = await deps.sequences.getPointer(sequenceId);
  if (!current) await storeBundled(bundled, deps);
  const publishedAt = deps.clock.now().toISOString();
  await deps.sequences.saveVersion(sequence, {
    source: stored.draft,
    publishedAt,
    publishedBy: user.username,
    ...(stored.review ? { review: stored.review } : {}),
  });
  const result = await deps.sequences.publish(
    {
      sequenceId,
      version: sequence.version,
      publishedAt,
      publishedBy: user.username,
      timeZoneFallback: sequence.timeZoneFallback,
      ...(stored.review ? { review: stored.review } : {}),
    },
    { ...(current ? { version: current.version } : {}), draftSavedAt: stored.savedAt },
  );
  if (result === 'conflict') {
    throw new ConflictError('Someone else published or saved this sequence meanwhile; reload and try again');
  }
  deps.log.info('Sequence published', {
    sequenceId,
    version: sequence.version,
    previous: current?.version ?? bundled.compiled.version,
  });
  return { version: sequence.version, publishedAt };
}

// ---------- Migration ----------

interface MovePlan {
  enrolment: Enrolment;
  /** Undefined when nothing of the new version is left for this lead. */
  to?: { stepIndex: number; nextSendAt: string; receivedStepIds: string[] };
  /** Steps after the landing one, in the new order, that the lead already received: skipped. */
  skipped: string[];
}

/**
 * Where an enrolment lands in another version: the same step by id, or the next one that still
 * exists. Steps the lead already received (everything before its current step, and what an
 * earlier move noted) are never sent again: the landing is past them, and the sender skips
 * those the new order puts later.
 */
export function planMove(enrolment: Enrolment, from: CompiledSequence, to: CompiledSequence): MovePlan {
  const fromStep = from.steps[enrolment.stepIndex];
  const inTo = new Set(to.steps.map((step) => step.id));
  const received = [
    ...new Set([
      ...(enrolment.receivedStepIds ?? []),
      ...from.steps.slice(0, enrolment.stepIndex).map((step) => step.id),
    ]),
  ].filter((id) => inTo.has(id));
  const landing = from.steps
    .slice(enrolment.stepIndex)
    .filter((step) => !received.includes(step.id))
    .map((step) => to.steps.findIndex((candidate) => candidate.id === step.id))
    .find((index) => index >= 0);
  if (landing === undefined || !enrolment.nextSendAt) return { enrolment, skipped: [] };
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
  const plans = pinned.map((enrolment) => planMove(enrolment, from, to));
  const movable = plans.filter((plan) => plan.to);
  const changes = describeChanges(from, to);
  const waiting = new Map<string, number>();
  for (const plan of movable) {
    const stepId = from.steps[plan.enrolment.stepIndex]?.id ?? '?';
    waiting.set(stepId, (waiting.get(stepId) ?? 0) + 1);
  }
  for (const [stepId, count] of waiting) {
    const landing = plans.find((plan) => from.steps[plan.enrolment.stepIndex]?.id === stepId && plan.to)!.to!;
    const target = to.steps[landing.stepIndex]!.id;
    changes.push(
      `${count} lead(s) waiting for "${stepId}" ${target === stepId ? 'keep that step' : `continue with "${target}"`}`,
    );
  }
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
