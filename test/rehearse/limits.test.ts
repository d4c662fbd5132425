import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from '../../rehearse/intrinsics';
import { assetSizes, checkLimits, environmentBytes, LIMITS, policyCharacters } from '../../rehearse/limits';
import type { SynthesizedStack } from '../../rehearse/stack';

function stackOf(
  resources: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): { stack: SynthesizedStack; cdkOut: string } {
  const cdkOut = mkdtempSync(join(tmpdir(), 'limits-'));
  const template = { Resources: resources, ...extra } as SynthesizedStack['template'];
  const templateFile = join(cdkOut, 'Test.template.json');
  writeFileSync(templateFile, JSON.stringify(template));
  return { stack: { name: 'Test', templateFile, template, resolver: new Resolver(template, 'Test') }, cdkOut };
}

const failing = (stack: SynthesizedStack, cdkOut: string) =>
  checkLimits(stack, cdkOut)
    .filter((check) => !check.ok)
    .map((check) => check.name);

describe('service limits', () => {
  it('counts a policy as IAM does, without whitespace', () => {
    expect(policyCharacters({ Statement: [{ Effect: 'Allow', Action: 'x:y', Resource: '*' }] })).toBe(
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'x:y', Resource: '*' }] }).length,
    );
    expect(policyCharacters({ a: 'b c' })).toBe('{"a":"bc"}'.length);
  });

  it('counts environment keys and values in bytes', () => {
    expect(environmentBytes({ A: 'bc', DÉ: 'é' })).toBe(1 + 2 + 3 + 2);
  });

  it('measures an asset unzipped and estimates it zipped', () => {
    const folder = mkdtempSync(join(tmpdir(), 'asset-'));
    mkdirSync(join(folder, 'lib'));
    writeFileSync(join(folder, 'index.js'), 'a'.repeat(100_000));
    writeFileSync(join(folder, 'lib', 'x.js'), 'b'.repeat(1000));
    const sizes = assetSizes(folder);
    expect(sizes.unzipped).toBe(101_000);
    expect(sizes.zipped).toBeLessThan(5_000);
    expect(sizes.zipped).toBeGreaterThan(100);
  });

  it('passes a small stack', () => {
    const { stack, cdkOut } = stackOf({ Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'leads' } } });
    expect(failing(stack, cdkOut)).toEqual([]);
  });

  it('fails more than 500 resources, 200 outputs and a template over 1 MB', () => {
    const resources = Object.fromEntries(
      Array.from({ length: LIMITS.resources + 1 }, (_, i) => [
        `Q${i}`,
        { Type: 'AWS::SQS::Queue', Properties: { Padding: 'x'.repeat(2000) } },
      ]),
    );
    const outputs = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`O${i}`, { Value: 'x' }]));
    const { stack, cdkOut } = stackOf(resources, { Outputs: outputs });
    expect(failing(stack, cdkOut)).toEqual(
      expect.arrayContaining([
        'CloudFormation resources',
        'CloudFormation outputs',
        'Template size (uploaded to S3 by cdk deploy)',
      ]),
    );
  });

  it('fails an environment of 4 KB or more, and role inline policies over 10,240 characters', () => {
    const statement = (i: number) => ({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: `arn:aws:dynamodb:us-east-1:1:table/t${i}`,
    });
    const { stack, cdkOut } = stackOf({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Statement: Array.from({ length: 200 }, (_, i) => statement(i)) },
        },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'big', LONG: 'x'.repeat(4096) } },
        },
      },
    });
    expect(failing(stack, cdkOut)).toEqual(['big: environment', 'Role Role: inline policies']);
  });

  it('fails a name given in the template that breaks its service’s rules', () => {
    const { stack, cdkOut } = stackOf({
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'has spaces' } },
      Domain: { Type: 'AWS::Cognito::UserPoolDomain', Properties: { Domain: 'clinic-cognito-login' } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'f'.repeat(65),
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Role: 'arn:aws:iam::1:role/r',
        },
      },
    });
    const names = checkLimits(stack, cdkOut).find((check) => check.name === 'Names given in the template')!;
    expect(names.ok).toBe(false);
    expect(names.detail).toMatch(/Queue: queue name "has spaces"/);
    expect(names.detail).toMatch(/Domain: Cognito domain prefix "clinic-cognito-login"/);
    expect(names.detail).toMatch(/Fn: function name/);
  });
});
