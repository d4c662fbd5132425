import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { sesClient } from '../../adapters/clients/ses';
import { SesAccountSuppressionList } from '../../adapters/ses-account-suppression';
import type { SesEventsEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { exitDepsFrom, type Overrides } from '../wiring';

export function sesEventsDeps(env: SesEventsEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  return {
    ...exitDepsFrom(env, overrides),
    accountSuppression: new SesAccountSuppressionList(sesClient({ endpoint: env.SES_ENDPOINT })),
  };
}
