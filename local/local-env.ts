import { clinicConfig } from '../config/clinic';

export interface LocalEndpoints {
  port: number;
  dynamoEndpoint: string;
  sesEndpoint: string;
  tableName: string;
}

/**
 * The environment the Lambdas get in AWS, with local endpoints: the handlers parse it with
 * the same schemas, so a setting missing here would be missing in the stack too.
 */
export function localEnvironment(
  endpoints: LocalEndpoints,
  extra: Record<string, string> = {},
): Record<string, string> {
  const base = `http://localhost:${endpoints.port}`;
  return {
    TABLE_NAME: endpoints.tableName,
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    SES_ENDPOINT: endpoints.sesEndpoint,
    SES_CONFIGURATION_SET: 'local',
    DUE_SHARDS: '4',
    MAIL_FROM_ADDRESS: clinicConfig.mail.fromAddress,
    ...(clinicConfig.mail.replyToAddress ? { MAIL_REPLY_TO: clinicConfig.mail.replyToAddress } : {}),
    STAFF_EMAILS: clinicConfig.mail.staffAddresses.join(','),
    PRACTICE_NAME: clinicConfig.practice.name,
    PRACTICE_SURGEON: clinicConfig.practice.surgeon,
    PRACTICE_POSTAL_ADDRESS: clinicConfig.practice.postalAddress,
    PRACTICE_PHONE: clinicConfig.practice.phone,
    PRACTICE_TIME_ZONE: clinicConfig.practice.timeZone,
    SITE_URL: base,
    PUBLIC_API_URL: base,
    DEFAULT_SEQUENCE_ID: clinicConfig.sending.defaultSequenceId,
    CONSENT_MODE: process.env.CONSENT_MODE ?? 'single',
    // A webhook receiver on this machine (http://localhost:...) may be registered; never in AWS.
    WEBHOOKS_LOCAL_DEVELOPMENT: '1',
    ...extra,
  };
}
