import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_PARTITION_PREFIX } from '../../functions/adapters/dynamodb/webhook-store';
import { EVENT_SOURCE_FILTERS } from '../../functions/webhooks/events';
import type { DeployConfig } from '../config';
import { webhookDelivererEnvironment, webhookEventsEnvironment } from '../environment';
import { acknowledge } from '../nag';
import type { LeadData } from './data';
import { deadLetterQueue } from './drip';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

export interface OutgoingWebhooksProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  /** The admin API, which queues "send test event" deliveries. */
  readonly admin: AppFunction;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/** One attempt's budget: the poster's own 10-second timeout, five per batch, plus the table. */
const DELIVERER_TIMEOUT = Duration.seconds(60);
const DELIVERER_BATCH = 5;

/**
 * Outgoing webhooks (functions/webhooks/): the table's stream, filtered to lead profiles and
 * enrolments, feeds the events function, which queues one delivery per subscribed endpoint;
 * the deliverer sends them with Standard Webhooks signatures and queues its own retries (SQS
 * delays) for 24 hours, then puts the message in the dead-letter queue. A crash on either side
 * ends in a dead-letter queue too; Monitoring alarms on both.
 */
export class OutgoingWebhooks extends Construct {
  readonly events: AppFunction;
  readonly deliverer: AppFunction;
  readonly queue: sqs.Queue;
  /** Deliveries that failed for 24 hours, and messages the deliverer crashed on. */
  readonly deadLetters: sqs.Queue;
  /** Stream batches the events function failed on after its retries (where they were, not the records). */
  readonly eventDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: OutgoingWebhooksProps) {
    super(scope, id);
    const { config, data, email } = props;

    this.deadLetters = deadLetterQueue(this, 'DeliveryDeadLetters');
    this.eventDeadLetters = deadLetterQueue(this, 'EventDeadLetters');
    acknowledge(
      this.eventDeadLetters,
      'This queue is the stream mapping’s on-failure destination: it is itself the last stop (alarmed by ' +
        'Monitoring, kept 14 days), so it has no dead-letter queue of its own.',
      'AwsSolutions-SQS3',
    );
    this.queue = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(DELIVERER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });

    this.events = new AppFunction(this, 'Events', {
      lambda: 'webhook-events',
      description: 'Table stream → lead events → one queued webhook delivery per subscribed endpoint',
      sizing: { memorySize: 256, timeout: Duration.seconds(30) },
      observability: config.observability,
      environment: webhookEventsEnvironment(config, data.table.tableName, this.queue.queueUrl),
    });
    // Endpoints (query), the delivery log (conditional put, get, marked queued): the WEBHOOK- partitions only.
    data.grantPartitionItemActions(
      this.events,
      [WEBHOOK_PARTITION_PREFIX],
      'GetItem',
      'PutItem',
      'UpdateItem',
      'Query',
    );
    data.table.grantStreamRead(this.events);
    this.queue.grantSendMessages(this.events);
    this.events.fn.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 50,
        bisectBatchOnError: true,
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.eventDeadLetters),
        filters: EVENT_SOURCE_FILTERS.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );
    acknowledge(
      this.events.fn.role!,
      'dynamodb:ListStreams has no resource-level permission (IAM accepts only "*"); CDK adds it for the ' +
        'stream event source. It lists stream ARNs only; the stream itself is read through grantStreamRead ' +
        'on this table’s stream ARN.',
      'AwsSolutions-IAM5[Resource::*]',
    );

    this.deliverer = new AppFunction(this, 'Deliverer', {
      lambda: 'webhook-deliverer',
      description: 'Sends queued webhook deliveries (Standard Webhooks, SSRF-guarded), retries for 24 hours',
      sizing: { memorySize: 256, timeout: DELIVERER_TIMEOUT },
      observability: config.observability,
      environment: webhookDelivererEnvironment(
        config,
        data.table.tableName,
        {
          configurationSetName: email.configurationSet.configurationSetName,
          siteUrl: props.siteUrl,
          publicApiUrl: props.publicApiUrl,
        },
        { queueUrl: this.queue.queueUrl, deadLetterQueueUrl: this.deadLetters.queueUrl },
      ),
    });
    // The endpoint, the delivery log, an endpoint turned off (put): the WEBHOOK- partitions; of
    // the leads' partitions, only reads (the profile, for lead.created).
    data.grantPartitionItemActions(this.deliverer, [WEBHOOK_PARTITION_PREFIX], 'GetItem', 'PutItem');
    data.grantPartitionItemActions(this.deliverer, ['LEAD#'], 'GetItem');
    this.queue.grantSendMessages(this.deliverer);
    this.deadLetters.grantSendMessages(this.deliverer);
    // The "endpoint turned off" email to admins.
    email.grantSendEmail(this.deliverer);
    this.deliverer.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DELIVERER_BATCH,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );

    // The console's "send test event".
    props.admin.fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
    this.queue.grantSendMessages(props.admin);
  }
}
