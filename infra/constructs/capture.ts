import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CAPTURE_MAILER_SOURCE } from '../../functions/lambdas/capture-mailer/stream-source';
import type { DeployConfig } from '../config';
import { captureEnvironment, captureMailerEnvironment } from '../environment';
import { acknowledge } from '../nag';
import { IDENTITY_READ_PREFIXES, type LeadData } from './data';
import { deadLetterQueue } from './drip';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

export interface LeadCaptureProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  /** HMAC key for the unsubscribe link in the confirmation email (the capture mailer's). */
  readonly signingKey: ISecret;
  /** What CloudFront sends as x-origin-verify: requests without it are refused. */
  readonly originVerifySecret: ISecret;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/**
 * `POST /leads` and its emails. The capture function stores the lead, submission, consent,
 * enrolment and the capture-email intents in one transaction and answers: it may write the
 * table and read a few items, nothing else (no SES, no Secrets Manager). The capture mailer
 * takes each intent's INSERT from the table's stream and sends it through SES.
 */
export class LeadCapture extends Construct {
  readonly function: AppFunction;
  readonly mailer: AppFunction;
  /** Stream batches the mailer gave up on after its retries (where they were, not the records). */
  readonly mailerFailures: sqs.Queue;

  constructor(scope: Construct, id: string, props: LeadCaptureProps) {
    super(scope, id);
    const { config, data, email } = props;

    this.function = new AppFunction(this, 'Capture', {
      lambda: 'capture',
      description: 'POST /leads: store a consultation lead and its capture-email intents in one transaction',
      sizing: config.capture,
      observability: config.observability,
      environment: captureEnvironment(config, data.table.tableName, {
        configurationSetName: email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        // A dynamic reference, resolved by CloudFormation at deploy time as for CloudFront's
        // header (site.ts): the template never holds the secret, and the function's cold start
        // needs no Secrets Manager client.
        originVerifySecret: props.originVerifySecret.secretValue.unsafeUnwrap(),
        // The key of lead ids, the same way.
        identityKey: props.data.identityKey.secret.secretValue.unsafeUnwrap(),
      }),
    });
    // The lead, submission, consent, enrolment and capture-email items (transactions of puts and
    // updates) and the rate-limit windows (updates); a returning lead's enrolment is created only
    // while the lead exists (a condition check).
    data.grantItemActions(this.function, 'PutItem', 'UpdateItem', 'ConditionCheckItem');
    // Reads: the version a new lead starts on (SEQUENCE#<id>/PUBLISHED), a returning lead's stored
    // profile (LEAD#<id>/PROFILE), whether the address is suppressed (SUPPRESSION#<hash>), and
    // whether the migration to keyed ids is done (MIGRATION#).
    data.grantPartitionItemActions(this.function, ['SEQUENCE#', ...IDENTITY_READ_PREFIXES], 'GetItem');

    this.mailer = new AppFunction(this, 'Mailer', {
      lambda: 'capture-mailer',
      description: 'Sends the capture emails (staff notification, confirmation) from the table stream',
      // A batch of up to ten intents, each paced like the sender's steps.
      sizing: { memorySize: config.sender.memorySize, timeout: Duration.seconds(60) },
      observability: config.observability,
      environment: captureMailerEnvironment(config, data.table.tableName, {
        configurationSetName: email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        signingKeySecretArn: props.signingKey.secretArn,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    // Reads (intent, lead, submission, suppression), the claim and finish of an intent (conditional
    // updates), and the opt-in token a double opt-in email carries (put).
    data.grantItemActions(this.mailer, 'GetItem', 'PutItem', 'UpdateItem');
    email.grantSendEmail(this.mailer);
    email.grantReadSendQuota(this.mailer.fn);
    props.signingKey.grantRead(this.mailer);
    data.table.grantStreamRead(this.mailer);
    // The suppression hash of an intent's address (keyed HMAC).
    data.grantIdentity(this.mailer);

    this.mailerFailures = deadLetterQueue(this, 'MailerFailures');
    acknowledge(
      this.mailerFailures,
      'It is the on-failure destination of the capture mailer’s stream mapping (a dead-letter queue itself, alarmed); cdk-nag does not recognise a mapping’s DestinationConfig as a DLQ use.',
      'AwsSolutions-SQS3',
    );
    const source = CAPTURE_MAILER_SOURCE;
    this.mailer.fn.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        filters: [lambda.FilterCriteria.filter(source.filter)],
        batchSize: source.batchSize,
        maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds),
        bisectBatchOnError: source.bisectBatchOnError,
        retryAttempts: source.maximumRetryAttempts,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.mailerFailures),
      }),
    );
  }
}
