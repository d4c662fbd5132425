import type { BaseEnv, CaptureEnv, MailEnv } from '../functions/config/env';
import type { DeployConfig } from './config';

/** Set by the local runtime and tests only; in AWS the SDK finds the regional endpoints. */
type LocalOnly = 'DYNAMODB_ENDPOINT' | 'SES_ENDPOINT';

/**
 * The variables a function's env schema parses, as strings, minus the local-only ones. Typed
 * from functions/config/env.ts so that a setting added there and not here fails `tsc`.
 */
type EnvironmentFor<Env> = { [K in Exclude<keyof Env, LocalOnly>]-?: string };

export interface MailEnvironmentInputs {
  readonly configurationSetName: string;
  /** Base of absolute links to the landing page in emails. */
  readonly siteUrl: string;
  /** Base of links to the public API (unsubscribe, opt-in). */
  readonly publicApiUrl: string;
  /** Secrets Manager secret holding the HMAC key that signs those links. */
  readonly signingKeySecretArn: string;
}

export function baseEnvironment(config: DeployConfig, tableName: string): EnvironmentFor<BaseEnv> {
  return { TABLE_NAME: tableName, DUE_SHARDS: String(config.dueShards) };
}

export function mailEnvironment(
  config: DeployConfig,
  inputs: MailEnvironmentInputs,
): Omit<EnvironmentFor<MailEnv>, 'MAIL_REPLY_TO'> & { MAIL_REPLY_TO?: string } {
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
    SIGNING_KEY_SECRET_ARN: inputs.signingKeySecretArn,
  };
}

export function captureEnvironment(
  config: DeployConfig,
  tableName: string,
  mail: MailEnvironmentInputs,
): Omit<EnvironmentFor<CaptureEnv>, 'MAIL_REPLY_TO'> & { MAIL_REPLY_TO?: string } {
  return {
    ...baseEnvironment(config, tableName),
    ...mailEnvironment(config, mail),
    DEFAULT_SEQUENCE_ID: config.clinic.sending.defaultSequenceId,
    CONSENT_MODE: config.consentMode,
  };
}
