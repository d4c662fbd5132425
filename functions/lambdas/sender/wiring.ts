import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { sesClient } from '../../adapters/clients/ses';
import { DynamoEngagementStore } from '../../adapters/dynamodb/engagement-store';
import { DynamoReplyStore } from '../../adapters/dynamodb/reply-store';
import { DynamoSequenceVersions } from '../../adapters/dynamodb/sequence-versions';
import { accountMaxSendRate, lazyPacer } from '../../adapters/ses-send-rate';
import type { SenderEnv } from '../../config/env';
import { hotLeadAlerter } from '../../drip/hot-lead-alert';
import { SENDER_TIME_RESERVE_MS } from '../../drip/time-budget';
import { logger } from '../../observability/logger';
import { metricCounters } from '../../observability/metrics';
import { withReplyAddress } from '../../reply/reply-to-mailer';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import {
  captureComposerFrom,
  clockFrom,
  dripStores,
  linksFrom,
  mailerFrom,
  type Overrides,
  practiceFrom,
  signingKeyFrom,
} from '../wiring';
import type { SenderDeps } from './handler';

export function senderDeps(env: SenderEnv, overrides: Overrides = {}): SenderDeps {
  recordAwsCallsAs('sender', env);
  const { table, leadEnrolments, sendRecords, suppression, stats } = dripStores(env, overrides);
  const sesForRate = sesClient({ endpoint: env.SES_ENDPOINT });
  const rate = env.MAX_SEND_RATE;
  const mailer = mailerFrom(env, overrides);
  const composer = captureComposerFrom(env, overrides, bundledEmails().transactional);
  return {
    leadEnrolments,
    sendRecords,
    suppression,
    stats,
    versions: new DynamoSequenceVersions(table, Object.values(bundledEmails().sequences)),
    mailer: env.REPLY_DOMAIN
      ? withReplyAddress(mailer, {
          receivingDomain: env.REPLY_DOMAIN,
          replyKey: signingKeyFrom(env, overrides),
          index: new DynamoReplyStore(table),
          clock: clockFrom(overrides),
          log: logger,
        })
      : mailer,
    // The staff alert goes out without the lead's reply address: it is addressed to staff.
    hotLeads: { store: new DynamoEngagementStore(table), alert: hotLeadAlerter(composer, mailer) },
    pacer: overrides.pacer ?? lazyPacer(async () => rate ?? accountMaxSendRate(sesForRate), env.SENDER_CONCURRENCY),
    clock: clockFrom(overrides),
    log: logger,
    counters: overrides.counters ?? metricCounters,
    practice: practiceFrom(env),
    links: linksFrom(env, overrides),
    parallelism: 4,
    settings: {
      claimTimeoutMs: env.CLAIM_TIMEOUT_SECONDS * 1000,
      maxSendAttempts: 4,
      timeReserveMs: SENDER_TIME_RESERVE_MS,
    },
  };
}
