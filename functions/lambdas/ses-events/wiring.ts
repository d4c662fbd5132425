import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { DynamoEngagementStore } from '../../adapters/dynamodb/engagement-store';
import { DynamoSequenceVersions } from '../../adapters/dynamodb/sequence-versions';
import type { BaseEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { logger } from '../../observability/logger';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import { clockFrom, dripStores, type Overrides } from '../wiring';

export function sesEventsDeps(env: BaseEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  const { table, store, suppression, stats } = dripStores(env);
  const engagement = {
    store: new DynamoEngagementStore(table),
    versions: new DynamoSequenceVersions(table, Object.values(bundledEmails().sequences)),
  };
  return { store, suppression, stats, engagement, log: logger, clock: clockFrom(overrides) };
}
