import { type CfnTemplate, FAKE_ACCOUNT, FAKE_REGION, Resolver, UnresolvableError } from '../../rehearse/intrinsics';

const template: CfnTemplate = {
  Parameters: { Stage: { Default: 'prod' } },
  Conditions: { InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
  Mappings: { Sizes: { prod: { memory: 512 } } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'leads' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Identity: { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'mail.example.com' } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
  },
};
const resolver = new Resolver(template, 'Stack');

describe('CloudFormation intrinsics, resolved offline', () => {
  it('resolves pseudo parameters and parameters with their defaults', () => {
    expect(resolver.resolve({ Ref: 'AWS::AccountId' })).toBe(FAKE_ACCOUNT);
    expect(resolver.resolve({ Ref: 'AWS::Region' })).toBe(FAKE_REGION);
    expect(resolver.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(resolver.resolve({ Ref: 'Stage' })).toBe('prod');
  });

  it('names resources as CloudFormation would, the same on every run', () => {
    const name = resolver.resolve({ Ref: 'Table' });
    expect(name).toMatch(/^Stack-Table-[0-9A-F]{12}$/);
    expect(new Resolver(template, 'Stack').resolve({ Ref: 'Table' })).toBe(name);
    expect(resolver.resolve({ Ref: 'Named' })).toBe('leads');
  });

  it('returns each resource type’s Ref and Fn::GetAtt values', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['Named', 'Arn'] })).toBe(
      `arn:aws:dynamodb:${FAKE_REGION}:${FAKE_ACCOUNT}:table/leads`,
    );
    const url = String(resolver.resolve({ Ref: 'Queue' }));
    expect(url).toMatch(new RegExp(`^https://sqs\\.${FAKE_REGION}\\.amazonaws\\.com/${FAKE_ACCOUNT}/Stack-Queue-`));
    expect(resolver.resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe(
      `arn:aws:sqs:${FAKE_REGION}:${FAKE_ACCOUNT}:${url.split('/').pop()}`,
    );
    expect(resolver.resolve({ Ref: 'Secret' })).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:Stack-Secret-.*-AbCdEf$/,
    );
    expect(resolver.resolve({ Ref: 'Identity' })).toBe('mail.example.com');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(/^arn:aws:iam::123456789012:role\/Stack-Role-/);
    expect(resolver.resolve({ 'Fn::GetAtt': ['Logs', 'Arn'] })).toMatch(
      /^arn:aws:logs:us-east-1:123456789012:log-group:Stack-Logs-.*:\*$/,
    );
  });

  it('resolves Fn::Join, Fn::Sub (with variables, attributes and escapes), Fn::Select and Fn::Split', () => {
    expect(
      resolver.resolve({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':ses:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':identity/',
            { Ref: 'Identity' },
          ],
        ],
      }),
    ).toBe('arn:aws:ses:us-east-1:123456789012:identity/mail.example.com');
    expect(resolver.resolve({ 'Fn::Sub': `cdk-assets-\${AWS::AccountId}-\${AWS::Region}` })).toBe(
      'cdk-assets-123456789012-us-east-1',
    );
    expect(resolver.resolve({ 'Fn::Sub': [`\${Name}/\${Named.Arn}/\${!Literal}`, { Name: 'x' }] })).toBe(
      `x/arn:aws:dynamodb:us-east-1:123456789012:table/leads/\${Literal}`,
    );
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
  });

  it('evaluates conditions, Fn::If, Fn::FindInMap and drops AWS::NoValue', () => {
    expect(resolver.condition('InUsEast1')).toBe(true);
    expect(resolver.resolve({ 'Fn::If': ['InUsEast1', 'yes', 'no'] })).toBe('yes');
    expect(resolver.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] })).toBe(512);
    expect(resolver.resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: [1, { Ref: 'AWS::NoValue' }] })).toEqual({
      a: 1,
      c: [1],
    });
  });

  it('says what it cannot resolve', () => {
    expect(() => resolver.resolve({ Ref: 'Nowhere' })).toThrow(UnresolvableError);
    expect(() => resolver.resolve({ 'Fn::Transform': {} })).toThrow(/not supported/);
  });
});
