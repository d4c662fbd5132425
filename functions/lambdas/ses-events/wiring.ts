import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { BaseEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { exitDepsFrom, type Overrides } from '../wiring';

export function sesEventsDeps(env: BaseEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  return exitDepsFrom(env, overrides);
}
