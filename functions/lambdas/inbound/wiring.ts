import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoReplyStore } from '../../adapters/dynamodb/reply-store';
import { S3RawMessages } from '../../adapters/s3-raw-messages';
import { ConfigurationError, type InboundEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import type { RawMessageStore } from '../../reply/ports';
import { addressIdsFrom, clockFrom, mailerFrom, type Overrides, signingKeyFrom } from '../wiring';
import type { InboundHandlerDeps } from './handler';

export function inboundDeps(
  env: InboundEnv,
  overrides: Overrides & { rawMessages?: RawMessageStore } = {},
): InboundHandlerDeps {
  recordAwsCallsAs('inbound', env);
  const rawMessages =
    overrides.rawMessages ??
    (env.INBOUND_BUCKET ? new S3RawMessages(s3Client(), env.INBOUND_BUCKET, env.INBOUND_PREFIX) : missingBucket());
  const table = dynamoTable(env);
  return {
    store: new DynamoReplyStore(table),
    ids: addressIdsFrom(env, overrides, table),
    rawMessages,
    sourcePrefix: env.INBOUND_BUCKET ? env.INBOUND_PREFIX : 'local/',
    mailer: mailerFrom(env, overrides),
    replyKey: signingKeyFrom(env, overrides),
    clock: clockFrom(overrides),
    log: logger,
    settings: {
      receivingDomain: env.REPLY_DOMAIN,
      staffAddresses: env.STAFF_EMAILS,
      staffInbox: env.STAFF_INBOX ?? env.STAFF_EMAILS[0]!,
      siteUrl: env.SITE_URL,
      practiceTimeZone: env.PRACTICE_TIME_ZONE,
    },
  };
}

function missingBucket(): never {
  throw new ConfigurationError('Invalid configuration: INBOUND_BUCKET is not set');
}
