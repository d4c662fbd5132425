import { digestEnvSchema, parseEnv } from '../../config/env';
import { makeFollowUpDigestHandler } from './handler';
import { followUpDigestDeps } from './wiring';

export const handler = makeFollowUpDigestHandler(followUpDigestDeps(parseEnv(digestEnvSchema, process.env)));
