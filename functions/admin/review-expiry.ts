import type { Log } from '../observability/logger';
import type { Clock } from '../shared/clock';
import type { MetricSink, PublishedPointer } from './ports';

export interface ReviewCheckDeps {
  sequenceIds: string[];
  pointer(sequenceId: string): Promise<PublishedPointer | undefined>;
  metrics: MetricSink;
  clock: Clock;
  log: Log;
}

export interface ReviewStatus {
  sequenceId: string;
  version?: string;
  status: 'current' | 'expired' | 'missing';
  validUntil?: string;
}

/**
 * The clinical sign-off of what goes out now: for each sequence, whether the published
 * version's review still holds. Publishes `ReviewExpired` (sequences whose review has lapsed)
 * and `ReviewMissing` (published without one: the bundled version before any console publish),
 * each 0 when all is well, so an alarm on either catches outdated medical content.
 */
export async function checkReviewExpiry(deps: ReviewCheckDeps): Promise<ReviewStatus[]> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const statuses = await Promise.all(
    deps.sequenceIds.map(async (sequenceId): Promise<ReviewStatus> => {
      const pointer = await deps.pointer(sequenceId);
      const review = pointer?.review;
      if (!review) return { sequenceId, ...(pointer ? { version: pointer.version } : {}), status: 'missing' };
      return {
        sequenceId,
        version: pointer.version,
        status: review.validUntil < today ? 'expired' : 'current',
        validUntil: review.validUntil,
      };
    }),
  );
  const expired = statuses.filter((status) => status.status === 'expired');
  const missing = statuses.filter((status) => status.status === 'missing');
  deps.metrics.add('ReviewExpired', expired.length);
  deps.metrics.add('ReviewMissing', missing.length);
  for (const status of [...expired, ...missing]) {
    deps.log.warn('Published sequence has no current clinical review', { ...status });
  }
  return statuses;
}
