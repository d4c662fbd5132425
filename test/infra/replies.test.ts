import { Match } from 'aws-cdk-lib/assertions';
import { digestEnvSchema, inboundEnvSchema, senderEnvSchema } from '../../functions/config/env';
import { deployConfig } from '../../infra/config';
import { type Synthesized, synth } from './synth';
import { environmentOf, expectEnvironmentFor, policyStatementsOf, resourceOf } from './template';

describe('replies (SES receiving)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth();
  });

  it('stores received mail in an encrypted, private bucket whose raw messages expire', () => {
    const bucket = resourceOf(s, s.stack.replies!.bucket);
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          {
            ExpirationInDays: deployConfig.replies.rawMessageExpiration.toDays(),
            Prefix: 'inbound/',
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  it('has a receipt rule for the reply subdomain that stores the message, then invokes the inbound function', () => {
    s.template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: {
        Recipients: ['reply.mail.example.com'],
        ScanEnabled: true,
        Actions: [
          { S3Action: Match.objectLike({ ObjectKeyPrefix: 'inbound/' }) },
          { LambdaAction: Match.objectLike({ InvocationType: 'Event' }) },
        ],
      },
    });
  });

  it('sends what the function keeps failing on to a dead-letter queue with an alarm', () => {
    const fn = resourceOf(s, s.stack.replies!.function.fn);
    expect(fn.Properties.DeadLetterConfig).toBeDefined();
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    const alarms = Object.keys(s.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.some((id) => /RepliesDeadLetters/.test(id))).toBe(true);
  });

  it('lets the function read only the stored messages and the lead and message partitions', () => {
    const statements = policyStatementsOf(s, s.stack.replies!.function.fn.role!);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 's3:GetObject']));
    expect(actions).not.toContain('s3:List*');
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(statements)).toContain('MESSAGE#*');
  });

  it('gives the inbound function its schema’s environment, and the sender the reply domain', () => {
    expectEnvironmentFor(s, s.stack.replies!.function.fn, inboundEnvSchema, ['MAIL_REPLY_TO']);
    expect(environmentOf(s, s.stack.drip.sender.fn)).toMatchObject({ REPLY_DOMAIN: 'reply.mail.example.com' });
    expect(senderEnvSchema.shape).toHaveProperty('REPLY_DOMAIN');
  });

  it('deploys none of it when turned off, and sequence emails keep the configured Reply-To', () => {
    const off = synth({ replies: { ...deployConfig.replies, enabled: false } });
    expect(off.stack.replies).toBeUndefined();
    expect(off.template.findResources('AWS::SES::ReceiptRule')).toEqual({});
    expect(environmentOf(off, off.stack.drip.sender.fn)).not.toHaveProperty('REPLY_DOMAIN');
  });

  it('refuses a subdomain that is not one DNS label', () => {
    expect(() => synth({ replies: { ...deployConfig.replies, subdomain: 'a.b' } })).toThrow(/one lower-case DNS label/);
  });

  it('has no unacknowledged cdk-nag findings', () => {
    expect(s.nagFindings).toEqual([]);
  });

  it('runs the follow-up digest daily in the practice time zone; it may query the leads list and send, nothing more', () => {
    const digest = s.stack.followUpDigest;
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
    });
    expectEnvironmentFor(s, digest.function.fn, digestEnvSchema, ['MAIL_REPLY_TO', 'SIGNING_KEY_SECRET_ARN']);
    const actions = policyStatementsOf(s, digest.function.fn.role!).flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem', 'ses:SendEmail']));
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:UpdateItem');
  });
});
