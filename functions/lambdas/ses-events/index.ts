import { parseEnv, sesEventsEnvSchema } from '../../config/env';
import { sesEventsDeps } from '../ses-events/wiring';
import { makeSesEventsHandler } from './handler';

export const handler = makeSesEventsHandler(sesEventsDeps(parseEnv(sesEventsEnvSchema, process.env)));
