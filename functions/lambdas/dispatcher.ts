import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { dispatcherEnvSchema, parseEnv } from '../config/env';
import type { DispatchResult } from '../drip/dispatch';
import { makeDispatcherHandler } from '../handlers/dispatcher';
import { metrics } from '../observability/metrics';
import { dispatcherDeps } from '../wiring/drip';

const { deps, settings, prepare } = dispatcherDeps(parseEnv(dispatcherEnvSchema, process.env));

/** Each run's counts as EMF metrics: the dashboard graphs them, and an alarm watches failures. */
const recordRun: MiddlewareObj<unknown, DispatchResult> = {
  after: (request) => {
    const result = request.response;
    if (!result) return;
    metrics.addMetric('WorkQueued', MetricUnit.Count, result.enqueued);
    // Leased but not queued: retried once the lease runs out, so late rather than lost.
    metrics.addMetric('DispatchFailed', MetricUnit.Count, result.failed);
  },
};

// logMetrics first: middy runs `after` in reverse, so the counts are added before the flush.
export const handler = makeDispatcherHandler(deps, settings, prepare).use(logMetrics(metrics)).use(recordRun);
