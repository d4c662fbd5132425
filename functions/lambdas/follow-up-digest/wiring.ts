import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { DynamoLeadDirectory } from '../../adapters/dynamodb/lead-directory';
import type { DigestEnv } from '../../config/env';
import type { DigestDeps } from '../../follow-up/digest';
import { logger } from '../../observability/logger';
import { addressIdsFrom, clockFrom, mailerFrom, type Overrides } from '../wiring';

export function followUpDigestDeps(env: DigestEnv, overrides: Overrides = {}): DigestDeps {
  recordAwsCallsAs('follow-up-digest', env);
  const table = dynamoTable(env);
  return {
    leads: new DynamoLeadDirectory(table, addressIdsFrom(env, overrides, table)),
    mailer: mailerFrom(env, overrides),
    clock: clockFrom(overrides),
    log: logger,
    settings: { staffAddresses: env.STAFF_EMAILS, siteUrl: env.SITE_URL, sequenceId: env.DEFAULT_SEQUENCE_ID },
  };
}
