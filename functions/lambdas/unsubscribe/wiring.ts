import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { UnsubscribeEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { clockFrom, dripStores, type Overrides, pagePracticeFrom, signingKeyFrom } from '../wiring';
import type { UnsubscribeHandlerDeps } from './handler';

export function unsubscribeDeps(env: UnsubscribeEnv, overrides: Overrides = {}): UnsubscribeHandlerDeps {
  recordAwsCallsAs('unsubscribe', env);
  const { ids, store, suppression, stats } = dripStores(env, overrides);
  return {
    ids,
    store,
    suppression,
    stats,
    log: logger,
    clock: clockFrom(overrides),
    signingKey: signingKeyFrom(env, overrides),
    practice: pagePracticeFrom(env),
    siteUrl: env.SITE_URL,
  };
}
