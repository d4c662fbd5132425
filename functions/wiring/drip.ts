import { SQSClient } from '@aws-sdk/client-sqs';
import { createSesClient } from '../adapters/aws-clients';
import { captureBundle } from '../adapters/capture-bundle';
import { DynamoDripStore } from '../adapters/dynamodb/drip-store';
import { DynamoDueIndex } from '../adapters/dynamodb/due-index';
import { DynamoLeadRepository } from '../adapters/dynamodb/lead-repository';
import { PublishedSequenceCatalog } from '../adapters/dynamodb/published-sequences';
import { DynamoSequenceVersions, storeBundledVersions } from '../adapters/dynamodb/sequence-versions';
import { DynamoStepStats } from '../adapters/dynamodb/step-stats';
import { DynamoSuppressionList } from '../adapters/dynamodb/suppression-list';
import { bundledEmails } from '../adapters/email-bundle';
import { accountMaxSendRate, lazyPacer } from '../adapters/ses-send-rate';
import { SqsWorkQueue } from '../adapters/sqs-work-queue';
import type { BaseEnv, BookedEnv, ConfirmEnv, DispatcherEnv, SenderEnv, UnsubscribeEnv } from '../config/env';
import type { DispatchDeps, DispatchSettings } from '../drip/dispatch';
import type { SesEventDeps } from '../drip/ses-event';
import { SENDER_TIME_RESERVE_MS } from '../drip/time-budget';
import type { BookedHandlerDeps } from '../handlers/booked';
import type { ConfirmHandlerDeps } from '../handlers/confirm-opt-in';
import type { SenderDeps } from '../handlers/sender';
import type { UnsubscribeHandlerDeps } from '../handlers/unsubscribe';
import { logger } from '../observability/logger';
import { metricCounters } from '../observability/metrics';
import {
  captureComposerFrom,
  clockFrom,
  linksFrom,
  mailerFrom,
  type Overrides,
  pagePracticeFrom,
  practiceFrom,
  signingKeyFrom,
  tableFrom,
  webhookKeyFrom,
} from './common';

/** The stores every drip function shares. */
export function dripStores(env: BaseEnv) {
  const table = tableFrom(env);
  return {
    table,
    store: new DynamoDripStore(table),
    suppression: new DynamoSuppressionList(table),
    stats: new DynamoStepStats(table),
  };
}

export function dispatcherDeps(
  env: DispatcherEnv,
  overrides: Overrides = {},
): { deps: DispatchDeps; settings: DispatchSettings; prepare: () => Promise<void> } {
  const { table } = dripStores(env);
  const clock = clockFrom(overrides);
  return {
    deps: {
      due: new DynamoDueIndex(table),
      queue: overrides.queue ?? new SqsWorkQueue(new SQSClient({}), env.WORK_QUEUE_URL),
      clock,
      log: logger,
    },
    settings: {
      shards: env.DUE_SHARDS,
      leaseMs: env.DISPATCH_LEASE_SECONDS * 1000,
      maxPerRun: env.DISPATCH_MAX_PER_RUN,
    },
    prepare: () =>
      storeBundledVersions(
        new DynamoSequenceVersions(table),
        Object.values(bundledEmails().sequences),
        clock.now().toISOString(),
      ),
  };
}

export function senderDeps(env: SenderEnv, overrides: Overrides = {}): SenderDeps {
  const { table, store, suppression, stats } = dripStores(env);
  const sesForRate = createSesClient({ endpoint: env.SES_ENDPOINT });
  const rate = env.MAX_SEND_RATE;
  return {
    store,
    optIns: new DynamoLeadRepository(table),
    suppression,
    stats,
    versions: new DynamoSequenceVersions(table, Object.values(bundledEmails().sequences)),
    mailer: mailerFrom(env, overrides),
    composer: captureComposerFrom(env, overrides, bundledEmails().transactional),
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
      maxRetries: 8,
      retryBackoffMs: 60_000,
      timeReserveMs: SENDER_TIME_RESERVE_MS,
    },
  };
}

export function unsubscribeDeps(env: UnsubscribeEnv, overrides: Overrides = {}): UnsubscribeHandlerDeps {
  const { store, suppression, stats } = dripStores(env);
  return {
    store,
    suppression,
    stats,
    log: logger,
    clock: clockFrom(overrides),
    signingKey: signingKeyFrom(env, overrides),
    practice: pagePracticeFrom(env),
    siteUrl: env.SITE_URL,
  };
}

export function sesEventsDeps(env: BaseEnv, overrides: Overrides = {}): SesEventDeps {
  const { store, suppression, stats } = dripStores(env);
  return { store, suppression, stats, log: logger, clock: clockFrom(overrides) };
}

export function bookedDeps(env: BookedEnv, overrides: Overrides = {}): BookedHandlerDeps {
  const { store, suppression, stats } = dripStores(env);
  return {
    store,
    suppression,
    stats,
    log: logger,
    clock: clockFrom(overrides),
    webhookKey: webhookKeyFrom(env, overrides),
  };
}

export function confirmDeps(env: ConfirmEnv, overrides: Overrides = {}): ConfirmHandlerDeps {
  const table = tableFrom(env);
  const clock = clockFrom(overrides);
  return {
    optIns: new DynamoLeadRepository(table),
    // A confirmed lead starts on the version published now, as a single opt-in lead would.
    sequences: new PublishedSequenceCatalog({ table, bundle: captureBundle(), clock, log: logger }),
    clock,
    log: logger,
    settings: { defaultSequenceId: env.DEFAULT_SEQUENCE_ID, practiceTimeZone: env.PRACTICE_TIME_ZONE },
    practice: pagePracticeFrom(env),
    siteUrl: env.SITE_URL,
  };
}
