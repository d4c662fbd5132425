import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { baseEnvSchema, parseEnv } from '../../config/env';
import { metrics } from '../../observability/metrics';
import { makeReviewCheckHandler } from './handler';
import { reviewCheckDeps } from './wiring';

const deps = reviewCheckDeps(parseEnv(baseEnvSchema, process.env), {
  add: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
});

export const handler = makeReviewCheckHandler(deps).use(logMetrics(metrics));
