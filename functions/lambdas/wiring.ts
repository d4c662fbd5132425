import { dynamoTable } from '../adapters/clients/dynamodb';
import { sesClient } from '../adapters/clients/ses';
import { DynamoAddressIds } from '../adapters/dynamodb/address-ids';
import { DynamoCaptureEmailStore } from '../adapters/dynamodb/capture-emails';
import { DynamoEnrolmentStore } from '../adapters/dynamodb/enrolments';
import { DynamoSendRecordStore } from '../adapters/dynamodb/send-records';
import { DynamoStepStats } from '../adapters/dynamodb/step-stats';
import { DynamoSuppressionList } from '../adapters/dynamodb/suppression-list';
import type { Table } from '../adapters/dynamodb/table';
import { SesMailer } from '../adapters/ses-mailer';
import { secretsManagerKey } from '../adapters/signing-key';
import { type BaseEnv, ConfigurationError, type IdentityKeyEnv, type MailEnv } from '../config/env';
import type { Pacer } from '../drip/pacing';
import type { WorkQueue } from '../drip/ports';
import type { Counters } from '../drip/send-step';
import type { AddressIds } from '../lead/address-ids';
import { createCaptureEmailComposer } from '../lead/capture-emails';
import { createLinkBuilder } from '../mail/links';
import type { Mailer } from '../mail/outgoing-email';
import { logger } from '../observability/logger';
import type { CaptureBundle } from '../sequence/compiled';
import type { Clock } from '../shared/clock';
import type { SigningKeyProvider } from '../shared/signing-key';
import type { ExitDeps } from '../suppression/exit-lead';
import type { DeliveryQueue } from '../webhooks/ports';
import { clockFrom, practiceFrom } from './sdk-free-wiring';

/**
 * What differs between AWS, the local stack and tests. Everything else is built the same way
 * from the parsed environment, so the code on the path is the same in every mode.
 */
export { clockFrom, practiceFrom };

export interface Overrides {
  clock?: Clock;
  signingKey?: SigningKeyProvider;
  webhookKey?: SigningKeyProvider;
  mailer?: Mailer;
  queue?: WorkQueue;
  pacer?: Pacer;
  counters?: Counters;
  /** The key of lead ids and suppression hashes (instead of reading it from Secrets Manager). */
  identityKey?: SigningKeyProvider;
  /** Outgoing webhooks' queue (the local stack's in-process one, a test's recording one). */
  deliveryQueue?: DeliveryQueue;
  /** Resolves webhook hosts (tests, without a network). */
  resolver?: (hostname: string) => Promise<string[]>;
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

export function identityKeyFrom(env: IdentityKeyEnv, overrides: Overrides): SigningKeyProvider {
  if (overrides.identityKey) return overrides.identityKey;
  if (!env.IDENTITY_KEY_SECRET_ARN) {
    throw new ConfigurationError('Invalid configuration: IDENTITY_KEY_SECRET_ARN is not set');
  }
  return secretsManagerKey(env.IDENTITY_KEY_SECRET_ARN);
}

/** Keyed lead ids and suppression hashes; the key is fetched once per container and kept. */
export function addressIdsFrom(
  env: IdentityKeyEnv,
  overrides: Overrides,
  table: Table,
  identityKey: SigningKeyProvider = identityKeyFrom(env, overrides),
): AddressIds {
  return new DynamoAddressIds(table, identityKey);
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

/** The stores every drip function that handles addresses or lead ids from outside shares. */
export function dripStores(env: BaseEnv & IdentityKeyEnv, overrides: Overrides) {
  const table = dynamoTable(env);
  const ids = addressIdsFrom(env, overrides, table);
  return {
    table,
    ids,
    leadEnrolments: new DynamoEnrolmentStore(table),
    sendRecords: new DynamoSendRecordStore(table),
    captureEmails: new DynamoCaptureEmailStore(table),
    suppression: new DynamoSuppressionList(table, ids),
    stats: new DynamoStepStats(table),
  };
}

/** What stopping a person's sequences needs (unsubscribe, booked, SES events): the stores, the log, the clock. */
export function exitDepsFrom(
  env: BaseEnv & IdentityKeyEnv,
  overrides: Overrides,
): ExitDeps & { clock: Clock; ids: AddressIds; sendRecords: DynamoSendRecordStore } {
  const { ids, leadEnrolments, sendRecords, suppression, stats } = dripStores(env, overrides);
  return { ids, leadEnrolments, sendRecords, suppression, stats, log: logger, clock: clockFrom(overrides) };
}
