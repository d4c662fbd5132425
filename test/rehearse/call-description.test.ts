import { describeCall, MASKED, maskPartitionKey, UNMAPPED } from '../../functions/adapters/aws-call-description';

/** A placeholder as the recording writes it: `${name}`. */
const sub = (name: string) => `\${${name}}`;

const settings = {
  TABLE_NAME: 'test-1234',
  MAIL_FROM_ADDRESS: 'care@mail.example.com',
  PRACTICE_NAME: 'Bayview Clinic',
  SES_CONFIGURATION_SET: 'local',
  WORK_QUEUE_URL: 'http://localhost/in-process-queue',
  SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:signing',
};

describe('what the recorder writes about a call', () => {
  it('keeps a partition key’s prefix only', () => {
    expect(maskPartitionKey('LEAD#3f9a0c')).toBe(`LEAD#${MASKED}`);
    expect(maskPartitionKey({ S: 'SUPPRESSION#abc' })).toBe(`SUPPRESSION#${MASKED}`);
    expect(maskPartitionKey('no-prefix')).toBe(MASKED);
    expect(maskPartitionKey('someone@example.com')).toBe(MASKED);
    // A constant partition of the code names no one, and WEBHOOK-* conditions test it whole.
    expect(maskPartitionKey('WEBHOOK-ENDPOINTS')).toBe('WEBHOOK-ENDPOINTS');
  });

  it('names the table by its setting, and each item of a transaction as IAM authorizes it', () => {
    const calls = describeCall(
      'dynamodb',
      'TransactWriteItemsCommand',
      {
        TransactItems: [
          { Put: { TableName: 'test-1234', Item: { pk: 'LEAD#a1', sk: 'PROFILE', email: 'dana@example.com' } } },
          { Update: { TableName: 'test-1234', Key: { pk: 'SEQUENCE#welcome', sk: 'PUBLISHED' } } },
          { ConditionCheck: { TableName: 'other-table', Key: { pk: 'RATE#203.0.113.7', sk: 'RATE' } } },
        ],
      },
      settings,
    );
    expect(calls.map((call) => call.action)).toEqual(['PutItem', 'UpdateItem', 'ConditionCheckItem']);
    expect(calls[0]!.resources).toEqual([
      `arn:${sub('AWS::Partition')}:dynamodb:${sub('AWS::Region')}:${sub('AWS::AccountId')}:table/${sub('env:TABLE_NAME')}`,
    ]);
    expect(calls[0]!.context).toEqual({ 'dynamodb:LeadingKeys': [`LEAD#${MASKED}`] });
    expect(calls[2]!.resources[0]).toContain(UNMAPPED);
    expect(JSON.stringify(calls)).not.toMatch(/dana|a1|welcome|203\.0\.113/);
  });

  it('reads the partition of a query from its key condition, on the index it names', () => {
    const [call] = describeCall(
      'dynamodb',
      'QueryCommand',
      {
        TableName: 'test-1234',
        IndexName: 'due',
        KeyConditionExpression: '#p = :shard AND dueAt <= :now',
        ExpressionAttributeNames: { '#p': 'duePk' },
        ExpressionAttributeValues: { ':shard': 'DUE#3', ':now': '2026-01-01' },
      },
      settings,
    );
    expect(call!.resources[0]).toMatch(/\/index\/due$/);
    expect(call!.context).toEqual({ 'dynamodb:LeadingKeys': [`DUE#${MASKED}`] });
  });

  it('records a send on the identity and configuration set, with the fact of recipients, never who they are', () => {
    const [call] = describeCall(
      'ses',
      'SendEmailCommand',
      {
        FromEmailAddress: '"Bayview Clinic" <Care@mail.example.com>',
        Destination: { ToAddresses: ['dana@example.com', 'lee@example.org'] },
        ConfigurationSetName: 'local',
        Content: { Simple: { Subject: { Data: 'Your consultation' } } },
      },
      settings,
    );
    expect(call!.resources).toEqual([
      expect.stringMatching(/:identity\/\$\{env:MAIL_FROM_ADDRESS\|domain\}$/),
      expect.stringMatching(/:configuration-set\/\$\{env:SES_CONFIGURATION_SET\}$/),
    ]);
    expect(call!.context['ses:FromAddress']).toBe(sub('env:MAIL_FROM_ADDRESS'));
    expect(call!.context['ses:Recipients']).toEqual(['<recipient>']);
    expect(JSON.stringify(call)).not.toMatch(/dana|lee@|consultation/);
  });

  it('marks a From address that is not the configured one, so the rehearsal refuses it', () => {
    const [call] = describeCall('ses', 'SendEmailCommand', { FromEmailAddress: 'someone@else.example' }, settings);
    expect(call!.context['ses:FromAddress']).toBe(UNMAPPED);
    expect(call!.resources[0]).toContain(UNMAPPED);
  });

  it('authorizes a message batch as SendMessage on the queue named by its setting, and a secret by its ARN setting', () => {
    const [batch] = describeCall(
      'sqs',
      'SendMessageBatchCommand',
      { QueueUrl: settings.WORK_QUEUE_URL, Entries: [] },
      settings,
    );
    expect(batch).toMatchObject({ action: 'SendMessage', operation: 'SendMessageBatch' });
    expect(batch!.resources[0]).toMatch(/\$\{env:WORK_QUEUE_URL\|queue-name\}$/);
    const [secret] = describeCall(
      'secretsmanager',
      'GetSecretValueCommand',
      { SecretId: settings.SIGNING_KEY_SECRET_ARN },
      settings,
    );
    expect(secret!.resources).toEqual([sub('env:SIGNING_KEY_SECRET_ARN')]);
  });

  it.each([
    'ORIGIN_VERIFY_SECRET_ARN',
    'CALENDLY_SIGNING_KEY_SECRET_ARN',
    'ACUITY_SECRET_ARN',
    'IDENTITY_KEY_SECRET_ARN',
  ])('names every secret a function reads by its setting: %s', (setting) => {
    const arn = `arn:aws:secretsmanager:us-east-1:1:secret:${setting.toLowerCase()}`;
    const [secret] = describeCall('secretsmanager', 'GetSecretValueCommand', { SecretId: arn }, { [setting]: arn });
    expect(secret!.resources).toEqual([sub(`env:${setting}`)]);
  });
});
