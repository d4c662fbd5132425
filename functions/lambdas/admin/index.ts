import { adminEnvSchema, parseEnv } from '../../config/env';
import { makeAdminHandler } from './handler';
import { adminDeps } from './wiring';

// Parsed once per container: a missing setting fails the cold start with its name.
const env = parseEnv(adminEnvSchema, process.env);

/** Every /admin/api/* route (behind API Gateway's JWT authorizer), dispatched by route key. */
export const handler = makeAdminHandler(adminDeps(env));
