import { RenderError, TemplateError } from '../../render/errors';
import type { PlaceholderValues } from '../../render/render';
import { renderStep } from '../../render/render-step';
import type { CompiledSequence } from '../../sequence/compiled';
import { type ContentProblem, sequenceDraftSchema } from '../../sequence/draft';
import { NotPublishableError } from '../../sequence/errors';
import type { StoredDraft } from '../../sequence/ports';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { AdminUser } from '../auth';
import type { Published } from '../contract';
import { knownSequence, type SequencesDeps, storeBundled } from './deps';
import { reviewProblems } from './review';

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

/** A template that compiles but cannot be filled in (a placeholder where its value can never go). */
export function isRenderProblem(error: unknown): error is Error {
  return error instanceof RenderError || error instanceof TemplateError;
}

/**
 * Every email of a compiled version rendered once with sample values, every subject variant
 * included: what would fail at send time for every lead fails the publish instead.
 */
export function trialRender(sequence: CompiledSequence, values: PlaceholderValues): ContentProblem[] {
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
