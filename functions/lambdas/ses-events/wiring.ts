import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { SesEventsEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { logger } from '../../observability/logger';
import { clockFrom, dripStores, type Overrides } from '../wiring';

export function sesEventsDeps(env: SesEventsEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  const { ids, store, suppression, stats } = dripStores(env, overrides);
  return { ids, store, suppression, stats, log: logger, clock: clockFrom(overrides) };
}
