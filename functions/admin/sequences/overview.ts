import type { SequenceDetail, SequenceListItem } from '../contract';
import { activeByVersion, knownSequence, published, type SequencesDeps, storeBundled } from './deps';
import { reviewOf } from './review';

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
