import { bookedEnvSchema, parseEnv } from '../../config/env';
import { bookedDeps } from '../booked/wiring';
import { makeBookedHandler } from './handler';

export const handler = makeBookedHandler(bookedDeps(parseEnv(bookedEnvSchema, process.env)));
