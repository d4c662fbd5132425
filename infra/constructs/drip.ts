import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DUE_INDEX } from '../../functions/adapters/dynamodb/table-schema';
import { SENDER_TIME_RESERVE_MS } from '../../functions/drip/time-budget';
import type { DeployConfig } from '../config';
import { dispatcherEnvironment, senderEnvironment } from '../environment';
import type { LeadData } from './data';
import type { EmailSending } from './email';
import { AppFunction } from './lambda';

/** How often the dispatcher looks for due steps. */
export const DISPATCH_RATE = Duration.minutes(1);

/** SQS event source batch: the most one sender invocation takes from the queue. */
export const SENDER_BATCH_SIZE = 10;

/** AWS's advice for a queue feeding Lambda: at least six times the function's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface DripEngineProps {
  readonly config: DeployConfig;
  readonly data: LeadData;
  readonly email: EmailSending;
  /** HMAC key for the unsubscribe link in every email. */
  readonly signingKey: ISecret;
  readonly siteUrl: string;
  readonly publicApiUrl: string;
}

/**
 * How long a dead-letter queue keeps a message (SQS's most). The ses-events one holds SES events,
 * which name the recipient's address: an erased person's address can stay there this long (README).
 */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** An SQS queue that only ever holds what failed elsewhere: encrypted, TLS only, kept 14 days. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
}

/**
 * The drip engine: EventBridge Scheduler runs the dispatcher every minute; the dispatcher leases
 * what is due in the sparse due index and queues it; the sender takes it from the queue, a
 * batch at a time with bounded concurrency, and sends through SES. Nothing is dropped silently:
 * a tick that cannot run and a message that keeps failing each end in a dead-letter queue.
 */
export class DripEngine extends Construct {
  readonly workQueue: sqs.Queue;
  /** Messages the sender failed on `maxReceiveCount` times. */
  readonly workDeadLetters: sqs.Queue;
  /** Ticks the scheduler could not deliver, and runs of the dispatcher that failed. */
  readonly dispatchDeadLetters: sqs.Queue;
  readonly dispatcher: AppFunction;
  readonly sender: AppFunction;
  readonly schedule: scheduler.Schedule;
  readonly scheduleRole: iam.Role;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: DripEngineProps) {
    super(scope, id);
    const { config, data, email } = props;
    this.visibilityTimeout = Duration.seconds(config.sender.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);
    checkTimings(config, this.visibilityTimeout);

    this.workDeadLetters = deadLetterQueue(this, 'WorkDeadLetters');
    this.workQueue = new sqs.Queue(this, 'WorkQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.workDeadLetters, maxReceiveCount: config.sender.maxReceiveCount },
    });

    this.dispatchDeadLetters = deadLetterQueue(this, 'DispatchDeadLetters');
    this.dispatcher = new AppFunction(this, 'Dispatcher', {
      lambda: 'dispatcher',
      description: 'Every minute: lease the steps that are due and queue them for the sender',
      sizing: config.dispatcher,
      observability: config.observability,
      environment: dispatcherEnvironment(config, data.table.tableName, this.workQueue.queueUrl),
      // The next tick is a minute away and finds whatever this one left: retrying a failed run
      // only overlaps it. The failed run is kept, so the DLQ alarm shows it.
      asyncFailures: {
        deadLetterQueue: this.dispatchDeadLetters,
        retryAttempts: 0,
        maxEventAge: config.dispatcher.scheduleRetry.maxEventAge,
      },
    });
    data.grantIndexQuery(this.dispatcher, DUE_INDEX.name);
    // The lease: a conditional update of the entry's due time.
    data.grantItemActions(this.dispatcher, 'UpdateItem');
    // Once per container, the sequence versions this deploy bundles (a conditional put that never
    // overwrites), so leads pinned to them keep their steps after a later deploy.
    data.grantSequenceItemActions(this.dispatcher, 'PutItem');
    // SendMessageBatch is authorized as sqs:SendMessage.
    iam.Grant.addToPrincipal({
      grantee: this.dispatcher,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.workQueue.queueArn],
    });

    this.scheduleRole = schedulerRole(
      this,
      'ScheduleRole',
      'EventBridge Scheduler: invokes the dispatcher every minute',
    );
    this.schedule = new scheduler.Schedule(this, 'EveryMinute', {
      description: 'Runs the drip dispatcher',
      schedule: scheduler.ScheduleExpression.rate(DISPATCH_RATE),
      target: new InvokeFunctionTarget(this.dispatcher.fn, this.scheduleRole, {
        deadLetterQueue: this.dispatchDeadLetters,
        retryAttempts: config.dispatcher.scheduleRetry.attempts,
        maxEventAge: config.dispatcher.scheduleRetry.maxEventAge,
      }),
    });

    this.sender = new AppFunction(this, 'Sender', {
      lambda: 'sender',
      description: 'Sends each queued step (and retried capture email) through SES, paced to the send rate',
      sizing: config.sender,
      observability: config.observability,
      // With SENDER_CONCURRENCY = this, the instances' token buckets add up to MaxSendRate.
      reservedConcurrency: config.sender.concurrency,
      environment: senderEnvironment(config, data.table.tableName, {
        configurationSetName: email.configurationSet.configurationSetName,
        siteUrl: props.siteUrl,
        publicApiUrl: props.publicApiUrl,
        signingKeySecretArn: props.signingKey.secretArn,
        identityKeySecretArn: data.identityKey.secret.secretArn,
      }),
    });
    // Reads (enrolment, lead, send record, suppression, sequence version, capture email), the
    // claim (conditional put), its release (conditional delete), and the finish transaction
    // (put of the send record and update of the enrolment). No query, no index.
    // A step's claim checks, in its transaction, that the lead still exists (erasure).
    data.grantItemActions(this.sender, 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem');
    email.grantSendEmail(this.sender);
    email.grantReadSendQuota(this.sender.fn);
    props.signingKey.grantRead(this.sender);
    // The suppression hash of each recipient's address.
    data.grantIdentity(this.sender);
    this.sender.fn.addEventSource(
      new SqsEventSource(this.workQueue, {
        batchSize: SENDER_BATCH_SIZE,
        // One failed message is retried alone, not with the nine that were sent.
        reportBatchItemFailures: true,
        // No more pollers than reserved instances: a throttled batch would go back to the queue
        // and count as a receive towards the DLQ.
        maxConcurrency: config.sender.concurrency,
      }),
    );
  }
}

/**
 * A role only this account's EventBridge Scheduler may assume, for schedules of the default group;
 * it can do nothing until a target grants it what the schedule needs.
 */
export function schedulerRole(scope: Construct, id: string, description: string): iam.Role {
  return new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': Aws.ACCOUNT_ID,
          'aws:SourceArn': Stack.of(scope).formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
  });
}

/**
 * Invokes a function from a schedule with a role that may invoke exactly that function and
 * write to the dead-letter queue. (The aws-scheduler-targets LambdaInvoke grants `<arn>:*` too,
 * every version and alias, which this schedule never calls.)
 */
export class InvokeFunctionTarget implements scheduler.IScheduleTarget {
  constructor(
    private readonly fn: IFunction,
    private readonly role: iam.Role,
    private readonly options: { deadLetterQueue: sqs.IQueue; retryAttempts: number; maxEventAge: Duration },
  ) {}

  bind(): scheduler.ScheduleTargetConfig {
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.fn.functionArn],
    });
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.options.deadLetterQueue.queueArn],
    });
    return {
      arn: this.fn.functionArn,
      role: this.role,
      deadLetterConfig: { arn: this.options.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: this.options.retryAttempts,
        maximumEventAgeInSeconds: this.options.maxEventAge.toSeconds(),
      },
    };
  }
}

/**
 * The timings that keep "exactly once" true between the dispatcher, the queue and the sender;
 * a setting that breaks them fails the synth with its name instead of sending twice at run time.
 */
function checkTimings(config: DeployConfig, visibilityTimeout: Duration): void {
  const { sender, dispatcher } = config;
  const visibility = visibilityTimeout.toSeconds();
  const redelivery = visibility * sender.maxReceiveCount;
  const problems = [
    sender.concurrency < 2 || sender.concurrency > 100
      ? `sender.concurrency must be 2 to 100 (SQS event sources accept a maxConcurrency of at least 2), got ${sender.concurrency}`
      : '',
    sender.maxReceiveCount < 1 ? `sender.maxReceiveCount must be at least 1, got ${sender.maxReceiveCount}` : '',
    sender.timeout.toSeconds() * 1000 < 3 * SENDER_TIME_RESERVE_MS
      ? `sender.timeout (${sender.timeout.toSeconds()} s) must be at least ${(3 * SENDER_TIME_RESERVE_MS) / 1000} s: ` +
        `the sender keeps ${SENDER_TIME_RESERVE_MS / 1000} s back to record what it sent`
      : '',
    sender.claimTimeout.toSeconds() <= visibility
      ? `sender.claimTimeout (${sender.claimTimeout.toSeconds()} s) must exceed the work queue's visibility timeout ` +
        `(${visibility} s): a redelivered message would otherwise take a claim whose sender may still be running`
      : '',
    dispatcher.lease.toSeconds() <= redelivery
      ? `dispatcher.lease (${dispatcher.lease.toSeconds()} s) must exceed the visibility timeout × maxReceiveCount ` +
        `(${redelivery} s): a step still being retried from the queue would otherwise be queued again`
      : '',
    dispatcher.lease.toSeconds() > 86_400 || sender.claimTimeout.toSeconds() > 86_400
      ? 'dispatcher.lease and sender.claimTimeout must be at most one day'
      : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`Invalid drip settings: ${problems.join('; ')}`);
}
