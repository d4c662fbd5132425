import { parseEnv, unsubscribeEnvSchema } from '../../config/env';
import { unsubscribeDeps } from '../unsubscribe/wiring';
import { makeUnsubscribeHandler } from './handler';

export const handler = makeUnsubscribeHandler(unsubscribeDeps(parseEnv(unsubscribeEnvSchema, process.env)));
