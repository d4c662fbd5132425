import { baseEnvSchema, parseEnv } from '../../config/env';
import { sesEventsDeps } from '../ses-events/wiring';
import { makeSesEventsHandler } from './handler';

export const handler = makeSesEventsHandler(sesEventsDeps(parseEnv(baseEnvSchema, process.env)));
