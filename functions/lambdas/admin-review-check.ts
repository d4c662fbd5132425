import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { checkReviewExpiry } from '../admin/review-expiry';
import { baseEnvSchema, parseEnv } from '../config/env';
import { metrics } from '../observability/metrics';
import { reviewCheckDeps } from '../wiring/review-check';

const deps = reviewCheckDeps(parseEnv(baseEnvSchema, process.env), {
  add: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
});

/**
 * Run daily by a schedule: publishes `ReviewExpired` and `ReviewMissing` (EMF) for the
 * published sequences, which CloudWatch alarms watch (alarm when either is ≥ 1).
 */
export const handler = middy(async () => {
  const statuses = await checkReviewExpiry(deps);
  return { checked: statuses.length, statuses };
}).use(logMetrics(metrics));
