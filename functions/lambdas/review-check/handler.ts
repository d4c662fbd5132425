import middy from '@middy/core';
import { checkReviewExpiry, type ReviewCheckDeps } from '../../admin/review-expiry';

/**
 * Run daily by a schedule: publishes `ReviewExpired` and `ReviewMissing` (EMF) for the
 * published sequences and the versions leads are still on, which CloudWatch alarms watch.
 */
export function makeReviewCheckHandler(deps: ReviewCheckDeps) {
  return middy(async () => {
    const statuses = await checkReviewExpiry(deps);
    return { checked: statuses.length, statuses };
  });
}
