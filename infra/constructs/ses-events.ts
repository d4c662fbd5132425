import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { sesEventsEnvironment } from '../environment';
import type { LeadData } from './data';
import { deadLetterQueue } from './drip';
import type { EmailSending } from './email';
import { AppFunction, PROJECT_ROOT } from './lambda';

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

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    const { config, data, email } = props;
    const { observability } = config;

    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.function = new AppFunction(this, 'Handler', {
      entry: path.join(PROJECT_ROOT, 'functions/lambdas/ses-events/index.ts'),
      description: 'SES bounce, complaint, delivery, open and click events: suppression and step counters',
      serviceName: 'ses-events',
      memorySize: config.sesEvents.memorySize,
      timeout: config.sesEvents.timeout,
      logRetention: observability.logRetention,
      metricsNamespace: observability.metricsNamespace,
      tracing: observability.tracing,
      environment: sesEventsEnvironment(config, data.table.tableName),
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
    // opens and clicks on the enrolment (a booking click reads the enrolment and its version first).
    data.grantItemActions(this.function, 'GetItem', 'UpdateItem', 'Query');

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
