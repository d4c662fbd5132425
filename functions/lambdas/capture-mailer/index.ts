import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureMailerEnvSchema, parseEnv } from '../../config/env';
import { metrics } from '../../observability/metrics';
import { makeCaptureMailerHandler } from './handler';
import { captureMailerDeps } from './wiring';

// Parsed once per container: a missing setting fails the cold start with its name.
const deps = captureMailerDeps(parseEnv(captureMailerEnvSchema, process.env));

export const handler = makeCaptureMailerHandler(deps).use(logMetrics(metrics));
