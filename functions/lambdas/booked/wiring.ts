import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { BookedEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { clockFrom, dripStores, type Overrides, webhookKeyFrom } from '../wiring';
import type { BookedHandlerDeps } from './handler';

export function bookedDeps(env: BookedEnv, overrides: Overrides = {}): BookedHandlerDeps {
  recordAwsCallsAs('booked', env);
  const { ids, store, suppression, stats } = dripStores(env, overrides);
  return {
    ids,
    store,
    suppression,
    stats,
    log: logger,
    clock: clockFrom(overrides),
    webhookKey: webhookKeyFrom(env, overrides),
  };
}
