import { bookingToolsEnvSchema } from '../../config/booking-env';
import { parseEnv } from '../../config/env';
import { makeCalendlyHandler } from './handler';
import { calendlyDeps } from './wiring';

export const handler = makeCalendlyHandler(calendlyDeps(parseEnv(bookingToolsEnvSchema, process.env)));
