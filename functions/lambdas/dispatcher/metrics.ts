import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { DispatchResult } from '../../drip/dispatch';
import { metrics } from '../../observability/metrics';

/** Each run's counts as EMF metrics: the dashboard graphs them, and an alarm watches failures. */
export const recordDispatchRun: MiddlewareObj<unknown, DispatchResult> = {
  after: (request) => {
    const result = request.response;
    if (!result) return;
    metrics.addMetric('WorkQueued', MetricUnit.Count, result.enqueued);
    // Leased but not queued: retried once the lease runs out, so late rather than lost.
    metrics.addMetric('DispatchFailed', MetricUnit.Count, result.failed);
  },
};
