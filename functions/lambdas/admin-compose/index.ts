import { adminComposeEnvSchema, parseEnv } from '../../config/env';
import { makeAdminComposeHandler } from './handler';
import { adminComposeDeps } from './wiring';

// Parsed once per container: a missing setting fails the cold start with its name.
const env = parseEnv(adminComposeEnvSchema, process.env);

/** The admin API's draft routes (save, preview, test send, publish), behind the same JWT authorizer. */
export const handler = makeAdminComposeHandler(adminComposeDeps(env));
