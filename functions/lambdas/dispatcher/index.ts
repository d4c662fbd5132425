import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { dispatcherEnvSchema, parseEnv } from '../../config/env';
import { metrics } from '../../observability/metrics';
import { makeDispatcherHandler } from './handler';
import { recordDispatchRun } from './metrics';
import { dispatcherDeps } from './wiring';

const { deps, settings, prepare } = dispatcherDeps(parseEnv(dispatcherEnvSchema, process.env));

// logMetrics first: middy runs `after` in reverse, so the counts are added before the flush.
export const handler = makeDispatcherHandler(deps, settings, prepare).use(logMetrics(metrics)).use(recordDispatchRun);
