import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { UnsubscribeEnv } from '../../config/env';
import { exitDepsFrom, type Overrides, pagePracticeFrom, signingKeyFrom } from '../wiring';
import type { UnsubscribeHandlerDeps } from './handler';

export function unsubscribeDeps(env: UnsubscribeEnv, overrides: Overrides = {}): UnsubscribeHandlerDeps {
  recordAwsCallsAs('unsubscribe', env);
  return {
    ...exitDepsFrom(env, overrides),
    signingKey: signingKeyFrom(env, overrides),
    practice: pagePracticeFrom(env),
    siteUrl: env.SITE_URL,
  };
}
