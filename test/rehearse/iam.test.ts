import { describeCall } from '../../functions/adapters/aws-call-description';
import { checkActions } from '../../rehearse/actions';
import type { CallToCheck } from '../../rehearse/calls';
import { checkIam } from '../../rehearse/iam';
import { type CfnTemplate, Resolver } from '../../rehearse/intrinsics';
import { lambdaFunctions, type SynthesizedStack } from '../../rehearse/stack';
import { synth } from '../infra/synth';

/** The stack as `cdk synth` writes it, read back as the rehearsal reads cdk.out. */
const synthesized = synth().template.toJSON() as CfnTemplate;

function stackFrom(template: CfnTemplate): SynthesizedStack {
  return { name: 'Test', templateFile: 'Test.template.json', template, resolver: new Resolver(template, 'Test') };
}

/** The capture function's calls, described by the recorder from the requests its adapters make. */
function captureCalls(): CallToCheck[] {
  const settings = {
    TABLE_NAME: 'local-table',
    MAIL_FROM_ADDRESS: 'care@mail.example.com',
    PRACTICE_NAME: 'Bayview Clinic',
    SES_CONFIGURATION_SET: 'local',
    SIGNING_KEY_SECRET_ARN: 'local-secret',
    IDENTITY_KEY_SECRET_ARN: 'local-identity',
  };
  const calls = [
    ...describeCall(
      'dynamodb',
      'TransactWriteItemsCommand',
      { TransactItems: [{ Put: { TableName: 'local-table', Item: { pk: 'LEAD#1', sk: 'PROFILE' } } }] },
      settings,
    ),
    ...describeCall(
      'dynamodb',
      'UpdateItemCommand',
      { TableName: 'local-table', Key: { pk: 'RATE#x', sk: 'RATE' } },
      settings,
    ),
    ...describeCall(
      'dynamodb',
      'GetItemCommand',
      { TableName: 'local-table', Key: { pk: 'SEQUENCE#w', sk: 'PUBLISHED' } },
      settings,
    ),
    ...describeCall(
      'ses',
      'SendEmailCommand',
      {
        FromEmailAddress: '"Bayview Clinic" <care@mail.example.com>',
        Destination: { ToAddresses: ['a@example.com'] },
        ConfigurationSetName: 'local',
      },
      settings,
    ),
    ...describeCall('secretsmanager', 'GetSecretValueCommand', { SecretId: 'local-secret' }, settings),
    // Lead ids: the identity key, and whether the move to keyed ids is done.
    ...describeCall('secretsmanager', 'GetSecretValueCommand', { SecretId: 'local-identity' }, settings),
    ...describeCall(
      'dynamodb',
      'GetItemCommand',
      { TableName: 'local-table', Key: { pk: 'MIGRATION#keyed-ids', sk: 'MIGRATION' } },
      settings,
    ),
  ];
  return calls.map((call) => ({ ...call, function: 'capture', count: 1, origin: 'tests' }));
}

/** A copy of the template with the capture role's policy changed. */
function withCapturePolicy(change: (statements: Record<string, unknown>[]) => Record<string, unknown>[]): CfnTemplate {
  const template = structuredClone(synthesized);
  const capture = lambdaFunctions(stackFrom(template)).find((fn) => fn.label === 'capture')!;
  const policy = template.Resources[capture.policies[0]!.id]!;
  const document = policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] };
  document.Statement = change(document.Statement);
  return template;
}

const grants = (statement: Record<string, unknown>, action: string) => [statement.Action].flat().includes(action);

describe('IAM, call by call, against the synthesized template', () => {
  it('allows every call the capture function makes, and lists the grants no call uses', async () => {
    const report = await checkIam(stackFrom(synthesized), captureCalls());
    expect(report.denied).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.perFunction.capture).toBe(7);
    // The calls above make no condition check and do not read the origin-verify secret; no call
    // describes a secret (one DescribeSecret per secret the role may read).
    expect(report.unused.filter((grant) => grant.function === 'capture').map((grant) => grant.action)).toEqual([
      'dynamodb:ConditionCheckItem',
      'secretsmanager:DescribeSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it('fails when an action is removed from a statement, naming the function, the action and that statement', async () => {
    const template = withCapturePolicy((statements) =>
      statements.map((statement) =>
        grants(statement, 'dynamodb:PutItem')
          ? { ...statement, Action: [statement.Action].flat().filter((action) => action !== 'dynamodb:PutItem') }
          : statement,
      ),
    );
    const report = await checkIam(stackFrom(template), captureCalls());
    expect(report.denied).toHaveLength(1);
    const [denial] = report.denied;
    expect(denial).toMatchObject({ function: 'capture', action: 'dynamodb:PutItem' });
    expect(denial!.resource).toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/Test-DataTable/);
    expect(denial!.statement).toMatch(/^LeadsCaptureRoleDefaultPolicy\w+ statement \d+: add dynamodb:PutItem/);
  });

  it('fails when a whole statement is removed, naming the policy to add it to', async () => {
    const template = withCapturePolicy((statements) =>
      statements.filter((statement) => !grants(statement, 'ses:SendEmail')),
    );
    const report = await checkIam(stackFrom(template), captureCalls());
    const denied = report.denied.map(
      (denial) => `${denial.function} ${denial.action} ${denial.resource.split(':').pop()}`,
    );
    expect(denied).toEqual([
      expect.stringMatching(/^capture ses:SendEmail identity\/mail\.example\.com$/),
      expect.stringMatching(/^capture ses:SendEmail configuration-set\/Test-EmailConfigurationSet/),
    ]);
    expect(report.denied[0]!.statement).toMatch(
      /no statement grants ses:SendEmail: add one to LeadsCaptureRoleDefaultPolicy/,
    );
  });

  it('fails when a condition no longer holds, naming the statement and its condition', async () => {
    const template = withCapturePolicy((statements) =>
      statements.map((statement) =>
        grants(statement, 'dynamodb:GetItem')
          ? { ...statement, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PUBLISHED#*'] } } }
          : statement,
      ),
    );
    const report = await checkIam(stackFrom(template), captureCalls());
    // The published pointer's read and the migration marker's.
    expect(report.denied.map((denial) => denial.action)).toEqual(['dynamodb:GetItem', 'dynamodb:GetItem']);
    expect(report.denied[0]!.statement).toMatch(/statement \d+: its Condition .*PUBLISHED#\*.* does not hold/);
  });

  it('refuses a call whose resource is not one of the function’s settings', async () => {
    const [call] = captureCalls();
    const report = await checkIam(stackFrom(synthesized), [{ ...call!, resources: ['<not from a setting>'] }]);
    expect(report.problems).toEqual([
      expect.stringMatching(/capture dynamodb:PutItem names a resource .* not one of its settings/),
    ]);
  });

  it('knows every action string of the template, and names one that is not an IAM action', async () => {
    expect((await checkActions(stackFrom(synthesized))).unknown).toEqual([]);
    const typo = withCapturePolicy((statements) => [
      ...statements,
      { Effect: 'Allow', Action: 'dynamodb:GetItems', Resource: '*' },
    ]);
    expect((await checkActions(stackFrom(typo))).unknown).toEqual([
      expect.stringMatching(/^dynamodb:GetItems \(LeadsCaptureRoleDefaultPolicy/),
    ]);
  });
});
