import { dynamoTable } from '../adapters/clients/dynamodb';
import { sesClient } from '../adapters/clients/ses';
import { DynamoDripStore } from '../adapters/dynamodb/drip-store';
import { DynamoStepStats } from '../adapters/dynamodb/step-stats';
import { DynamoSuppressionList } from '../adapters/dynamodb/suppression-list';
import { SesMailer } from '../adapters/ses-mailer';
import { secretsManagerKey } from '../adapters/signing-key';
import { type BaseEnv, ConfigurationError, type MailEnv } from '../config/env';
import type { Pacer } from '../drip/pacing';
import type { WorkQueue } from '../drip/ports';
import type { Counters } from '../drip/send-step';
import { createCaptureEmailComposer } from '../lead/capture-emails';
import { createLinkBuilder } from '../mail/links';
import type { Mailer } from '../mail/outgoing-email';
import type { PracticeDetails } from '../mail/practice';
import type { CaptureBundle } from '../sequence/compiled';
import { type Clock, systemClock } from '../shared/clock';
import type { SigningKeyProvider } from '../shared/signing-key';
import type { DeliveryQueue } from '../webhooks/ports';

/**
 * What differs between AWS, the local stack and tests. Everything else is built the same way
 * from the parsed environment, so the code on the path is the same in every mode.
 */
export interface Overrides {
  clock?: Clock;
  signingKey?: SigningKeyProvider;
  webhookKey?: SigningKeyProvider;
  mailer?: Mailer;
  queue?: WorkQueue;
  pacer?: Pacer;
  counters?: Counters;
  /** The secret CloudFront sends in x-origin-verify (instead of reading it from Secrets Manager). */
  originVerifyKey?: SigningKeyProvider;
  /** Outgoing webhooks' queue (the local stack's in-process one, a test's recording one). */
  deliveryQueue?: DeliveryQueue;
  /** Resolves webhook hosts (tests, without a network). */
  resolver?: (hostname: string) => Promise<string[]>;
}

export function practiceFrom(env: MailEnv): PracticeDetails {
  return {
    name: env.PRACTICE_NAME,
    surgeon: env.PRACTICE_SURGEON,
    postalAddress: env.PRACTICE_POSTAL_ADDRESS,
    phone: env.PRACTICE_PHONE,
    timeZone: env.PRACTICE_TIME_ZONE,
  };
}

/** What the pages behind emailed links show of the practice (header and footer). */
export function pagePracticeFrom(env: Pick<MailEnv, 'PRACTICE_NAME' | 'PRACTICE_POSTAL_ADDRESS' | 'PRACTICE_PHONE'>) {
  return { name: env.PRACTICE_NAME, postalAddress: env.PRACTICE_POSTAL_ADDRESS, phone: env.PRACTICE_PHONE };
}

export function mailerFrom(env: MailEnv, overrides: Overrides): Mailer {
  return (
    overrides.mailer ??
    new SesMailer({
      client: sesClient({ endpoint: env.SES_ENDPOINT }),
      fromAddress: env.MAIL_FROM_ADDRESS,
      fromName: env.PRACTICE_NAME,
      replyTo: env.MAIL_REPLY_TO,
      configurationSet: env.SES_CONFIGURATION_SET,
    })
  );
}

export function signingKeyFrom(env: { SIGNING_KEY_SECRET_ARN?: string }, overrides: Overrides): SigningKeyProvider {
  if (overrides.signingKey) return overrides.signingKey;
  if (!env.SIGNING_KEY_SECRET_ARN) {
    throw new ConfigurationError('Invalid configuration: SIGNING_KEY_SECRET_ARN is not set');
  }
  return secretsManagerKey(env.SIGNING_KEY_SECRET_ARN);
}

export function clockFrom(overrides: Overrides): Clock {
  return overrides.clock ?? systemClock;
}

export function webhookKeyFrom(env: { WEBHOOK_SECRET_ARN?: string }, overrides: Overrides): SigningKeyProvider {
  if (overrides.webhookKey) return overrides.webhookKey;
  if (!env.WEBHOOK_SECRET_ARN) throw new ConfigurationError('Invalid configuration: WEBHOOK_SECRET_ARN is not set');
  return secretsManagerKey(env.WEBHOOK_SECRET_ARN, undefined, 'raw');
}

export function linksFrom(env: MailEnv, overrides: Overrides) {
  return createLinkBuilder({
    siteUrl: env.SITE_URL,
    publicApiUrl: env.PUBLIC_API_URL,
    signingKey: signingKeyFrom(env, overrides),
  });
}

/** The confirmation, opt-in and staff emails: built the same way by the capture path and the sender. */
export function captureComposerFrom(env: MailEnv, overrides: Overrides, templates: CaptureBundle['transactional']) {
  return createCaptureEmailComposer({
    templates,
    practice: practiceFrom(env),
    staffAddresses: env.STAFF_EMAILS,
    links: linksFrom(env, overrides),
  });
}

/** The stores every drip function shares. */
export function dripStores(env: BaseEnv) {
  const table = dynamoTable(env);
  return {
    table,
    store: new DynamoDripStore(table),
    suppression: new DynamoSuppressionList(table),
    stats: new DynamoStepStats(table),
  };
}
