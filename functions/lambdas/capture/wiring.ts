import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { DynamoAddressIds } from '../../adapters/dynamodb/address-ids';
import { DynamoLeadRepository } from '../../adapters/dynamodb/lead-repository';
import { PublishedSequenceCatalog } from '../../adapters/dynamodb/published-sequences';
import { DynamoRateLimiter } from '../../adapters/dynamodb/rate-limiter';
import { DynamoSuppressionList } from '../../adapters/dynamodb/suppression-list';
import { decodeKey } from '../../adapters/key-material';
import type { CaptureEnv } from '../../config/env';
import { ConfigurationError } from '../../config/env';
import { logger } from '../../observability/logger';
import { renderLandingPage } from '../../pages/landing';
import { captureBundle } from '../../sequence/build-output/capture-bundle';
import { clockFrom, practiceFrom } from '../sdk-free-wiring';
import type { Overrides } from '../wiring';
import type { CaptureHandlerDeps } from './handler';

/**
 * Everything POST /leads needs, built from the parsed environment: DynamoDB and nothing else
 * from the AWS SDK (the emails go out from the table's stream, functions/lambdas/capture-mailer).
 */
export function captureDeps(env: CaptureEnv, overrides: Overrides = {}): CaptureHandlerDeps {
  recordAwsCallsAs('capture', env);
  const practice = practiceFrom(env);
  const table = dynamoTable(env);
  const clock = clockFrom(overrides);
  const bundle = captureBundle();
  // One key: lead ids, suppression hashes and rate-limit subjects are all keyed by it.
  const identityKey = overrides.identityKey ?? identityKeyOf(env.IDENTITY_KEY);
  const ids = new DynamoAddressIds(table, identityKey);
  return {
    leads: new DynamoLeadRepository(table),
    ids,
    suppression: new DynamoSuppressionList(table, ids),
    limits: {
      limiter: new DynamoRateLimiter(table, identityKey),
      perAddressPerMinute: env.RATE_LIMIT_PER_ADDRESS,
    },
    siteUrl: env.SITE_URL,
    practice,
    originVerify: env.ORIGIN_VERIFY_SECRET ? { secret: originSecret(env.ORIGIN_VERIFY_SECRET) } : undefined,
    // New leads start on the version published in the console (or the bundled one before any publish).
    sequences: new PublishedSequenceCatalog({ table, bundle, clock, log: logger }),
    clock,
    log: logger,
    settings: {
      defaultSequenceId: env.DEFAULT_SEQUENCE_ID,
      consentMode: env.CONSENT_MODE,
      practiceName: practice.name,
      practiceTimeZone: practice.timeZone,
      perEmailPerMinute: env.RATE_LIMIT_PER_EMAIL,
    },
    thankYouUrl: new URL('/thank-you/', env.SITE_URL).toString(),
    renderFormPage: (values, errors) =>
      renderLandingPage({ practice, values: values as Record<string, string | string[] | undefined>, errors }),
  };
}

function originSecret(value: string) {
  const secret = Buffer.from(value, 'utf8');
  return async () => secret;
}

function identityKeyOf(value: string | undefined) {
  if (!value) throw new ConfigurationError('Invalid configuration: IDENTITY_KEY is not set');
  const key = decodeKey(value);
  return async () => key;
}
