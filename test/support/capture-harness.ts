import { randomBytes } from 'node:crypto';
import { captureEnvSchema, parseEnv } from '../../functions/config/env';
import type { Counters } from '../../functions/drip/send-step';
import { makeCaptureHandler } from '../../functions/lambdas/capture/handler';
import { captureDeps } from '../../functions/lambdas/capture/wiring';
import type { Mailer } from '../../functions/mail/outgoing-email';
import type { Clock } from '../../functions/shared/clock';
import { localEnvironment } from '../../local/local-env';
import { testIdentityKey } from './identity';
import { registerPersonalData, registerTestAddress } from './personal-data';
import { freshTable, testEndpoints } from './services';

export const TEST_SIGNING_KEY = randomBytes(32);

/** The real capture handler, wired exactly as in Lambda, on DynamoDB Local and the local SES. */
export async function captureHarness(
  options: {
    extraEnv?: Record<string, string>;
    clock?: Clock;
    mailer?: Mailer;
    /** Counts the capture function's metrics (SendUnknown) in memory. */
    counters?: Counters;
    /** The origin-verify secret CloudFront sends (with ORIGIN_VERIFY_SECRET_ARN in extraEnv). */
    originVerifyKey?: () => Promise<Buffer>;
    /** `deployed`: the rate limits a deployment gets by default, instead of limits set out of the way. */
    limits?: 'relaxed' | 'deployed';
  } = {},
) {
  const { dynamo, ses } = testEndpoints();
  const { tableName, doc } = await freshTable('capture');
  const env = parseEnv(
    captureEnvSchema,
    localEnvironment(
      { port: 3999, dynamoEndpoint: dynamo, sesEndpoint: ses, tableName },
      // Most tests send many requests from one address; the rate-limit tests set real limits.
      {
        ...(options.limits === 'deployed' ? {} : { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_EMAIL: '1000' }),
        ...options.extraEnv,
      },
    ),
  );
  const handler = makeCaptureHandler(
    captureDeps(env, {
      signingKey: async () => TEST_SIGNING_KEY,
      identityKey: testIdentityKey,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.originVerifyKey ? { originVerifyKey: options.originVerifyKey } : {}),
      ...(options.counters ? { counters: options.counters } : {}),
    }),
  );
  return { handler, tableName, doc, env };
}

/**
 * A clock stopped in the middle of the current minute. Rate limits count per minute window,
 * so tests that count to a limit must not straddle a window's edge (which, with the real
 * clock, they do once in a while and then see twice the limit pass).
 */
export function frozenMidMinute(): Clock {
  const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
  return { now: () => new Date(at) };
}

export function validLead(email: string, extra: Record<string, unknown> = {}) {
  const text = (key: string) => (typeof extra[key] === 'string' ? (extra[key] as string) : undefined);
  registerPersonalData(text('firstName'), text('lastName'), text('message'));
  registerTestAddress(email);
  return {
    firstName: 'Dana',
    lastName: 'Whitfield',
    email,
    phone: '(813) 555-0199',
    interests: ['fraxel-aftercare', 'hair-restoration'],
    preferredContact: 'email',
    message: 'Is this suitable after my second Fraxel session?',
    consent: true,
    consentVersion: '2026-11-01',
    timeZone: 'America/New_York',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'exosomes-nov',
    landingPath: '/',
    ...extra,
  };
}
