import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { sesEventsEnvironment } from '../environment';
import { IDENTITY_READ_PREFIXES, type LeadData, SEQUENCE_PARTITION_PREFIX } from './data';
import { deadLetterQueue } from './drip';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

/**
 * The events the configuration set publishes, with the EventBridge detail-type SES gives each.
 * Bounces and complaints suppress the address; every one of them updates the step counters.
 */
export const SES_EVENTS = [
  { type: ses.EmailSendingEvent.BOUNCE, detailType: 'Email Bounced' },
  { type: ses.EmailSendingEvent.COMPLAINT, detailType: 'Email Complaint Received' },
  { type: ses.EmailSendingEvent.DELIVERY, detailType: 'Email Delivered' },
  { type: ses.EmailSendingEvent.OPEN, detailType: 'Email Opened' },
  { type: ses.EmailSendingEvent.CLICK, detailType: 'Email Clicked' },
] as const;

export interface SesEventsProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
}

/**
 * SES events back into the pipeline: the configuration set publishes them to the default
 * EventBridge bus (the only bus SES accepts), a rule takes this configuration set's events to
 * the `ses-events` function. EventBridge (no SNS topic) because it needs no topic key that SES
 * must be allowed to use, and the rule can filter on the configuration set. An event that
 * cannot be delivered, or that the function fails on after its retries, lands in one DLQ.
 */
export class SesEvents extends Construct {
  readonly function: AppFunction;
  readonly deadLetters: sqs.Queue;
  readonly rule: events.Rule;
  readonly destination: ses.ConfigurationSetEventDestination;

  constructor(scope: Construct, id: string, { config, data, email }: SesEventsProps) {
    super(scope, id);

    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      lambda: 'ses-events',
      description: 'SES bounce, complaint, delivery, open and click events: suppression and step counters',
      sizing: config.sesEvents,
      observability: config.observability,
      environment: sesEventsEnvironment(config, data.table.tableName, {
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
      // The handler throws when it could not record an event, so Lambda retries it; a bounce or
      // complaint must never be lost, so the last failure is kept for a replay.
      asyncFailures: {
        deadLetterQueue: this.deadLetters,
        retryAttempts: config.sesEvents.retryAttempts,
        maxEventAge: config.sesEvents.maxEventAge,
      },
    });
    // Suppress (update), note the event on its send record (conditional update), count it
    // (update), exit the person's enrolments (query of their partition, then updates), and note
    // opens and clicks on the enrolment (update). The suppression entry, read first since an erased
    // person's takes nothing more, is among the identity reads below.
    data.grantItemActions(this.function, 'UpdateItem', 'Query');
    // A late bounce or complaint for an erased person: SES listed the address again, in the
    // clear, and it comes off.
    email.grantAccountActions(this.function.fn, ['ses:DeleteSuppressedDestination']);
    // Reads: the lead id and suppression hash of a bounced or complaining address, today's id of
    // a lead an older email's tag names by its unkeyed id (until the migration to keyed ids); and
    // for a booking-link click, the enrolment (LEAD#) and its pinned version (SEQUENCE#), which
    // set the branch's wait.
    data.grantIdentity(this.function);
    data.grantPartitionItemActions(this.function, [SEQUENCE_PARTITION_PREFIX, ...IDENTITY_READ_PREFIXES], 'GetItem');

    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.destination = new ses.ConfigurationSetEventDestination(this, 'Destination', {
      configurationSet: email.configurationSet,
      destination: ses.EventDestination.eventBus(defaultBus),
      events: SES_EVENTS.map((event) => event.type),
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'SES events of the pipeline configuration set to the ses-events function',
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_EVENTS.map((event) => event.detailType),
        // SES tags every message with its configuration set: other senders in the account are
        // not this pipeline's business.
        detail: { mail: { tags: { 'ses:configuration-set': [email.configurationSet.configurationSetName] } } },
      },
      targets: [
        new targets.LambdaFunction(this.function.fn, {
          deadLetterQueue: this.deadLetters,
          // Delivery to Lambda only fails while Lambda refuses the invocation: keep trying for
          // the longest EventBridge allows rather than lose a bounce.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
