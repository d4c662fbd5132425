import type { Mailer } from '../../mail/outgoing-email';
import type { Log } from '../../observability/logger';
import type { PlaceholderValues } from '../../render/render';
import type { CompiledSequence } from '../../sequence/compiled';
import type { SequenceDraft } from '../../sequence/draft';
import type {
  BundledSequence,
  DraftCompiler,
  EnrolmentIndex,
  PublishedPointer,
  SequenceStore,
  SequenceVersions,
} from '../../sequence/ports';
import type { Clock } from '../../shared/clock';
import { NotFoundError, ValidationError } from '../../shared/errors';

/** What the sequence use cases (overview, drafts, review, publish, migrate) need; each uses its part. */
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

export function knownSequence(sequenceId: string, deps: SequencesDeps): BundledSequence {
  const bundled = deps.bundled[sequenceId];
  if (!bundled) throw new NotFoundError(`No sequence "${sequenceId}"`);
  return bundled;
}

export function assertSameSequence(sequenceId: string, draft: SequenceDraft): void {
  if (draft.definition.id !== sequenceId) {
    throw new ValidationError([
      { field: 'definition.id', message: `The draft is for "${draft.definition.id}", not "${sequenceId}"` },
    ]);
  }
}

/** Makes sure the bundled version is stored, so pinned leads keep it after a deploy ships another. */
export async function storeBundled(bundled: BundledSequence, deps: SequencesDeps): Promise<void> {
  await deps.sequences.saveVersion(bundled.compiled, { source: bundled.source });
}

export interface PublishedState {
  version: string;
  compiled?: CompiledSequence;
  pointer?: PublishedPointer;
  source?: SequenceDraft;
}

/** The version new leads get: the published pointer, or the bundled version before any publish. */
export async function published(sequenceId: string, deps: SequencesDeps): Promise<PublishedState | undefined> {
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

export async function activeByVersion(sequenceId: string, deps: SequencesDeps): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const enrolment of await deps.enrolments.activeEnrolments(sequenceId)) {
    counts.set(enrolment.sequenceVersion, (counts.get(enrolment.sequenceVersion) ?? 0) + 1);
  }
  return counts;
}
