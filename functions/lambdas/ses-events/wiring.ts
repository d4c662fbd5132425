import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sesClient } from '../../adapters/clients/ses';
import { DynamoEngagementStore } from '../../adapters/dynamodb/engagement-store';
import { DynamoEnrolmentStore } from '../../adapters/dynamodb/enrolments';
import { DynamoSequenceVersions } from '../../adapters/dynamodb/sequence-versions';
import { SesAccountSuppressionList } from '../../adapters/ses-account-suppression';
import type { SesEventsEnv } from '../../config/env';
import type { SesEventDeps } from '../../drip/ses-event';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import { exitDepsFrom, type Overrides } from '../wiring';

export function sesEventsDeps(env: SesEventsEnv, overrides: Overrides = {}): SesEventDeps {
  recordAwsCallsAs('ses-events', env);
  const table = dynamoTable(env);
  return {
    ...exitDepsFrom(env, overrides),
    accountSuppression: new SesAccountSuppressionList(sesClient({ endpoint: env.SES_ENDPOINT })),
    engagement: {
      store: new DynamoEngagementStore(table),
      enrolments: new DynamoEnrolmentStore(table),
      versions: new DynamoSequenceVersions(table, Object.values(bundledEmails().sequences)),
    },
  };
}
