import { bookingToolsEnvSchema } from '../../config/booking-env';
import { parseEnv } from '../../config/env';
import { makeAcuityHandler } from './handler';
import { acuityDeps } from './wiring';

export const handler = makeAcuityHandler(acuityDeps(parseEnv(bookingToolsEnvSchema, process.env)));
