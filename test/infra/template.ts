import type { CfnElement } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import type { Synthesized } from './synth';

export type Statement = {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: unknown;
  Principal?: unknown;
  Sid?: string;
};
export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** The logical id CloudFormation knows a construct's main resource by. */
export const logicalId = (s: Synthesized, construct: IConstruct) =>
  s.stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** Every statement of every identity policy attached to a role, in template order. */
export function policyStatementsOf(s: Synthesized, role: IConstruct): Statement[] {
  const policies = s.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalId(s, role) }] },
  }) as Record<string, Resource>;
  return Object.values(policies).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** Every statement of every identity policy in the stack. */
export function allPolicyStatements(s: Synthesized): Statement[] {
  return Object.values(s.template.findResources('AWS::IAM::Policy') as Record<string, Resource>).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** A resource by the construct that made it. */
export function resourceOf(s: Synthesized, construct: IConstruct): Resource {
  const resource = (s.template.toJSON().Resources as Record<string, Resource>)[logicalId(s, construct)];
  if (!resource) throw new Error(`No resource for ${construct.node.path}`);
  return resource;
}

/** A Lambda function's environment variables, as in the template (values may be intrinsics). */
export function environmentOf(s: Synthesized, fn: IConstruct): Record<string, unknown> {
  return (resourceOf(s, fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/**
 * The environment as the function would see it once deployed: values known only at deploy
 * (table name, URLs, ARNs) get a stand-in of the right shape, so an env schema can parse it.
 */
export function deployedEnvironmentOf(s: Synthesized, fn: IConstruct): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environmentOf(s, fn)).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : name.endsWith('_URL') ? 'https://deployed.example' : 'deployed-value',
    ]),
  );
}

/**
 * Every variable a function's env schema parses is set (bar the local-only endpoints and the
 * optional ones named), and the schema accepts the deployed values.
 */
export function expectEnvironmentFor(
  s: Synthesized,
  fn: IConstruct,
  schema: { shape: Record<string, unknown>; safeParse(input: unknown): { error?: unknown } },
  optional: readonly string[] = [],
): void {
  const variables = environmentOf(s, fn);
  const expected = Object.keys(schema.shape).filter((name) => !name.endsWith('_ENDPOINT') && !optional.includes(name));
  expect(Object.keys(variables)).toEqual(expect.arrayContaining(expected));
  expect(variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
  expect(variables).not.toHaveProperty('SES_ENDPOINT');
  expect(schema.safeParse(deployedEnvironmentOf(s, fn)).error).toBeUndefined();
}
