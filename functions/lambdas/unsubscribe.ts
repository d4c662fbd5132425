import { parseEnv, unsubscribeEnvSchema } from '../config/env';
import { makeUnsubscribeHandler } from '../handlers/unsubscribe';
import { unsubscribeDeps } from '../wiring/drip';

export const handler = makeUnsubscribeHandler(unsubscribeDeps(parseEnv(unsubscribeEnvSchema, process.env)));
