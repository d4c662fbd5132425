import { confirmEnvSchema, parseEnv } from '../config/env';
import { makeConfirmOptInHandler } from '../handlers/confirm-opt-in';
import { confirmDeps } from '../wiring/drip';

export const handler = makeConfirmOptInHandler(confirmDeps(parseEnv(confirmEnvSchema, process.env)));
