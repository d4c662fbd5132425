import { Match } from 'aws-cdk-lib/assertions';
import { deployConfig } from '../../infra/config';
import { ADMIN_LOGGED_ERRORS_METRIC } from '../../infra/constructs/monitoring';
import { REVIEW_METRICS } from '../../infra/constructs/review-check';
import { type Synthesized, synth } from './synth';
import { environmentOf, logicalId, type Resource, resourceOf, type Statement } from './template';

type Alarm = {
  AlarmName: string;
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  Statistic?: string;
  Period?: number;
  AlarmActions: unknown[];
  OKActions: unknown[];
  TreatMissingData: string;
};

describe('monitoring with the default settings', () => {
  let s: Synthesized;
  let alarms: Alarm[];
  const resolve = (value: unknown) => s.stack.resolve(value);
  beforeAll(() => {
    s = synth();
    alarms = (Object.values(s.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).map(
      (alarm) => alarm.Properties as unknown as Alarm,
    );
  });

  const alarmsOn = (namespace: string, metricName: string) =>
    alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);

  it('alarms at half of SES’s review levels: bounce rate above 2.5 % and complaint rate above 0.05 %', () => {
    const [bounce] = alarmsOn('AWS/SES', 'Reputation.BounceRate');
    const [complaint] = alarmsOn('AWS/SES', 'Reputation.ComplaintRate');
    expect(bounce).toMatchObject({ Threshold: 0.025, ComparisonOperator: 'GreaterThanThreshold' });
    expect(complaint).toMatchObject({ Threshold: 0.0005, ComparisonOperator: 'GreaterThanThreshold' });
    // Account-level reputation, the figures AWS reviews.
    expect(bounce!.Dimensions).toBeUndefined();
    expect(complaint!.Dimensions).toBeUndefined();
  });

  it('alarms as soon as any dead-letter queue holds a message', () => {
    const queues = s.template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    const workQueues = [s.stack.drip.workQueue, s.stack.webhooks.queue].map((queue) => logicalId(s, queue));
    const deadLetterQueues = Object.keys(queues).filter((id) => !workQueues.includes(id));
    expect(deadLetterQueues.sort()).toEqual(
      [
        s.stack.drip.workDeadLetters,
        s.stack.drip.dispatchDeadLetters,
        s.stack.sesEvents.deadLetters,
        s.stack.reviewCheck.deadLetters,
        s.stack.webhooks.deadLetters,
        s.stack.webhooks.eventDeadLetters,
      ]
        .map((queue) => logicalId(s, queue))
        .sort(),
    );
    const depthAlarms = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    for (const id of deadLetterQueues) {
      const alarm = depthAlarms.find(
        (candidate) =>
          JSON.stringify(candidate.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      expect({ id, alarm }).toEqual({
        id,
        alarm: expect.objectContaining({
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          Statistic: 'Maximum',
        }),
      });
    }
    expect(depthAlarms).toHaveLength(deadLetterQueues.length);
  });

  it('alarms on errors of every function of the pipeline', () => {
    const functions = s.template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: Match.stringLikeRegexp('^nodejs') },
    }) as Record<string, Resource>;
    // capture, dispatcher, sender, ses-events, unsubscribe, booked, calendly, acuity, admin, admin-compose,
    // review check, webhook events and deliverer
    expect(Object.keys(functions)).toHaveLength(13);
    const errorAlarms = alarmsOn('AWS/Lambda', 'Errors');
    for (const id of Object.keys(functions)) {
      const alarm = errorAlarms.find(
        (candidate) =>
          JSON.stringify(candidate.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
      );
      expect({ id, alarm }).toEqual({
        id,
        alarm: expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum' }),
      });
    }
  });

  it('alarms on capture emails of unknown outcome, from the capture function’s EMF metrics', () => {
    const capture = environmentOf(s, s.stack.capture.function.fn);
    expect(alarmsOn(capture.POWERTOOLS_METRICS_NAMESPACE as string, 'SendUnknown')).toContainEqual(
      expect.objectContaining({
        Namespace: deployConfig.observability.metricsNamespace,
        Dimensions: [{ Name: 'service', Value: capture.POWERTOOLS_SERVICE_NAME }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('alarms on failed, interrupted and stale steps and on sends of unknown outcome, from the sender’s EMF metrics', () => {
    const sender = environmentOf(s, s.stack.drip.sender.fn);
    const ofSender = (alarm: Alarm) => alarm.Dimensions?.[0]?.Value === sender.POWERTOOLS_SERVICE_NAME;
    for (const metricName of ['StepFailed', 'StepInterrupted', 'SendUnknown', 'StepStale']) {
      expect(alarmsOn(sender.POWERTOOLS_METRICS_NAMESPACE as string, metricName).filter(ofSender)).toEqual([
        expect.objectContaining({
          Namespace: deployConfig.observability.metricsNamespace,
          Dimensions: [{ Name: 'service', Value: sender.POWERTOOLS_SERVICE_NAME }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ]);
    }
  });

  it('alarms when a published sequence’s clinical review has expired or is missing (≥ 1), from the daily check’s metrics', () => {
    const check = environmentOf(s, s.stack.reviewCheck.function.fn);
    expect(REVIEW_METRICS).toEqual(['ReviewExpired', 'ReviewMissing']);
    for (const metricName of REVIEW_METRICS) {
      expect(alarmsOn(check.POWERTOOLS_METRICS_NAMESPACE as string, metricName)).toEqual([
        expect.objectContaining({
          Namespace: deployConfig.observability.metricsNamespace,
          Dimensions: [{ Name: 'service', Value: check.POWERTOOLS_SERVICE_NAME }],
          Statistic: 'Maximum',
          // One data point a day: the alarm holds until the next run, instead of flapping back to OK.
          Period: 86_400,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [resolve(s.stack.monitoring.alarmTopic.topicArn)],
        }),
      ]);
    }
  });

  it('counts every ERROR line of both admin functions’ logs, the 500s Lambda does not count as errors, and alarms on the first', () => {
    const { admin } = s.stack;
    for (const fn of [admin.function, admin.composeFunction]) {
      s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: resolve(fn.logGroup.logGroupName),
        FilterPattern: '{ $.level = "ERROR" }',
        MetricTransformations: [
          {
            MetricNamespace: deployConfig.observability.metricsNamespace,
            MetricName: ADMIN_LOGGED_ERRORS_METRIC,
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
    }
    expect(alarmsOn(deployConfig.observability.metricsNamespace, ADMIN_LOGGED_ERRORS_METRIC)).toEqual([
      expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum' }),
    ]);
  });

  it('alarms when the dispatcher could not queue leased steps, from its EMF metric', () => {
    const dispatcher = environmentOf(s, s.stack.drip.dispatcher.fn);
    expect(alarmsOn(dispatcher.POWERTOOLS_METRICS_NAMESPACE as string, 'DispatchFailed')).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'service', Value: dispatcher.POWERTOOLS_SERVICE_NAME }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
  });

  it('alarms on the first 5xx the public API answers, which no function error counts (a capture 503)', () => {
    expect(alarmsOn('AWS/ApiGateway', '5xx')).toEqual([
      expect.objectContaining({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'ApiId', Value: resolve(s.stack.api.httpApi.apiId) }],
      }),
    ]);
  });

  it('sends every alarm, and its recovery, to the one alarm topic, and treats no data as fine', () => {
    // SES reputation, dead-letter queues, function errors, steps (failed, interrupted, unknown, stale),
    // capture sends of unknown outcome, dispatch, API 5xx, admin logged errors, reviews
    expect(alarms).toHaveLength(2 + 6 + 13 + 4 + 1 + 1 + 1 + 1 + 2);
    const topic = resolve(s.stack.monitoring.alarmTopic.topicArn);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [topic], OKActions: [topic], TreatMissingData: 'notBreaching' });
    }
    expect(new Set(alarms.map((alarm) => alarm.AlarmName)).size).toBe(alarms.length);
  });

  it('encrypts the alarm topic with a rotating key CloudWatch may use, and refuses plain HTTP', () => {
    const { monitoring } = s.stack;
    const topic = resourceOf(s, monitoring.alarmTopic).Properties;
    expect(topic.KmsMasterKeyId).toEqual(resolve(monitoring.alarmKey.keyArn));
    const key = resourceOf(s, monitoring.alarmKey).Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect((key.KeyPolicy as { Statement: Statement[] }).Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [resolve(monitoring.alarmTopic.topicArn)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('subscribes no address unless one is configured', () => {
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('draws one dashboard for the whole pipeline', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    const expected = [
      // API requests, 4xx, 5xx, latency
      'AWS/ApiGateway',
      'Count',
      '4xx',
      '5xx',
      'Latency',
      // capture, dispatcher and sender
      'Invocations',
      'Errors',
      'Duration',
      'Throttles',
      // work queue depth and age
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      // steps
      'StepSent',
      'StepFailed',
      'StepSkipped',
      // SES
      'AWS/SES',
      'Send',
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'Dead-letter queues',
      // the marketing console's API and the clinical review check
      'Marketing console API',
      ADMIN_LOGGED_ERRORS_METRIC,
      ...REVIEW_METRICS,
    ];
    for (const text of expected) expect({ text, found: body.includes(text) }).toEqual({ text, found: true });
    const { admin } = s.stack;
    for (const fn of [
      s.stack.capture.function,
      s.stack.drip.dispatcher,
      s.stack.drip.sender,
      admin.function,
      admin.composeFunction,
    ]) {
      expect(body).toContain(logicalId(s, fn.fn));
    }
  });
});

describe('monitoring with an alarm email', () => {
  it('subscribes that address to the alarm topic', () => {
    const s = synth({ observability: { ...deployConfig.observability, alarmEmail: 'oncall@example.com' } });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: s.stack.resolve(s.stack.monitoring.alarmTopic.topicArn),
    });
    expect(s.nagFindings).toEqual([]);
  });
});
