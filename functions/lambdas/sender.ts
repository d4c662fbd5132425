import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parseEnv, senderEnvSchema } from '../config/env';
import { makeSenderHandler } from '../handlers/sender';
import { metrics } from '../observability/metrics';
import { senderDeps } from '../wiring/drip';

const deps = senderDeps(parseEnv(senderEnvSchema, process.env));

export const handler = makeSenderHandler(deps).use(logMetrics(metrics));
