import { Aws, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PublicApi } from './api';
import type { AppFunction } from './lambda';
import { REVIEW_METRICS } from './review-check';

/**
 * Half of the levels at which SES puts an account under review (bounce rate 5 %, complaint rate
 * 0.1 %), as the fractions SES publishes in `Reputation.BounceRate` and `Reputation.ComplaintRate`:
 * time to act before AWS does.
 */
export const SES_BOUNCE_RATE_ALARM = 0.025;
export const SES_COMPLAINT_RATE_ALARM = 0.0005;
const SES_BOUNCE_RATE_REVIEW = 0.05;
const SES_COMPLAINT_RATE_REVIEW = 0.001;

/** Sender EMF metrics (functions/drip/send-step.ts) that mean a step did not go out. */
export const STEP_FAILURE_METRICS = ['StepFailed', 'StepInterrupted', 'SendUnknown', 'StepStale'] as const;
const STEP_METRICS = ['StepSent', 'StepSkipped', 'StepFailed', 'StepInterrupted', 'SendUnknown', 'StepStale'] as const;

/** Counted from the admin functions' logs: every line they log at ERROR (an unhandled error answered 500). */
export const ADMIN_LOGGED_ERRORS_METRIC = 'AdminLoggedErrors';

export interface PipelineFunctions {
  readonly capture: AppFunction;
  readonly dispatcher: AppFunction;
  readonly sender: AppFunction;
  readonly sesEvents: AppFunction;
  readonly unsubscribe: AppFunction;
  readonly booked: AppFunction;
  /** Further functions (Calendly, Acuity, webhooks...), alarmed on errors like the rest. */
  readonly [more: string]: AppFunction | undefined;
  readonly confirmOptIn?: AppFunction;
  /** The marketing console's API. */
  readonly admin: AppFunction;
  /** The console API's draft routes (MJML compiling, previews, test sends, publishing). */
  readonly adminCompose: AppFunction;
  /** The daily clinical review check, whose metrics the review alarms watch. */
  readonly reviewCheck: AppFunction;
}

export interface MonitoringProps {
  readonly api: PublicApi;
  readonly functions: PipelineFunctions;
  readonly workQueue: sqs.IQueue;
  /** Every dead-letter queue in the stack, by what ends up in it. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** POWERTOOLS_METRICS_NAMESPACE of the functions. */
  readonly metricsNamespace: string;
  /** Subscribed to the alarm topic when set. */
  readonly alarmEmail?: string;
}

/**
 * What tells the practice that something needs a person: alarms on SES reputation (at half the
 * review levels), on every dead-letter queue, on every function's errors, on steps that failed
 * or were interrupted, on 5xx answers of the public API, on errors the console's API answered
 * with a 500, and on published
 * sequences whose clinical review has expired or is missing, all to one encrypted topic; and one
 * dashboard for the pipeline.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarmKey: kms.Key;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { functions } = props;

    // A key of our own: the AWS-managed aws/sns key cannot be opened to CloudWatch, which has to
    // encrypt each alarm message it publishes. It protects only short-lived notifications.
    this.alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the pipeline alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Clinic lead nurture alarms',
      masterKey: this.alarmKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.alarmAction = new SnsAction(this.alarmTopic);

    const bounceRate = sesReputation('Reputation.BounceRate');
    const complaintRate = sesReputation('Reputation.ComplaintRate');
    this.alarm('SesBounceRate', bounceRate, SES_BOUNCE_RATE_ALARM, {
      description:
        `SES bounce rate above ${percent(SES_BOUNCE_RATE_ALARM)} (SES reviews the account at ${percent(SES_BOUNCE_RATE_REVIEW)}). ` +
        'Check where recent leads come from and the address checks on the form.',
    });
    this.alarm('SesComplaintRate', complaintRate, SES_COMPLAINT_RATE_ALARM, {
      description:
        `SES complaint rate above ${percent(SES_COMPLAINT_RATE_ALARM)} (SES reviews the account at ${percent(SES_COMPLAINT_RATE_REVIEW)}). ` +
        'Check the consent wording and the sequence cadence.',
    });

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        0,
        {
          description: `Messages in the ${name} dead-letter queue: something failed after every retry. Inspect, fix, redrive.`,
        },
      );
    }

    for (const [name, fn] of Object.entries(functions) as [string, AppFunction][]) {
      this.alarm(`${capitalise(name)}Errors`, fn.fn.metricErrors({ period: Duration.minutes(5) }), 0, {
        description: `The ${fn.serviceName} function failed (error or timeout); its log group has the details.`,
      });
    }

    // The functions' own metrics (Powertools, dimension `service`), summed over 5 minutes unless said.
    const serviceMetric = (
      fn: AppFunction,
      metricName: string,
      { statistic = cloudwatch.Stats.SUM, period = Duration.minutes(5) } = {},
    ) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: fn.serviceName },
        statistic,
        period,
      });
    const stepMetric = (metricName: string) => serviceMetric(functions.sender, metricName);
    // Each data point of these is one email that did not go out, or may have gone out unrecorded.
    const anyOccurrence: { id: string; fn: AppFunction; metricName: string; description: string }[] = [
      {
        id: 'StepFailed',
        fn: functions.sender,
        metricName: 'StepFailed',
        description: 'A sequence step ended failed (SES refused it, or its send timed out): that email did not go out.',
      },
      {
        id: 'StepInterrupted',
        fn: functions.sender,
        metricName: 'StepInterrupted',
        description:
          'A sender stopped between claiming a step and finishing it; the step was recorded as failed rather than risk sending it twice.',
      },
      {
        id: 'SendUnknown',
        fn: functions.sender,
        metricName: 'SendUnknown',
        description:
          'SES timed out, dropped the connection or answered 5xx after receiving an email (a sequence step or a ' +
          'capture email retry): SES may or may not have sent it, so it was recorded as failed and not resent. ' +
          'Check the SES service health; the sender log names the lead and step.',
      },
      {
        id: 'CaptureSendUnknown',
        fn: functions.capture,
        metricName: 'SendUnknown',
        description:
          'SES timed out, dropped the connection or answered 5xx while the capture function sent a confirmation ' +
          'or staff notification (or the send ran past its 3 s budget): SES may or may not have sent it, so it was ' +
          'recorded as failed and not resent. The capture log names the lead.',
      },
      {
        id: 'StepStale',
        fn: functions.sender,
        metricName: 'StepStale',
        description:
          'An enrolment was waiting at a step it could not send (already done, e.g. after a move to a version ' +
          'that reorders steps, or past the last step); the sender moved it on without sending. The sender log ' +
          'names the lead; check the last move between versions.',
      },
      {
        id: 'DispatchFailed',
        fn: functions.dispatcher,
        metricName: 'DispatchFailed',
        description:
          'The dispatcher leased due steps it could not put on the work queue (SQS refused them). They are sent ' +
          'late, once the lease runs out; if this keeps firing, check the queue and the dispatcher role.',
      },
    ];
    for (const { id, fn, metricName, description } of anyOccurrence) {
      this.alarm(id, serviceMetric(fn, metricName), 0, { description });
    }

    // The admin handlers turn unexpected errors into a 500 for the console, so Lambda does not
    // count them as errors: their logs do (one ERROR line each, the detail beside it), into one
    // metric that one alarm watches.
    const adminErrorFilters = [functions.admin, functions.adminCompose].map(
      (fn, index) =>
        new logs.MetricFilter(this, index === 0 ? 'AdminLoggedErrorsFilter' : 'AdminComposeLoggedErrorsFilter', {
          logGroup: fn.logGroup,
          metricNamespace: props.metricsNamespace,
          metricName: ADMIN_LOGGED_ERRORS_METRIC,
          filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
          metricValue: '1',
          defaultValue: 0,
        }),
    );
    const adminErrors = adminErrorFilters[0]!.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    this.alarm('AdminLoggedErrors', adminErrors, 0, {
      description:
        'The marketing console API logged an error (a request answered 500, or a degraded read); its log group has the details.',
    });

    // A visitor or a mail client got a 5xx: a capture answered 503 because DynamoDB was
    // throttled or timing out (the lead may not be stored), a handler failed, or the
    // integration timed out. None of these are Lambda errors, so the function alarms miss them.
    this.alarm(
      'ApiServerErrors',
      props.api.httpApi.metricServerError({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      0,
      {
        description:
          'The public API answered 5xx (a capture refused with 503, a failed handler, or a timeout). ' +
          'The access log and the function logs have the request ids.',
      },
    );

    // One data point a day, each run: a one-day period keeps the alarm in ALARM until the next
    // run says otherwise, instead of recovering (and notifying) minutes after it fired.
    const reviewMetric = (metricName: string) =>
      serviceMetric(functions.reviewCheck, metricName, {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      });
    this.alarm('ReviewExpired', reviewMetric('ReviewExpired'), 1, {
      description:
        'A sequence version is going out with an expired clinical review: the published one, or an older one ' +
        'enrolled leads are still on. An admin should review the content and record a new sign-off in the ' +
        'marketing console, then publish, and move the leads still on the old version onto it.',
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.alarm('ReviewMissing', reviewMetric('ReviewMissing'), 1, {
      description:
        'A sequence is going out without any clinical review (the version bundled with the deploy, never ' +
        'published from the console). An admin should review it and publish it from the marketing console.',
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-${Aws.REGION}`,
      defaultInterval: Duration.hours(24),
    });
    this.addDashboardWidgets(props, { stepMetric, reviewMetric, adminErrors }, bounceRate, complaintRate);

    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Alarms are published here: subscribe on-call addresses or a chat integration',
      value: this.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'CloudWatch dashboard for the whole pipeline',
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: { description: string; comparisonOperator?: cloudwatch.ComparisonOperator },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: options.description,
      metric,
      threshold,
      comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No sends, no queue activity, no errors: nothing is wrong.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  private addDashboardWidgets(
    props: MonitoringProps,
    metrics: {
      stepMetric: (name: string) => cloudwatch.Metric;
      reviewMetric: (name: string) => cloudwatch.Metric;
      adminErrors: cloudwatch.Metric;
    },
    bounceRate: cloudwatch.Metric,
    complaintRate: cloudwatch.Metric,
  ): void {
    const { api, functions, workQueue } = props;
    const { stepMetric, reviewMetric, adminErrors } = metrics;
    const httpApi = api.httpApi;
    const sum = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
    const calls = (fn: AppFunction, label: string) => [
      fn.fn.metricInvocations({ ...sum, label: `${label} invocations` }),
      fn.fn.metricErrors({ ...sum, label: `${label} errors` }),
    ];
    const ses = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, label: metricName, ...sum });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown:
          '### Lead capture and email nurture\n' +
          'visitor → `POST /leads` → capture → DynamoDB · scheduler → dispatcher → work queue → sender → SES · ' +
          'SES events → ses-events · `/u/{token}` → unsubscribe · `/webhooks/booked` → booked · ' +
          'console → `/admin/api/*` (Cognito JWT) → admin · daily → clinical review check',
      }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    this.dashboard.addWidgets(
      graph('API requests', [httpApi.metricCount({ ...sum, label: 'requests' })]),
      graph('API errors', [
        httpApi.metricClientError({ ...sum, label: '4xx' }),
        httpApi.metricServerError({ ...sum, label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        httpApi.metricLatency({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        httpApi.metricLatency({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Capture', calls(functions.capture, 'capture')),
      graph('Dispatcher runs', calls(functions.dispatcher, 'dispatcher')),
      graph(
        'Work queue',
        [
          workQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, label: 'waiting' }),
          workQueue.metricApproximateNumberOfMessagesNotVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'in flight',
          }),
        ],
        {
          right: [
            workQueue.metricApproximateAgeOfOldestMessage({
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'oldest message (s)',
            }),
          ],
        },
      ),
    );
    this.dashboard.addWidgets(
      graph('Sender', [
        ...calls(functions.sender, 'sender'),
        functions.sender.fn.metricThrottles({ ...sum, label: 'sender throttles' }),
      ]),
      graph('Sender duration (ms)', [
        functions.sender.fn.metricDuration({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        functions.sender.fn.metricDuration({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        functions.sender.fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: 'max' }),
      ]),
      graph(
        'Steps',
        STEP_METRICS.map((name) => stepMetric(name).with({ label: name })),
      ),
    );
    this.dashboard.addWidgets(
      graph('SES', ['Send', 'Delivery', 'Bounce', 'Complaint'].map(ses)),
      graph('SES bounce rate', [bounceRate.with({ label: 'bounce rate' })], {
        leftAnnotations: [
          { value: SES_BOUNCE_RATE_ALARM, label: 'alarm', color: cloudwatch.Color.ORANGE },
          { value: SES_BOUNCE_RATE_REVIEW, label: 'SES review', color: cloudwatch.Color.RED },
        ],
      }),
      graph('SES complaint rate', [complaintRate.with({ label: 'complaint rate' })], {
        leftAnnotations: [
          { value: SES_COMPLAINT_RATE_ALARM, label: 'alarm', color: cloudwatch.Color.ORANGE },
          { value: SES_COMPLAINT_RATE_REVIEW, label: 'SES review', color: cloudwatch.Color.RED },
        ],
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queues',
        Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, label: name }),
        ),
      ),
      graph('SES events', calls(functions.sesEvents, 'ses-events')),
      graph('Unsubscribe and booked', [
        ...calls(functions.unsubscribe, 'unsubscribe'),
        ...calls(functions.booked, 'booked'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Marketing console API', [
        ...calls(functions.admin, 'admin'),
        ...calls(functions.adminCompose, 'admin-compose'),
        adminErrors.with({ label: 'admin logged errors (500)' }),
        functions.admin.fn.metricThrottles({ ...sum, label: 'admin throttles' }),
        functions.adminCompose.fn.metricThrottles({ ...sum, label: 'admin-compose throttles' }),
      ]),
      graph('Marketing console API duration (ms)', [
        functions.admin.fn.metricDuration({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        functions.admin.fn.metricDuration({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        functions.admin.fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: 'max' }),
        functions.adminCompose.fn.metricDuration({ statistic: cloudwatch.Stats.p(50), label: 'admin-compose p50' }),
        functions.adminCompose.fn.metricDuration({ statistic: cloudwatch.Stats.p(99), label: 'admin-compose p99' }),
        functions.adminCompose.fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: 'admin-compose max' }),
      ]),
      graph(
        'Clinical review (published sequences)',
        REVIEW_METRICS.map((name) => reviewMetric(name).with({ label: name })),
        { leftAnnotations: [{ value: 1, label: 'alarm', color: cloudwatch.Color.RED }] },
      ),
    );
  }
}

/** SES account reputation: a fraction, published while the account sends. */
function sesReputation(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(15),
  });
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(3))} %`;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
