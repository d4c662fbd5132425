import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { dispatcherEnvSchema, senderEnvSchema, sesEventsEnvSchema } from '../../functions/config/env';
import { deployConfig } from '../../infra/config';
import { SES_EVENTS } from '../../infra/constructs/ses-events';
import { type Synthesized, synth } from './synth';
import {
  environmentOf,
  expectEnvironmentFor,
  logicalId,
  policyStatementsOf,
  type Resource,
  resourceOf,
  type Statement,
} from './template';

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

describe('the drip engine with the default settings', () => {
  let s: Synthesized;
  const resolve = (value: unknown) => s.stack.resolve(value);
  beforeAll(() => {
    s = synth();
  });

  describe('dispatcher schedule', () => {
    it('runs the dispatcher every minute through EventBridge Scheduler, with an explicit retry policy and a DLQ', () => {
      const { drip } = s.stack;
      s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: resolve(drip.dispatcher.fn.functionArn),
          RoleArn: resolve(drip.scheduleRole.roleArn),
          RetryPolicy: {
            MaximumRetryAttempts: deployConfig.dispatcher.scheduleRetry.attempts,
            MaximumEventAgeInSeconds: deployConfig.dispatcher.scheduleRetry.maxEventAge.toSeconds(),
          },
          DeadLetterConfig: { Arn: resolve(drip.dispatchDeadLetters.queueArn) },
        },
      });
      // Neither unbounded retries (185 attempts over a day) nor a silent drop.
      expect(deployConfig.dispatcher.scheduleRetry.attempts).toBeLessThan(185);
    });

    it('lets only this account’s scheduler assume the schedule role, which may invoke the dispatcher and write its DLQ, nothing more', () => {
      const { drip } = s.stack;
      const trust = (resourceOf(s, drip.scheduleRole).Properties.AssumeRolePolicyDocument as { Statement: Statement[] })
        .Statement;
      expect(trust).toEqual([
        expect.objectContaining({
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
        }),
      ]);
      expect(policyStatementsOf(s, drip.scheduleRole)).toEqual([
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: resolve(drip.dispatcher.fn.functionArn) },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: resolve(drip.dispatchDeadLetters.queueArn) },
      ]);
    });

    it('does not retry a failed dispatcher run (the next tick does) and keeps it in the dispatch DLQ', () => {
      const { drip } = s.stack;
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: resolve(drip.dispatcher.fn.functionName),
        MaximumRetryAttempts: 0,
      });
      expect(resourceOf(s, drip.dispatcher.fn).Properties.DeadLetterConfig).toEqual({
        TargetArn: resolve(drip.dispatchDeadLetters.queueArn),
      });
    });
  });

  describe('dispatcher function', () => {
    it('may query the due index, lease entries with an update, store the bundled sequence versions and enqueue work, nothing more', () => {
      const { drip, data } = s.stack;
      expect(policyStatementsOf(s, drip.dispatcher.fn.role!)).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(drip.dispatcher.logGroup.logGroupArn) },
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          // The work queue (SendMessageBatch) and, as Lambda's DLQ for failed runs, the dispatch DLQ.
          Resource: [resolve(drip.dispatchDeadLetters.queueArn), resolve(drip.workQueue.queueArn)],
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [resolve(data.table.tableArn), '/index/due']] },
        },
        { Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: resolve(data.table.tableArn) },
        // storeBundledVersions (functions/lambdas/dispatcher/wiring.ts): a conditional put of each bundled
        // version, in the sequence partitions only, so it can never overwrite a lead's items.
        {
          Effect: 'Allow',
          Action: 'dynamodb:PutItem',
          Resource: resolve(data.table.tableArn),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SEQUENCE#*'] } },
        },
      ]);
    });

    it('sets every variable the dispatcher parses, with the work queue URL and the lease', () => {
      const { drip } = s.stack;
      expectEnvironmentFor(s, drip.dispatcher.fn, dispatcherEnvSchema);
      expect(environmentOf(s, drip.dispatcher.fn)).toMatchObject({
        WORK_QUEUE_URL: resolve(drip.workQueue.queueUrl),
        DISPATCH_LEASE_SECONDS: String(deployConfig.dispatcher.lease.toSeconds()),
        DISPATCH_MAX_PER_RUN: String(deployConfig.dispatcher.maxPerRun),
        DUE_SHARDS: String(deployConfig.dueShards),
      });
    });
  });

  describe('work queue and sender', () => {
    it('moves a message to the DLQ after 5 receives, with a visibility timeout of at least 6 × the sender timeout', () => {
      const { drip } = s.stack;
      const queue = resourceOf(s, drip.workQueue).Properties;
      const sender = resourceOf(s, drip.sender.fn).Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: resolve(drip.workDeadLetters.queueArn),
        maxReceiveCount: 5,
      });
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (sender.Timeout as number));
    });

    it('feeds the sender in batches of 10, reports partial batch failures and polls no faster than the reserved concurrency', () => {
      const { drip } = s.stack;
      // The sender's, the capture mailer's, the outgoing webhooks' stream consumer's and their deliverer's.
      s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: resolve(drip.workQueue.queueArn),
        FunctionName: resolve(drip.sender.fn.functionName),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: deployConfig.sender.concurrency },
      });
      const sender = resourceOf(s, drip.sender.fn).Properties;
      expect(sender.ReservedConcurrentExecutions).toBe(deployConfig.sender.concurrency);
      expect(sender.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(2);
      expect(sender.ReservedConcurrentExecutions).toBeLessThanOrEqual(10);
      // Each instance paces itself to its share of the send rate.
      expect(environmentOf(s, drip.sender.fn).SENDER_CONCURRENCY).toBe(String(sender.ReservedConcurrentExecutions));
    });

    it('gives a claim and a lease longer than the visibility timeout, and a lease longer than all redeliveries', () => {
      const { drip } = s.stack;
      const queue = resourceOf(s, drip.workQueue).Properties;
      const visibility = queue.VisibilityTimeout as number;
      const receives = (queue.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount;
      const claim = Number(environmentOf(s, drip.sender.fn).CLAIM_TIMEOUT_SECONDS);
      const lease = Number(environmentOf(s, drip.dispatcher.fn).DISPATCH_LEASE_SECONDS);
      expect(claim).toBeGreaterThan(visibility);
      expect(lease).toBeGreaterThan(visibility);
      expect(lease).toBeGreaterThan(visibility * receives);
    });

    it('may read and write table items, send as the practice, read the send quota, the signing key and the identity key, and consume the work queue, nothing more', () => {
      const { drip, data, email, signingKey } = s.stack;
      const statements = policyStatementsOf(s, drip.sender.fn.role!);
      expect(statements).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(drip.sender.logGroup.logGroupArn) },
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:ConditionCheckItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ],
          Resource: resolve(data.table.tableArn),
        },
        {
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          Resource: [resolve(email.configurationSetArn), resolve(email.identity.emailIdentityArn)],
          Condition: { StringEqualsIgnoreCase: { 'ses:FromAddress': deployConfig.clinic.mail.fromAddress } },
        },
        { Effect: 'Allow', Action: 'ses:GetAccount', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: [resolve(data.identityKey.secret.secretArn), resolve(signingKey.secret.secretArn)],
        },
        {
          Effect: 'Allow',
          Action: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          Resource: resolve(drip.workQueue.queueArn),
        },
      ]);
      const wildcards = statements.filter((statement) => [statement.Resource].flat().includes('*'));
      expect(wildcards.map((statement) => statement.Action)).toEqual(['ses:GetAccount']);
    });

    it('sets every variable the sender parses, and MAX_SEND_RATE only when configured', () => {
      const { drip } = s.stack;
      expectEnvironmentFor(s, drip.sender.fn, senderEnvSchema, ['MAIL_REPLY_TO', 'MAX_SEND_RATE']);
      expect(environmentOf(s, drip.sender.fn)).not.toHaveProperty('MAX_SEND_RATE');
      expect(environmentOf(s, drip.sender.fn)).toMatchObject({
        CLAIM_TIMEOUT_SECONDS: String(deployConfig.sender.claimTimeout.toSeconds()),
        SIGNING_KEY_SECRET_ARN: resolve(s.stack.signingKey.secret.secretArn),
      });
    });

    it('encrypts every queue and refuses plain HTTP to it', () => {
      const queues = s.template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
      // work, work DLQ, dispatch DLQ, SES events DLQ, review check DLQ, replies DLQ, follow-up digest DLQ;
      // the outgoing webhooks' delivery queue, its DLQ and the stream consumer's on-failure queue; the
      // capture mailer's on-failure queue
      expect(Object.keys(queues)).toHaveLength(11);
      for (const [id, queue] of Object.entries(queues)) {
        expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
        s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });

  describe('SES events', () => {
    it('publishes bounce, complaint, delivery, open and click events of the configuration set to the default event bus', () => {
      const destination = resourceOf(s, s.stack.sesEvents.destination).Properties as {
        ConfigurationSetName: unknown;
        EventDestination: { Enabled: boolean; MatchingEventTypes: string[]; EventBridgeDestination: unknown };
      };
      expect(destination.ConfigurationSetName).toEqual({ Ref: logicalId(s, s.stack.email.configurationSet) });
      expect(destination.EventDestination.Enabled).toBe(true);
      expect([...destination.EventDestination.MatchingEventTypes].sort()).toEqual(
        ['bounce', 'click', 'complaint', 'delivery', 'open'].sort(),
      );
      expect(JSON.stringify(destination.EventDestination.EventBridgeDestination)).toMatch(/:event-bus\/default"/);
    });

    it('routes exactly those events of this configuration set to the ses-events function, with a retry policy and a DLQ', () => {
      const { sesEvents, email } = s.stack;
      const rule = resourceOf(s, sesEvents.rule).Properties as {
        EventPattern: Record<string, unknown>;
        Targets: Record<string, unknown>[];
      };
      expect(rule.EventPattern).toEqual({
        source: ['aws.ses'],
        'detail-type': [
          'Email Bounced',
          'Email Complaint Received',
          'Email Delivered',
          'Email Opened',
          'Email Clicked',
        ],
        detail: { mail: { tags: { 'ses:configuration-set': [resolve(email.configurationSet.configurationSetName)] } } },
      });
      expect(rule.Targets).toEqual([
        {
          Id: expect.any(String),
          Arn: resolve(sesEvents.function.fn.functionArn),
          DeadLetterConfig: { Arn: resolve(sesEvents.deadLetters.queueArn) },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      ]);
      expect(SES_EVENTS.map((event) => event.type)).toHaveLength(5);
    });

    it('lets only that rule write to the ses-events DLQ and invoke the function', () => {
      const { sesEvents } = s.stack;
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [resolve(sesEvents.deadLetters.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': resolve(sesEvents.rule.ruleArn) } },
            }),
          ]),
        },
      });
      s.template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: resolve(sesEvents.function.fn.functionArn),
        Principal: 'events.amazonaws.com',
        SourceArn: resolve(sesEvents.rule.ruleArn),
      });
    });

    it('retries an event the function failed on, then keeps it in the same DLQ', () => {
      const { sesEvents } = s.stack;
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: resolve(sesEvents.function.fn.functionName),
        MaximumRetryAttempts: deployConfig.sesEvents.retryAttempts,
        MaximumEventAgeInSeconds: deployConfig.sesEvents.maxEventAge.toSeconds(),
      });
      expect(resourceOf(s, sesEvents.function.fn).Properties.DeadLetterConfig).toEqual({
        TargetArn: resolve(sesEvents.deadLetters.queueArn),
      });
    });

    it('may update items and query one lead’s partition, read the identity key, the items ids are resolved from and the sequence versions, and write its DLQ, nothing more', () => {
      const { sesEvents, data } = s.stack;
      expect(policyStatementsOf(s, sesEvents.function.fn.role!)).toEqual([
        { Effect: 'Allow', Action: LOGS, Resource: resolve(sesEvents.function.logGroup.logGroupArn) },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: resolve(sesEvents.deadLetters.queueArn) },
        { Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:UpdateItem'], Resource: resolve(data.table.tableArn) },
        // A late bounce or complaint for an erased person takes the address off SES's list again.
        { Effect: 'Allow', Action: 'ses:DeleteSuppressedDestination', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: resolve(data.identityKey.secret.secretArn),
        },
        // A booking-link click's enrolment and pinned version; the migration marker, and before
        // the migration to keyed ids, leads and suppressions under unkeyed ids.
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: resolve(data.table.tableArn),
          Condition: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': ['SEQUENCE#*', 'LEAD#*', 'SUPPRESSION#*', 'MIGRATION#*'],
            },
          },
        },
      ]);
      expectEnvironmentFor(s, sesEvents.function.fn, sesEventsEnvSchema);
    });
  });
});

describe('drip settings that would break exactly-once sending', () => {
  it('refuse a claim timeout that does not exceed the visibility timeout', () => {
    expect(() => synth({ sender: { ...deployConfig.sender, claimTimeout: Duration.minutes(6) } })).toThrow(
      /sender\.claimTimeout \(360 s\) must exceed the work queue's visibility timeout \(360 s\)/,
    );
  });

  it('refuse a lease shorter than every redelivery of a message', () => {
    expect(() => synth({ dispatcher: { ...deployConfig.dispatcher, lease: Duration.minutes(15) } })).toThrow(
      /dispatcher\.lease \(900 s\) must exceed the visibility timeout × maxReceiveCount \(1800 s\)/,
    );
  });

  it('refuse a sender concurrency below what an SQS event source accepts', () => {
    expect(() => synth({ sender: { ...deployConfig.sender, concurrency: 1 } })).toThrow(/sender\.concurrency/);
  });

  it('refuse a sender timeout too short for the time the sender keeps back to record a send', () => {
    expect(() => synth({ sender: { ...deployConfig.sender, timeout: Duration.seconds(20) } })).toThrow(
      /sender\.timeout \(20 s\) must be at least 30 s/,
    );
  });
});

describe('the drip engine with a configured send rate', () => {
  it('passes MAX_SEND_RATE to the sender', () => {
    const s = synth({ sender: { ...deployConfig.sender, maxSendRate: 5 } });
    expect(environmentOf(s, s.stack.drip.sender.fn).MAX_SEND_RATE).toBe('5');
  });
});
