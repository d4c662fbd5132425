import { dispatcherEnvSchema, parseEnv } from '../config/env';
import { makeDispatcherHandler } from '../handlers/dispatcher';
import { dispatcherDeps } from '../wiring/drip';

const { deps, settings, prepare } = dispatcherDeps(parseEnv(dispatcherEnvSchema, process.env));

export const handler = makeDispatcherHandler(deps, settings, prepare);
