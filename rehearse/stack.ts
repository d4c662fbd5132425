import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnTemplate, Resolver, type TemplateResource } from './intrinsics';

/** One stack of the cloud assembly, with its template and a resolver for its intrinsics. */
export interface SynthesizedStack {
  name: string;
  templateFile: string;
  template: CfnTemplate;
  resolver: Resolver;
}

export class RehearsalInputError extends Error {
  override name = 'RehearsalInputError';
}

/** The CloudFormation stacks of a cloud assembly (cdk.out), as `cdk deploy` would deploy them. */
export function readAssembly(cdkOut: string): SynthesizedStack[] {
  const manifestFile = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) throw new RehearsalInputError(`${cdkOut} has no manifest.json: run \`npm run synth\``);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const templateFile = join(cdkOut, artifact.properties?.templateFile ?? `${id}.template.json`);
      const template = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
      const name = artifact.properties?.stackName ?? id;
      return { name, templateFile, template, resolver: new Resolver(template, name) };
    });
  if (stacks.length === 0)
    throw new RehearsalInputError(`${cdkOut} holds no CloudFormation stack: run \`npm run synth\``);
  return stacks;
}

export interface PolicyDocumentRef {
  /** Logical id of the AWS::IAM::Policy (or `<role>/<inline name>`). */
  id: string;
  /** Construct path from the template metadata, for the reader. */
  path: string;
  /** The document as written in the template (intrinsics unresolved). */
  raw: { Statement: Record<string, unknown>[] };
  /** The document with intrinsics resolved to concrete ARNs. */
  document: { Version: string; Statement: Record<string, unknown>[] };
}

export interface LambdaFunction {
  logicalId: string;
  /** POWERTOOLS_SERVICE_NAME: the label the tests record its calls under. */
  label: string;
  path: string;
  runtime: string;
  handler: string;
  /** Folder of the bundled code in cdk.out (aws:asset:path). */
  assetPath?: string;
  environment: Record<string, unknown>;
  roleLogicalId?: string;
  roleArn: string;
  policies: PolicyDocumentRef[];
  resource: TemplateResource;
}

const cdkPath = (resource: TemplateResource) => String(resource.Metadata?.['aws:cdk:path'] ?? '');

/** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
export function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every identity policy attached to a role: AWS::IAM::Policy, customer managed policies, inline ones. */
export function rolePolicies(stack: SynthesizedStack, roleLogicalId: string): PolicyDocumentRef[] {
  const { template, resolver } = stack;
  const attached = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
    .filter(([, resource]) =>
      ((resource.Properties?.Roles ?? []) as unknown[]).some((role) => referencedId(role) === roleLogicalId),
    )
    .map(([id, resource]) => ({
      id,
      path: cdkPath(resource),
      raw: resource.Properties!.PolicyDocument as PolicyDocumentRef['raw'],
    }));
  const role = template.Resources[roleLogicalId];
  const inline = ((role?.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map(
    (policy) => ({
      id: `${roleLogicalId}/${policy.PolicyName}`,
      path: role ? cdkPath(role) : '',
      raw: policy.PolicyDocument as PolicyDocumentRef['raw'],
    }),
  );
  return [...attached, ...inline].map((policy) => ({
    ...policy,
    document: resolver.resolve(policy.raw) as PolicyDocumentRef['document'],
  }));
}

export function lambdaFunctions(stack: SynthesizedStack): LambdaFunction[] {
  const { template, resolver } = stack;
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const environment = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      const roleLogicalId = referencedId(properties.Role);
      // CDK's own functions have no service name: their logical id without its hash.
      const label =
        typeof environment.POWERTOOLS_SERVICE_NAME === 'string'
          ? environment.POWERTOOLS_SERVICE_NAME
          : logicalId.replace(/[0-9A-F]{8,}.*$/, '');
      return {
        logicalId,
        label,
        path: cdkPath(resource),
        runtime: String(properties.Runtime ?? ''),
        handler: String(properties.Handler ?? ''),
        assetPath: resource.Metadata?.['aws:asset:path'] as string | undefined,
        environment,
        roleLogicalId,
        roleArn: resolver.resolveString(properties.Role),
        policies: roleLogicalId ? rolePolicies(stack, roleLogicalId) : [],
        resource,
      };
    });
}

/** Resources of one type, by logical id. */
export function resourcesOfType(stack: SynthesizedStack, type: string): [string, TemplateResource][] {
  return Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === type);
}

/** A short reader's name for a resource: the end of its construct path (`Drip/WorkQueue`). */
export function shortPath(resource: TemplateResource | undefined, fallback: string): string {
  const path = resource ? cdkPath(resource) : '';
  return path ? path.split('/').slice(1, -1).join('/') || path : fallback;
}
