import type { Log } from '../observability/logger';
import type { PublishedPointer, StoredReview } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import type { MetricSink } from './ports';

export interface ReviewCheckDeps {
  sequenceIds: string[];
  pointer(sequenceId: string): Promise<PublishedPointer | undefined>;
  /** The versions active enrolments are pinned to (leads stay on the version they started on). */
  versionsInUse(sequenceId: string): Promise<string[]>;
  /** The review a version was published with; the bundled version has none. */
  versionReview(sequenceId: string, version: string): Promise<StoredReview | undefined>;
  metrics: MetricSink;
  clock: Clock;
  log: Log;
}

export interface ReviewStatus {
  sequenceId: string;
  version?: string;
  /** `published`: what new leads start on. `pinned`: an older version enrolled leads still receive. */
  scope: 'published' | 'pinned';
  status: 'current' | 'expired' | 'missing';
  validUntil?: string;
}

/**
 * The clinical sign-off of what goes out now: for each sequence, whether the review of the
 * published version still holds, and that of every older version enrolled leads are still
 * pinned to (they keep receiving it until they finish or staff move them). Publishes
 * `ReviewExpired` (versions going out whose review has lapsed) and `ReviewMissing` (going out
 * without one: the bundled version before any console publish), each 0 when all is well, so
 * an alarm on either catches outdated medical content.
 */
export async function checkReviewExpiry(deps: ReviewCheckDeps): Promise<ReviewStatus[]> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const statusOf = (review: StoredReview | undefined): Pick<ReviewStatus, 'status' | 'validUntil'> =>
    review
      ? { status: review.validUntil < today ? 'expired' : 'current', validUntil: review.validUntil }
      : { status: 'missing' };
  const perSequence = await Promise.all(
    deps.sequenceIds.map(async (sequenceId): Promise<ReviewStatus[]> => {
      const [pointer, inUse] = await Promise.all([deps.pointer(sequenceId), deps.versionsInUse(sequenceId)]);
      const published: ReviewStatus = {
        sequenceId,
        ...(pointer ? { version: pointer.version } : {}),
        scope: 'published',
        ...statusOf(pointer?.review),
      };
      const older = inUse.filter((version) => version !== pointer?.version);
      const pinned = await Promise.all(
        older.map(
          async (version): Promise<ReviewStatus> => ({
            sequenceId,
            version,
            scope: 'pinned',
            ...statusOf(await deps.versionReview(sequenceId, version)),
          }),
        ),
      );
      return [published, ...pinned];
    }),
  );
  const statuses = perSequence.flat();
  const expired = statuses.filter((status) => status.status === 'expired');
  const missing = statuses.filter((status) => status.status === 'missing');
  deps.metrics.add('ReviewExpired', expired.length);
  deps.metrics.add('ReviewMissing', missing.length);
  for (const status of [...expired, ...missing]) {
    deps.log.warn('A sequence version going out has no current clinical review', { ...status });
  }
  return statuses;
}
