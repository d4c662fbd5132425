import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { lambdaFunctions, resourcesOfType, type SynthesizedStack } from './stack';

/**
 * Service quotas a deploy would hit, with the documented figures:
 * - CloudFormation: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 *   (500 resources, 200 outputs, 200 parameters, 200 mappings; template body 51,200 bytes
 *   inline or 1 MB from S3, which `cdk deploy` uses for anything above 50 KB)
 * - Lambda: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 *   (environment variables 4 KB in all; a .zip package 50 MB zipped, 250 MB unzipped;
 *   function name 64 characters; handler 128; description 256)
 * - IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 *   (a role's inline policies 10,240 characters in all, a managed policy 6,144, a trust policy
 *   2,048, whitespace not counted; role names 64 characters of [\w+=,.@-])
 * - SQS queue policies: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
 *   (8,192 bytes, 20 statements, 7 actions per statement)
 * - Names: DynamoDB table 3-255 of [a-zA-Z0-9_.-]; SQS queue 1-80 of [a-zA-Z0-9_-];
 *   SES configuration set 1-64 of [a-zA-Z0-9_-]; EventBridge rule 1-64 of [.\-_A-Za-z0-9];
 *   Scheduler schedule 1-64 of [0-9a-zA-Z-_.]; log group 1-512 of [.\-_/#A-Za-z0-9];
 *   Cognito domain prefix 1-63 of [a-z0-9-], not starting or ending with "-", and without
 *   "aws", "amazon" or "cognito" (each service's API reference for the name parameter).
 */

export interface LimitCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const KB = 1024;
const MB = 1024 * 1024;

export const LIMITS = {
  resources: 500,
  outputs: 200,
  parameters: 200,
  mappings: 200,
  templateBytesFromS3: 1_000_000,
  environmentBytes: 4 * KB,
  zippedBytes: 50 * MB,
  unzippedBytes: 250 * MB,
  roleInlinePolicyChars: 10_240,
  managedPolicyChars: 6_144,
  trustPolicyChars: 2_048,
  queuePolicyBytes: 8_192,
  queuePolicyStatements: 20,
  queuePolicyActionsPerStatement: 7,
} as const;

/** What AWS counts for a policy: its JSON without whitespace (outside strings, which have none here). */
export function policyCharacters(document: unknown): number {
  return JSON.stringify(document).replace(/\s+/g, '').length;
}

/** Lambda counts the keys and values of the environment, as UTF-8. */
export function environmentBytes(variables: Record<string, string>): number {
  return Object.entries(variables).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

function filesIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesIn(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

/** Unzipped size, and the zipped size estimated as deflate per file plus zip headers. */
export function assetSizes(folder: string): { unzipped: number; zipped: number } {
  let unzipped = 0;
  let zipped = 22; // end of central directory
  for (const file of filesIn(folder)) {
    const content = readFileSync(file);
    const name = Buffer.byteLength(file.slice(folder.length + 1));
    unzipped += statSync(file).size;
    zipped += deflateRawSync(content).length + 30 + 46 + 2 * name;
  }
  return { unzipped, zipped };
}

const NAME_RULES: Record<string, { property: string; pattern: RegExp; max: number; what: string }> = {
  'AWS::Lambda::Function': { property: 'FunctionName', pattern: /^[a-zA-Z0-9_-]+$/, max: 64, what: 'function name' },
  'AWS::DynamoDB::Table': { property: 'TableName', pattern: /^[a-zA-Z0-9_.-]{3,}$/, max: 255, what: 'table name' },
  'AWS::SQS::Queue': { property: 'QueueName', pattern: /^[a-zA-Z0-9_-]+(\.fifo)?$/, max: 80, what: 'queue name' },
  'AWS::IAM::Role': { property: 'RoleName', pattern: /^[\w+=,.@-]+$/, max: 64, what: 'role name' },
  'AWS::SES::ConfigurationSet': {
    property: 'Name',
    pattern: /^[a-zA-Z0-9_-]+$/,
    max: 64,
    what: 'configuration set name',
  },
  'AWS::Events::Rule': { property: 'Name', pattern: /^[.\-_A-Za-z0-9]+$/, max: 64, what: 'rule name' },
  'AWS::Scheduler::Schedule': { property: 'Name', pattern: /^[0-9a-zA-Z-_.]+$/, max: 64, what: 'schedule name' },
  'AWS::Logs::LogGroup': {
    property: 'LogGroupName',
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    max: 512,
    what: 'log group name',
  },
  'AWS::Cognito::UserPoolDomain': {
    property: 'Domain',
    pattern: /^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    max: 63,
    what: 'Cognito domain prefix',
  },
};

export function checkLimits(stack: SynthesizedStack, cdkOut: string): LimitCheck[] {
  const { template, resolver } = stack;
  const checks: LimitCheck[] = [];
  const count = (value: object | undefined) => Object.keys(value ?? {}).length;
  const within = (name: string, actual: number, limit: number, unit = '') =>
    checks.push({ name, ok: actual <= limit, detail: `${actual}${unit} of ${limit}${unit}` });

  within('CloudFormation resources', count(template.Resources), LIMITS.resources);
  within('CloudFormation outputs', count(template.Outputs), LIMITS.outputs);
  within('CloudFormation parameters', count(template.Parameters), LIMITS.parameters);
  within('CloudFormation mappings', count(template.Mappings), LIMITS.mappings);
  within(
    'Template size (uploaded to S3 by cdk deploy)',
    statSync(stack.templateFile).size,
    LIMITS.templateBytesFromS3,
    ' bytes',
  );

  for (const fn of lambdaFunctions(stack)) {
    const variables = Object.fromEntries(
      Object.entries(fn.environment).map(([key, value]) => [key, resolver.resolveString(value)]),
    );
    const bytes = environmentBytes(variables);
    checks.push({
      name: `${fn.label}: environment`,
      ok: bytes < LIMITS.environmentBytes,
      detail: `${bytes} bytes of ${LIMITS.environmentBytes}`,
    });
    if (fn.handler.length > 128)
      checks.push({ name: `${fn.label}: handler`, ok: false, detail: `${fn.handler.length} characters of 128` });
    if (fn.assetPath) {
      const sizes = assetSizes(join(cdkOut, fn.assetPath));
      checks.push({
        name: `${fn.label}: package size`,
        ok: sizes.zipped <= LIMITS.zippedBytes && sizes.unzipped <= LIMITS.unzippedBytes,
        detail: `${(sizes.zipped / MB).toFixed(2)} MB zipped of 50, ${(sizes.unzipped / MB).toFixed(2)} MB unzipped of 250`,
      });
    }
  }

  for (const [roleId, role] of resourcesOfType(stack, 'AWS::IAM::Role')) {
    const inline = [
      ...resourcesOfType(stack, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleId}"`))
        .map(([, policy]) => resolver.resolve(policy.Properties?.PolicyDocument)),
      ...((role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).map((policy) =>
        resolver.resolve(policy.PolicyDocument),
      ),
    ];
    const characters = inline.reduce<number>((sum, document) => sum + policyCharacters(document), 0);
    checks.push({
      name: `Role ${roleId}: inline policies`,
      ok: characters <= LIMITS.roleInlinePolicyChars,
      detail: `${characters} characters of ${LIMITS.roleInlinePolicyChars}`,
    });
    const trust = policyCharacters(resolver.resolve(role.Properties?.AssumeRolePolicyDocument));
    if (trust > LIMITS.trustPolicyChars) {
      checks.push({
        name: `Role ${roleId}: trust policy`,
        ok: false,
        detail: `${trust} characters of ${LIMITS.trustPolicyChars}`,
      });
    }
  }
  for (const [id, policy] of resourcesOfType(stack, 'AWS::IAM::ManagedPolicy')) {
    const characters = policyCharacters(resolver.resolve(policy.Properties?.PolicyDocument));
    within(`Managed policy ${id}`, characters, LIMITS.managedPolicyChars, ' characters');
  }
  for (const [id, policy] of resourcesOfType(stack, 'AWS::SQS::QueuePolicy')) {
    const document = resolver.resolve(policy.Properties?.PolicyDocument) as { Statement: { Action: unknown }[] };
    const bytes = Buffer.byteLength(JSON.stringify(document));
    const actions = Math.max(...document.Statement.map((statement) => [statement.Action].flat().length));
    const ok =
      bytes <= LIMITS.queuePolicyBytes &&
      document.Statement.length <= LIMITS.queuePolicyStatements &&
      actions <= LIMITS.queuePolicyActionsPerStatement;
    checks.push({
      name: `Queue policy ${id}`,
      ok,
      detail: `${bytes} bytes of 8192, ${document.Statement.length} statements of 20, ${actions} actions per statement of 7`,
    });
  }

  const nameProblems: string[] = [];
  let names = 0;
  for (const [id, resource] of Object.entries(template.Resources)) {
    const rule = NAME_RULES[resource.Type];
    const given = rule ? resource.Properties?.[rule.property] : undefined;
    if (!rule || given === undefined) continue;
    names++;
    const name = resolver.resolveString(given);
    if (name.length > rule.max || !rule.pattern.test(name)) {
      nameProblems.push(`${id}: ${rule.what} "${name}" (at most ${rule.max} of ${rule.pattern.source})`);
    }
  }
  checks.push({
    name: 'Names given in the template',
    ok: nameProblems.length === 0,
    detail: nameProblems.length
      ? nameProblems.join('; ')
      : `${names} checked (the rest are generated by CloudFormation)`,
  });
  return checks;
}
