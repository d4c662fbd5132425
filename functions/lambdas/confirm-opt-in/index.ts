import { confirmEnvSchema, parseEnv } from '../../config/env';
import { confirmDeps } from '../confirm-opt-in/wiring';
import { makeConfirmOptInHandler } from './handler';

export const handler = makeConfirmOptInHandler(confirmDeps(parseEnv(confirmEnvSchema, process.env)));
