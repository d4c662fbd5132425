import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { DynamoLeadRepository } from '../../adapters/dynamodb/lead-repository';
import { PublishedSequenceCatalog } from '../../adapters/dynamodb/published-sequences';
import { DynamoRateLimiter } from '../../adapters/dynamodb/rate-limiter';
import { DynamoSuppressionList } from '../../adapters/dynamodb/suppression-list';
import { secretsManagerKey } from '../../adapters/signing-key';
import type { CaptureEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { immediateCounters } from '../../observability/metrics';
import { renderLandingPage } from '../../pages/landing';
import { captureBundle } from '../../sequence/build-output/capture-bundle';
import {
  addressIdsFrom,
  captureComposerFrom,
  clockFrom,
  identityKeyFrom,
  mailerFrom,
  type Overrides,
  practiceFrom,
} from '../wiring';
import type { CaptureHandlerDeps } from './handler';

/** Everything POST /leads needs, built from the parsed environment. */
export function captureDeps(env: CaptureEnv, overrides: Overrides = {}): CaptureHandlerDeps {
  recordAwsCallsAs('capture', env);
  const practice = practiceFrom(env);
  const table = dynamoTable(env);
  const clock = clockFrom(overrides);
  const bundle = captureBundle();
  // One key, fetched once: lead ids, suppression hashes and rate-limit subjects are all keyed by it.
  const identityKey = identityKeyFrom(env, overrides);
  const ids = addressIdsFrom(env, overrides, table, identityKey);
  return {
    leads: new DynamoLeadRepository(table),
    ids,
    counters: overrides.counters ?? immediateCounters,
    suppression: new DynamoSuppressionList(table, ids),
    limits: {
      limiter: new DynamoRateLimiter(table, identityKey),
      perAddressPerMinute: env.RATE_LIMIT_PER_ADDRESS,
    },
    siteUrl: env.SITE_URL,
    practice,
    originVerify: env.ORIGIN_VERIFY_SECRET_ARN
      ? {
          secret: overrides.originVerifyKey ?? secretsManagerKey(env.ORIGIN_VERIFY_SECRET_ARN, undefined, 'raw'),
        }
      : undefined,
    // New leads start on the version published in the console (or the bundled one before any publish).
    sequences: new PublishedSequenceCatalog({ table, bundle, clock, log: logger }),
    composer: captureComposerFrom(env, overrides, bundle.transactional),
    mailer: mailerFrom(env, overrides),
    clock,
    log: logger,
    settings: {
      defaultSequenceId: env.DEFAULT_SEQUENCE_ID,
      consentMode: env.CONSENT_MODE,
      practiceName: practice.name,
      practiceTimeZone: practice.timeZone,
      perEmailPerMinute: env.RATE_LIMIT_PER_EMAIL,
      captureEmailRetryAfterMs: 10 * 60 * 1000,
    },
    thankYouUrl: new URL('/thank-you/', env.SITE_URL).toString(),
    renderFormPage: (values, errors) =>
      renderLandingPage({ practice, values: values as Record<string, string | string[] | undefined>, errors }),
  };
}
