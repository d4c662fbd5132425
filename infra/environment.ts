import type { BookingToolsEnv } from '../functions/config/booking-env';
import { ACUITY_API_URL, REBOOK_SEQUENCE_ID } from '../functions/config/booking-env';
import type {
  AdminComposeEnv,
  AdminEnv,
  BaseEnv,
  BookedEnv,
  CaptureEnv,
  ConfirmEnv,
  DispatcherEnv,
  MailEnv,
  SenderEnv,
  SesEventsEnv,
  UnsubscribeEnv,
} from '../functions/config/env';
import type { WebhookDelivererEnv, WebhookEventsEnv } from '../functions/config/webhook-env';
import type { DeployConfig } from './config';

/** Set by the local runtime and tests only; in AWS the SDK finds the regional endpoints. */
type LocalOnly = 'DYNAMODB_ENDPOINT' | 'SES_ENDPOINT';

/**
 * The variables a function's env schema parses, as strings, minus the local-only ones. Typed
 * from functions/config/env.ts so that a setting added there and not here fails `tsc`.
 */
type EnvironmentFor<Env> = { [K in Exclude<keyof Env, LocalOnly>]-?: string };

/** Settings the schema treats as optional and the stack sets only when configured. */
type WithOptional<Env, K extends keyof Env> = Omit<Env, K> & Partial<Pick<Env, K>>;

export interface MailEnvironmentInputs {
  readonly configurationSetName: string;
  /** Base of absolute links to the landing page in emails. */
  readonly siteUrl: string;
  /** Base of links to the public API (unsubscribe, opt-in). */
  readonly publicApiUrl: string;
  /** Secrets Manager secret holding the HMAC key that signs those links. */
  readonly signingKeySecretArn: string;
}

/** Secrets Manager secret keying lead ids and suppression hashes (LeadData.identityKey). */
export interface IdentityKeyInput {
  readonly identityKeySecretArn: string;
}

export function baseEnvironment(config: DeployConfig, tableName: string): EnvironmentFor<BaseEnv> {
  return { TABLE_NAME: tableName, DUE_SHARDS: String(config.dueShards) };
}

/** The mail settings; the link-signing key only for the functions that sign links. */
export function mailEnvironment(
  config: DeployConfig,
  inputs: Omit<MailEnvironmentInputs, 'signingKeySecretArn'>,
): WithOptional<EnvironmentFor<MailEnv>, 'MAIL_REPLY_TO' | 'SIGNING_KEY_SECRET_ARN'> {
  const { practice, mail } = config.clinic;
  return {
    SES_CONFIGURATION_SET: inputs.configurationSetName,
    MAIL_FROM_ADDRESS: mail.fromAddress,
    ...(mail.replyToAddress && { MAIL_REPLY_TO: mail.replyToAddress }),
    STAFF_EMAILS: mail.staffAddresses.join(','),
    PRACTICE_NAME: practice.name,
    PRACTICE_SURGEON: practice.surgeon,
    PRACTICE_POSTAL_ADDRESS: practice.postalAddress,
    PRACTICE_PHONE: practice.phone,
    PRACTICE_TIME_ZONE: practice.timeZone,
    SITE_URL: inputs.siteUrl,
    PUBLIC_API_URL: inputs.publicApiUrl,
  };
}

/** Mail settings with the key that signs unsubscribe and opt-in links. */
export function signedMailEnvironment(
  config: DeployConfig,
  inputs: MailEnvironmentInputs,
): WithOptional<EnvironmentFor<MailEnv>, 'MAIL_REPLY_TO'> {
  return { ...mailEnvironment(config, inputs), SIGNING_KEY_SECRET_ARN: inputs.signingKeySecretArn };
}

export function captureEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: MailEnvironmentInputs & IdentityKeyInput & { originVerifySecretArn: string },
): WithOptional<EnvironmentFor<CaptureEnv>, 'MAIL_REPLY_TO'> {
  return {
    ...baseEnvironment(config, tableName),
    ...signedMailEnvironment(config, mail),
    IDENTITY_KEY_SECRET_ARN: mail.identityKeySecretArn,
    ORIGIN_VERIFY_SECRET_ARN: mail.originVerifySecretArn,
    DEFAULT_SEQUENCE_ID: config.clinic.sending.defaultSequenceId,
    CONSENT_MODE: config.consentMode,
    RATE_LIMIT_PER_ADDRESS: String(config.capture.rateLimits.perAddressPerMinute),
    RATE_LIMIT_PER_EMAIL: String(config.capture.rateLimits.perEmailPerMinute),
  };
}

export function dispatcherEnvironment(
  config: DeployConfig,
  tableName: string,
  workQueueUrl: string,
): EnvironmentFor<DispatcherEnv> {
  return {
    ...baseEnvironment(config, tableName),
    WORK_QUEUE_URL: workQueueUrl,
    DISPATCH_LEASE_SECONDS: String(config.dispatcher.lease.toSeconds()),
    DISPATCH_MAX_PER_RUN: String(config.dispatcher.maxPerRun),
  };
}

export function senderEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: MailEnvironmentInputs & IdentityKeyInput,
): WithOptional<EnvironmentFor<SenderEnv>, 'MAIL_REPLY_TO' | 'MAX_SEND_RATE'> {
  const { sender } = config;
  return {
    ...baseEnvironment(config, tableName),
    ...signedMailEnvironment(config, mail),
    IDENTITY_KEY_SECRET_ARN: mail.identityKeySecretArn,
    ...(sender.maxSendRate !== undefined && { MAX_SEND_RATE: String(sender.maxSendRate) }),
    // Equal to the function's reserved concurrency: each instance paces itself to its share.
    SENDER_CONCURRENCY: String(sender.concurrency),
    CLAIM_TIMEOUT_SECONDS: String(sender.claimTimeout.toSeconds()),
  };
}

export function sesEventsEnvironment(
  config: DeployConfig,
  tableName: string,
  inputs: IdentityKeyInput,
): EnvironmentFor<SesEventsEnv> {
  return { ...baseEnvironment(config, tableName), IDENTITY_KEY_SECRET_ARN: inputs.identityKeySecretArn };
}

export function confirmEnvironment(
  config: DeployConfig,
  tableName: string,
  inputs: { readonly siteUrl: string },
): EnvironmentFor<ConfirmEnv> {
  return {
    ...baseEnvironment(config, tableName),
    DEFAULT_SEQUENCE_ID: config.clinic.sending.defaultSequenceId,
    PRACTICE_NAME: config.clinic.practice.name,
    PRACTICE_POSTAL_ADDRESS: config.clinic.practice.postalAddress,
    PRACTICE_PHONE: config.clinic.practice.phone,
    PRACTICE_TIME_ZONE: config.clinic.practice.timeZone,
    SITE_URL: inputs.siteUrl,
  };
}

export function unsubscribeEnvironment(
  config: DeployConfig,
  tableName: string,
  inputs: IdentityKeyInput & { readonly siteUrl: string; readonly signingKeySecretArn: string },
): EnvironmentFor<UnsubscribeEnv> {
  return {
    ...baseEnvironment(config, tableName),
    PRACTICE_NAME: config.clinic.practice.name,
    PRACTICE_POSTAL_ADDRESS: config.clinic.practice.postalAddress,
    PRACTICE_PHONE: config.clinic.practice.phone,
    SITE_URL: inputs.siteUrl,
    SIGNING_KEY_SECRET_ARN: inputs.signingKeySecretArn,
    IDENTITY_KEY_SECRET_ARN: inputs.identityKeySecretArn,
  };
}

export function bookedEnvironment(
  config: DeployConfig,
  tableName: string,
  webhookSecretArn: string,
  inputs: IdentityKeyInput,
): EnvironmentFor<BookedEnv> {
  return {
    ...baseEnvironment(config, tableName),
    WEBHOOK_SECRET_ARN: webhookSecretArn,
    IDENTITY_KEY_SECRET_ARN: inputs.identityKeySecretArn,
  };
}

/**
 * The admin API: the practice's mail settings (the sequences' sample values), but no link-signing
 * key (previews link nowhere real, and no admin function reads the key). MAX_SEND_RATE is the sender's
 * override, so imports pace their first emails to the rate the sender actually uses.
 */
export function adminEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: Omit<MailEnvironmentInputs, 'signingKeySecretArn'> & IdentityKeyInput,
): WithOptional<
  EnvironmentFor<AdminEnv>,
  // The webhook queue's URL is added by infra/constructs/outgoing-webhooks.ts; local development never in AWS.
  'MAIL_REPLY_TO' | 'SIGNING_KEY_SECRET_ARN' | 'MAX_SEND_RATE' | 'WEBHOOK_QUEUE_URL' | 'WEBHOOKS_LOCAL_DEVELOPMENT'
> {
  const { admin, sender } = config;
  return {
    ...baseEnvironment(config, tableName),
    ...mailEnvironment(config, mail),
    IDENTITY_KEY_SECRET_ARN: mail.identityKeySecretArn,
    DEFAULT_SEQUENCE_ID: config.clinic.sending.defaultSequenceId,
    ...(sender.maxSendRate !== undefined && { MAX_SEND_RATE: String(sender.maxSendRate) }),
    IMPORT_SEND_SHARE: String(admin.importSendShare),
    IMPORT_MAX_ROWS: String(admin.importMaxRows),
  };
}

/** The admin API's draft routes: the table, and mail settings for test sends and previews. */
export function adminComposeEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: Omit<MailEnvironmentInputs, 'signingKeySecretArn'>,
): WithOptional<EnvironmentFor<AdminComposeEnv>, 'MAIL_REPLY_TO' | 'SIGNING_KEY_SECRET_ARN'> {
  return { ...baseEnvironment(config, tableName), ...mailEnvironment(config, mail) };
}

/** The daily clinical review check reads the published pointers only. */
export function reviewCheckEnvironment(config: DeployConfig, tableName: string): EnvironmentFor<BaseEnv> {
  return baseEnvironment(config, tableName);
}

/** The Calendly and Acuity webhooks: the booking settings and the two tools' secrets. */
export function bookingToolsEnvironment(
  config: DeployConfig,
  tableName: string,
  secrets: { calendlySigningKeyArn: string; acuitySecretArn: string } & IdentityKeyInput,
): EnvironmentFor<BookingToolsEnv> {
  return {
    ...baseEnvironment(config, tableName),
    IDENTITY_KEY_SECRET_ARN: secrets.identityKeySecretArn,
    PRACTICE_TIME_ZONE: config.clinic.practice.timeZone,
    CANCELLATION_MODE: config.bookingTools.cancellationMode,
    REBOOK_SEQUENCE_ID: REBOOK_SEQUENCE_ID,
    CALENDLY_SIGNING_KEY_SECRET_ARN: secrets.calendlySigningKeyArn,
    ACUITY_SECRET_ARN: secrets.acuitySecretArn,
    ACUITY_API_URL,
  };
}

/** Outgoing webhooks: the stream consumer queues, the deliverer sends (and emails admins). */
export function webhookEventsEnvironment(
  config: DeployConfig,
  tableName: string,
  queueUrl: string,
): EnvironmentFor<WebhookEventsEnv> {
  return { ...baseEnvironment(config, tableName), WEBHOOK_QUEUE_URL: queueUrl };
}

export function webhookDelivererEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: Omit<MailEnvironmentInputs, 'signingKeySecretArn'>,
  queues: { queueUrl: string; deadLetterQueueUrl: string },
): WithOptional<
  EnvironmentFor<WebhookDelivererEnv>,
  'MAIL_REPLY_TO' | 'SIGNING_KEY_SECRET_ARN' | 'WEBHOOK_ALERT_EMAILS' | 'WEBHOOKS_LOCAL_DEVELOPMENT'
> {
  return {
    ...baseEnvironment(config, tableName),
    ...mailEnvironment(config, mail),
    WEBHOOK_QUEUE_URL: queues.queueUrl,
    WEBHOOK_DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
  };
}
