import { baseEnvSchema, parseEnv } from '../config/env';
import { makeSesEventsHandler } from '../handlers/ses-events';
import { sesEventsDeps } from '../wiring/drip';

export const handler = makeSesEventsHandler(sesEventsDeps(parseEnv(baseEnvSchema, process.env)));
