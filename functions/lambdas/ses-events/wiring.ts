import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { BaseEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { logger } from '../../observability/logger';
import { clockFrom, dripStores, type Overrides } from '../wiring';

export function sesEventsDeps(env: BaseEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  const { leadEnrolments, sendRecords, suppression, stats } = dripStores(env);
  return { leadEnrolments, sendRecords, suppression, stats, log: logger, clock: clockFrom(overrides) };
}
