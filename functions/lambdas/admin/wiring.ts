import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sesClient } from '../../adapters/clients/ses';
import { sqsClient } from '../../adapters/clients/sqs';
import { DynamoBookingStore } from '../../adapters/dynamodb/booking-store';
import { DynamoEnrolmentStore } from '../../adapters/dynamodb/enrolments';
import { DynamoLeadDirectory } from '../../adapters/dynamodb/lead-directory';
import { PublishedSequenceCatalog } from '../../adapters/dynamodb/published-sequences';
import { DynamoSendRecordStore } from '../../adapters/dynamodb/send-records';
import { DynamoSendSlots } from '../../adapters/dynamodb/send-slots';
import { DynamoStepStats } from '../../adapters/dynamodb/step-stats';
import { DynamoSuppressionList } from '../../adapters/dynamodb/suppression-list';
import { DynamoWebhookStore } from '../../adapters/dynamodb/webhook-store';
import { SesAccountSuppressionList } from '../../adapters/ses-account-suppression';
import { accountMaxSendRate } from '../../adapters/ses-send-rate';
import { SqsDeliveryQueue } from '../../adapters/sqs-delivery-queue';
import { destinationCheck } from '../../adapters/webhook-poster';
import type { AdminEnv } from '../../config/env';
import { OPT_IN_TTL_MS } from '../../consent/opt-in-token';
import type { Mailer } from '../../mail/outgoing-email';
import { logger } from '../../observability/logger';
import type { CompiledSequence } from '../../sequence/compiled';
import type { DraftCompiler } from '../../sequence/ports';
import { ServiceUnavailableError } from '../../shared/errors';
import type { DeliveryQueue } from '../../webhooks/ports';
import { posterOptionsFrom } from '../webhook-deliverer/wiring';
import { addressIdsFrom, clockFrom, type Overrides } from '../wiring';
import type { AdminDeps } from './handler';
import { sequenceStores } from './sequences-wiring';

/**
 * The draft routes (save, preview, test send, publish) are served by admin-compose, which
 * bundles the MJML compiler and a mailer; this function has neither, and says so if asked.
 */
const COMPOSED_ELSEWHERE =
  'Drafts are compiled and test-sent by the admin-compose function (functions/admin/routes.ts)';
const noCompiler: DraftCompiler = {
  compile: async () => {
    throw new Error(COMPOSED_ELSEWHERE);
  },
};
const noMailer: Mailer = {
  send: async () => {
    throw new Error(COMPOSED_ELSEWHERE);
  },
};

/** "Send test event" needs the webhook queue; a stack without one says so (503) instead of failing. */
function sqsDeliveryQueueOrNone(queueUrl: string | undefined): DeliveryQueue {
  if (queueUrl) return new SqsDeliveryQueue(sqsClient(), queueUrl, queueUrl);
  const missing = async () => {
    throw new ServiceUnavailableError('Outgoing webhooks are not set up here (WEBHOOK_QUEUE_URL)', 60);
  };
  return { send: missing, deadLetter: missing };
}

/** Everything the admin API needs, built from the parsed environment (AWS and local alike). */
export function adminDeps(env: AdminEnv, overrides: Overrides = {}): AdminDeps {
  recordAwsCallsAs('admin', env);
  const table = dynamoTable(env);
  const ids = addressIdsFrom(env, overrides, table);
  const clock = clockFrom(overrides);
  const { bundle, versions, sequences, enrolments, bundled, sampleValues } = sequenceStores(env, table, clock);
  const ses = sesClient({ endpoint: env.SES_ENDPOINT });
  let rate: Promise<number> | undefined;

  return {
    leads: new DynamoLeadDirectory(table, ids),
    ids,
    accountSuppression: new SesAccountSuppressionList(ses),
    leadEnrolments: new DynamoEnrolmentStore(table),
    sendRecords: new DynamoSendRecordStore(table),
    suppression: new DynamoSuppressionList(table, ids),
    stats: new DynamoStepStats(table),
    versions,
    sequences,
    enrolments,
    compiler: noCompiler,
    bundled,
    mailer: noMailer,
    sampleValues,
    // Imports read the pointer fresh: a publish a moment ago must count.
    catalog: new PublishedSequenceCatalog({ table, bundle, clock, log: logger, cacheMs: 0 }),
    slots: new DynamoSendSlots(table),
    sendRate: () => {
      rate ??= env.MAX_SEND_RATE ? Promise.resolve(env.MAX_SEND_RATE) : accountMaxSendRate(ses);
      rate.catch(() => {
        rate = undefined;
      });
      return rate;
    },
    bundledVersion: (sequenceId) => bundle.sequences[sequenceId]?.version,
    versionsOf: async (sequenceId): Promise<CompiledSequence[] | undefined> => {
      const pointer = await sequences.getPointer(sequenceId);
      const current = pointer ? await versions.get(sequenceId, pointer.version) : undefined;
      const shipped = bundle.sequences[sequenceId];
      const list = [current, shipped].filter((sequence): sequence is CompiledSequence => sequence !== undefined);
      return list.length > 0 ? list : undefined;
    },
    clock,
    log: logger,
    practiceTimeZone: env.PRACTICE_TIME_ZONE,
    optInTtlMs: OPT_IN_TTL_MS,
    bookingInbox: new DynamoBookingStore(table),
    webhooks: {
      store: new DynamoWebhookStore(table),
      destinations: destinationCheck(posterOptionsFrom(env, overrides)),
      allowHttp: env.WEBHOOKS_LOCAL_DEVELOPMENT,
      now: () => clock.now(),
      queue: overrides.deliveryQueue ?? sqsDeliveryQueueOrNone(env.WEBHOOK_QUEUE_URL),
      clock,
    },
    settings: {
      defaultSequenceId: env.DEFAULT_SEQUENCE_ID,
      practiceTimeZone: env.PRACTICE_TIME_ZONE,
      sendRateShare: env.IMPORT_SEND_SHARE,
      maxRows: env.IMPORT_MAX_ROWS,
    },
  };
}

/** The daily clinical sign-off check: every bundled sequence's published pointer. */
