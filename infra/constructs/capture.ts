import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { captureEnvironment } from '../environment';
import { IDENTITY_READ_PREFIXES, type LeadData } from './data';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

export interface LeadCaptureProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  /** HMAC key for the unsubscribe link in the confirmation email. */
  readonly signingKey: ISecret;
  /** What CloudFront sends as x-origin-verify: requests without it are refused. */
  readonly originVerifySecret: ISecret;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/**
 * The `POST /leads` function: stores the lead, consent and enrolment, and sends the staff
 * notification and the visitor's confirmation. It may write the table, read which sequence
 * version is published, send from the practice's address and read the link-signing key,
 * nothing else.
 */
export class LeadCapture extends Construct {
  readonly function: AppFunction;

  constructor(scope: Construct, id: string, props: LeadCaptureProps) {
    super(scope, id);
    const { config } = props;

    this.function = new AppFunction(this, 'Capture', {
      lambda: 'capture',
      description: 'POST /leads: store a consultation lead and send the first emails',
      sizing: config.capture,
      observability: config.observability,
      environment: captureEnvironment(config, props.data.table.tableName, {
        configurationSetName: props.email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        signingKeySecretArn: props.signingKey.secretArn,
        originVerifySecretArn: props.originVerifySecret.secretArn,
        identityKeySecretArn: props.data.identityKey.secret.secretArn,
      }),
    });

    // The lead, submission, consent, enrolment and capture-email items (transactions of puts and
    // updates) and the rate-limit windows (updates); a returning lead's enrolment is created only
    // while the lead exists (a condition check).
    props.data.grantItemActions(this.function, 'PutItem', 'UpdateItem', 'ConditionCheckItem');
    // Reads: the version a new lead starts on (SEQUENCE#<id>/PUBLISHED), a returning lead's stored
    // profile, which its emails are written from (LEAD#<id>/PROFILE), and whether the address is
    // suppressed (SUPPRESSION#<hash>); the key of lead ids and suppression hashes, and whether
    // the migration to keyed ids is done (MIGRATION#).
    props.data.grantPartitionItemActions(this.function, ['SEQUENCE#', ...IDENTITY_READ_PREFIXES], 'GetItem');
    props.email.grantSendEmail(this.function);
    props.signingKey.grantRead(this.function);
    props.originVerifySecret.grantRead(this.function);
    props.data.grantIdentity(this.function);
  }
}
