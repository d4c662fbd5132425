import { createHash } from 'node:crypto';
import { renderEmail, renderLine } from '../../render/render';
import { renderStep } from '../../render/render-step';
import type { CompiledStep } from '../../sequence/compiled';
import type { ContentProblem, SequenceDraft } from '../../sequence/draft';
import { NotPublishableError } from '../../sequence/errors';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { AdminUser } from '../auth';
import type { DraftSaved, PreviewResponse } from '../contract';
import { assertSameSequence, knownSequence, type SequencesDeps } from './deps';
import { isRenderProblem, PUBLISH_CHECKS, trialRender } from './publish';
import { reviewProblems } from './review';

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
