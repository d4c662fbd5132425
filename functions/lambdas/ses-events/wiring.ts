import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { sesClient } from '../../adapters/clients/ses';
import { SesAccountSuppressionList } from '../../adapters/ses-account-suppression';
import type { SesEventsEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { logger } from '../../observability/logger';
import { clockFrom, dripStores, type Overrides } from '../wiring';

export function sesEventsDeps(env: SesEventsEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  const { leadEnrolments, sendRecords, suppression, stats } = dripStores(env);
  return {
    leadEnrolments,
    sendRecords,
    suppression,
    stats,
    accountSuppression: new SesAccountSuppressionList(sesClient({ endpoint: env.SES_ENDPOINT })),
    log: logger,
    clock: clockFrom(overrides),
  };
}
