import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parseEnv, senderEnvSchema } from '../../config/env';
import { metrics } from '../../observability/metrics';
import { senderDeps } from '../sender/wiring';
import { makeSenderHandler } from './handler';

const deps = senderDeps(parseEnv(senderEnvSchema, process.env));

export const handler = makeSenderHandler(deps).use(logMetrics(metrics));
