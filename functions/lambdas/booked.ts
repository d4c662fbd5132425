import { bookedEnvSchema, parseEnv } from '../config/env';
import { makeBookedHandler } from '../handlers/booked';
import { bookedDeps } from '../wiring/drip';

export const handler = makeBookedHandler(bookedDeps(parseEnv(bookedEnvSchema, process.env)));
