import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MIGRATION_PREFIX } from '../../functions/adapters/dynamodb/keys';
import type { DeployConfig } from '../config';
import { inboundEnvironment } from '../environment';
import { acknowledge } from '../nag';
import type { LeadData } from './data';
import { deadLetterQueue } from './drip';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

export const INBOUND_PREFIX = 'inbound/';

export interface RepliesProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  readonly signingKey: secretsmanager.ISecret;
  readonly replyDomain: string;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
  /** Where the bucket's server access logs go (the site's log bucket). */
  readonly accessLogs: s3.IBucket;
}

/**
 * Replies to sequence emails: SES receiving on the reply subdomain (MX record), a receipt rule
 * that stores each message in an encrypted bucket (deleted after `rawMessageExpiration`) and then
 * invokes the inbound function, which matches the reply to its lead and pauses the sequence. A
 * message the function keeps failing on ends in a dead-letter queue with an alarm.
 */
export class Replies extends Construct {
  readonly bucket: s3.Bucket;
  readonly function: AppFunction;
  readonly deadLetters: sqs.Queue;
  readonly ruleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: RepliesProps) {
    super(scope, id);
    const { config, data, replyDomain } = props;
    const { replies, observability } = config;
    const region = Stack.of(this).region;

    this.bucket = new s3.Bucket(this, 'Messages', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3-replies/',
      // Raw replies are personal data: kept only long enough for staff to look one up.
      lifecycleRules: [{ prefix: INBOUND_PREFIX, expiration: replies.rawMessageExpiration }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      lambda: 'inbound',
      description: 'Replies received by SES: match to the lead, pause the sequence, timeline, staff task and notice',
      sizing: replies,
      observability,
      environment: inboundEnvironment(config, data.table.tableName, {
        configurationSetName: props.email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        signingKeySecretArn: props.signingKey.secretArn,
        identityKeySecretArn: data.identityKey.secret.secretArn,
        bucketName: this.bucket.bucketName,
        prefix: INBOUND_PREFIX,
        replyDomain,
      }),
      // Handling a message twice is harmless: the reply is stored once, by its Message-ID.
      asyncFailures: {
        deadLetterQueue: this.deadLetters,
        retryAttempts: replies.retryAttempts,
        maxEventAge: replies.timeout.plus(replies.timeout).plus(replies.timeout),
      },
    });
    this.grantReadMessages(this.function);
    // The lead, its enrolments (pause), its replies and the sent-message index (In-Reply-To).
    data.grantPartitionItemActions(this.function, ['LEAD#', 'MESSAGE#'], 'GetItem', 'PutItem', 'UpdateItem', 'Query');
    props.email.grantSendEmail(this.function);
    props.signingKey.grantRead(this.function);
    // Today's id of a lead an older email names by its unkeyed id (the marker says if any remain).
    data.grantIdentity(this.function, MIGRATION_PREFIX);

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    this.ruleSet.addRule('Replies', {
      recipients: [replyDomain],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.OPTIONAL,
      actions: [
        new actions.S3({ bucket: this.bucket, objectKeyPrefix: INBOUND_PREFIX }),
        new actions.Lambda({ function: this.function.fn, invocationType: actions.LambdaInvocationType.EVENT }),
      ],
    });

    const mx = `10 inbound-smtp.${region}.amazonaws.com`;
    const zone = config.mail.hostedZone;
    if (zone) {
      new route53.CfnRecordSet(this, 'ReplyMx', {
        hostedZoneId: zone.hostedZoneId,
        name: replyDomain,
        type: 'MX',
        ttl: '1800',
        resourceRecords: [mx],
      });
    } else {
      new CfnOutput(this, 'ReplyMxOutput', {
        description: `Add this DNS record so replies reach SES receiving in ${region}`,
        value: `${replyDomain} MX ${mx}`,
      });
    }
    new CfnOutput(this, 'ReceiptRuleSetName', {
      description:
        'SES receives with one active rule set per region: activate this one once, ' +
        'aws ses set-active-receipt-rule-set --rule-set-name <this name>',
      value: this.ruleSet.receiptRuleSetName,
    });
  }

  /**
   * s3:GetObject on the stored messages only: narrower than `bucket.grantRead`, which adds
   * GetBucket*, List* and GetObject* (versions, ACLs, tags) that the function never calls.
   */
  grantReadMessages(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${INBOUND_PREFIX}*`)],
    });
    const bucketArn = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    acknowledge(
      this,
      'Object keys are the message ids SES gives each received message, unknown in advance: the ' +
        "function may read any object under the receipt rule's prefix, and nothing else.",
      `AwsSolutions-IAM5[Resource::${bucketArn}/${INBOUND_PREFIX}*]`,
    );
    return grant;
  }
}
