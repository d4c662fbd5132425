import type { ContentProblem } from '../../sequence/draft';
import type { StoredReview } from '../../sequence/ports';
import type { Clock } from '../../shared/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { AdminUser } from '../auth';
import type { Review } from '../contract';
import { knownSequence, type SequencesDeps } from './deps';

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

/** What the clinical review of a draft with this content lacks, if anything. */
export function reviewProblems(review: StoredReview | undefined, contentHash: string, clock: Clock): ContentProblem[] {
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
