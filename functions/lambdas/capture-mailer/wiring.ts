import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { sesClient } from '../../adapters/clients/ses';
import { DynamoLeadRepository } from '../../adapters/dynamodb/lead-repository';
import { accountMaxSendRate, lazyPacer } from '../../adapters/ses-send-rate';
import type { CaptureMailerEnv } from '../../config/env';
import { SENDER_TIME_RESERVE_MS } from '../../drip/time-budget';
import type { SendCaptureEmailDeps } from '../../lead/send-capture-email';
import { logger } from '../../observability/logger';
import { metricCounters } from '../../observability/metrics';
import { captureBundle } from '../../sequence/build-output/capture-bundle';
import { captureComposerFrom, clockFrom, dripStores, mailerFrom, type Overrides } from '../wiring';

/** The capture emails' consumer on the table's stream: the same composer, mailer and pacing as the sender. */
export function captureMailerDeps(env: CaptureMailerEnv, overrides: Overrides = {}): SendCaptureEmailDeps {
  recordAwsCallsAs('capture-mailer', env);
  const { table, leadEnrolments, captureEmails, suppression } = dripStores(env, overrides);
  const sesForRate = sesClient({ endpoint: env.SES_ENDPOINT });
  const rate = env.MAX_SEND_RATE;
  return {
    captureEmails,
    leads: leadEnrolments,
    optIns: new DynamoLeadRepository(table),
    suppression,
    composer: captureComposerFrom(env, overrides, captureBundle().transactional),
    mailer: mailerFrom(env, overrides),
    // Its share of the account's rate; the sender's instances take the rest.
    pacer:
      overrides.pacer ??
      lazyPacer(async () => (rate ?? (await accountMaxSendRate(sesForRate))) * env.CAPTURE_SEND_SHARE, 1),
    clock: clockFrom(overrides),
    log: logger,
    counters: overrides.counters ?? metricCounters,
    settings: { maxSendAttempts: 4, maxDeliveries: 5, timeReserveMs: SENDER_TIME_RESERVE_MS },
  };
}
