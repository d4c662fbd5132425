import { createHash } from 'node:crypto';

/**
 * CloudFormation's intrinsic functions resolved offline, with a fake account and region, to
 * the values the deployed stack would have. Physical names follow CloudFormation's pattern
 * (`<stack>-<logical id>-<suffix>`), with a suffix derived from the logical id so every run
 * gives the same names. Values that only exist after a deploy and that nothing checked here
 * depends on (an API id, a distribution's domain) get a stand-in of the right shape.
 */

export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'us-east-1';
export const PARTITION = 'aws';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, TemplateResource>;
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Outputs?: Record<string, unknown>;
}

export class UnresolvableError extends Error {
  override name = 'UnresolvableError';
}

/** Removed from lists and objects, as CloudFormation removes AWS::NoValue. */
const NO_VALUE = Symbol('AWS::NoValue');

export class Resolver {
  constructor(
    private readonly template: CfnTemplate,
    readonly stackName: string,
    readonly account = FAKE_ACCOUNT,
    readonly region = FAKE_REGION,
  ) {}

  /** A value with every intrinsic replaced by what CloudFormation would put there. */
  resolve(value: unknown): unknown {
    const resolved = this.walk(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** As `resolve`, for a value that must end up a string (an ARN, a name, a URL). */
  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string' && typeof resolved !== 'number' && typeof resolved !== 'boolean') {
      throw new UnresolvableError(`expected a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.walk(item)).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      if (key === 'Ref') return this.ref(String(argument));
      if (key.startsWith('Fn::') || key === 'Condition') return this.intrinsic(key, argument);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.walk(item);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    const args = argument as unknown[];
    switch (name) {
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.*)/);
        return this.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, items] = args as [string, unknown];
        const list = this.walk(items);
        if (!Array.isArray(list)) throw new UnresolvableError('Fn::Join needs a list');
        return list.map(String).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::Select': {
        const [index, list] = [Number(this.walk(args[0])), this.walk(args[1])];
        if (!Array.isArray(list) || list[index] === undefined) throw new UnresolvableError('Fn::Select out of range');
        return list[index];
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        return String(this.walk(source)).split(separator);
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.walk(argument))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.region}${zone}`);
      case 'Fn::FindInMap': {
        const [map, top, second] = (args as unknown[]).map((item) => String(this.walk(item)));
        const found = this.template.Mappings?.[map!]?.[top!]?.[second!];
        if (found === undefined) throw new UnresolvableError(`Fn::FindInMap ${map}.${top}.${second} not found`);
        return found;
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = args as [string, unknown, unknown];
        return this.walk(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
      case 'Fn::Contains':
      case 'Condition':
        return this.evaluateCondition({ [name]: argument });
      case 'Fn::ImportValue':
        return `imported-${String(this.walk(argument))}`;
      default:
        throw new UnresolvableError(`${name} is not supported by the rehearsal`);
    }
  }

  /** Whether a named condition of the template holds in the fake account and region. */
  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new UnresolvableError(`condition ${name} is not in the template`);
    return this.evaluateCondition(definition);
  }

  private evaluateCondition(expression: unknown): boolean {
    const [name, argument] = Object.entries(expression as Record<string, unknown>)[0]!;
    const args = argument as unknown[];
    switch (name) {
      case 'Fn::Equals':
        return JSON.stringify(this.walk(args[0])) === JSON.stringify(this.walk(args[1]));
      case 'Fn::And':
        return args.every((item) => this.evaluateCondition(item));
      case 'Fn::Or':
        return args.some((item) => this.evaluateCondition(item));
      case 'Fn::Not':
        return !this.evaluateCondition(args[0]);
      case 'Fn::Contains': {
        const list = this.walk(args[0]);
        return Array.isArray(list) && list.includes(this.walk(args[1]));
      }
      case 'Condition':
        return this.condition(String(argument));
      default:
        throw new UnresolvableError(`${name} is not a condition function`);
    }
  }

  private sub(argument: unknown): string {
    const [text, variables] = Array.isArray(argument)
      ? [String(argument[0]), (argument[1] ?? {}) as Record<string, unknown>]
      : [String(argument), {}];
    return text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return String(this.walk(variables[expression]));
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) {
        return String(this.getAtt(expression.slice(0, dot), expression.slice(dot + 1)));
      }
      const resolved = this.ref(expression);
      return resolved === NO_VALUE ? whole : String(resolved);
    });
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Region':
        return this.region;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:${PARTITION}:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? `parameter-${name}`;
    const resource = this.resource(name);
    return physicalRef(this, name, resource);
  }

  getAtt(logicalId: string, attribute: string): unknown {
    return physicalAttribute(this, logicalId, this.resource(logicalId), attribute);
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new UnresolvableError(`${logicalId} is not a resource of the template`);
    return resource;
  }

  /** The name CloudFormation generates for a resource that names none. */
  generatedName(logicalId: string, maxLength = 64): string {
    const suffix = createHash('sha256').update(logicalId).digest('hex').slice(0, 12).toUpperCase();
    const name = `${this.stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
    return `${name}-${suffix}`;
  }

  arn(service: string, resource: string, options: { region?: string; account?: string } = {}): string {
    return `arn:${PARTITION}:${service}:${options.region ?? this.region}:${options.account ?? this.account}:${resource}`;
  }
}

function nameOf(resolver: Resolver, logicalId: string, resource: TemplateResource, property: string, max?: number) {
  const given = resource.Properties?.[property];
  return given === undefined ? resolver.generatedName(logicalId, max) : resolver.resolveString(given);
}

/** What `Ref` returns, by resource type (the CloudFormation resource reference's "Return values"). */
function physicalRef(resolver: Resolver, logicalId: string, resource: TemplateResource): unknown {
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      return nameOf(resolver, logicalId, resource, 'TableName', 255);
    case 'AWS::SQS::Queue': {
      const name = nameOf(resolver, logicalId, resource, 'QueueName', 80);
      return `https://sqs.${resolver.region}.amazonaws.com/${resolver.account}/${name}`;
    }
    case 'AWS::SecretsManager::Secret':
      return resolver.arn('secretsmanager', `secret:${nameOf(resolver, logicalId, resource, 'Name', 256)}-AbCdEf`);
    case 'AWS::SES::ConfigurationSet':
      return nameOf(resolver, logicalId, resource, 'Name');
    case 'AWS::SES::EmailIdentity':
      return resolver.resolveString(resource.Properties?.EmailIdentity);
    case 'AWS::Lambda::Function':
      return nameOf(resolver, logicalId, resource, 'FunctionName');
    case 'AWS::IAM::Role':
      return nameOf(resolver, logicalId, resource, 'RoleName');
    case 'AWS::Logs::LogGroup':
      return nameOf(resolver, logicalId, resource, 'LogGroupName', 512);
    case 'AWS::S3::Bucket':
      return nameOf(resolver, logicalId, resource, 'BucketName', 63).toLowerCase();
    case 'AWS::SNS::Topic':
      return resolver.arn('sns', nameOf(resolver, logicalId, resource, 'TopicName', 256));
    case 'AWS::Events::Rule':
      return nameOf(resolver, logicalId, resource, 'Name');
    default:
      // Ids that AWS makes up at create time (API ids, user pool ids, key ids ...).
      return `${logicalId.toLowerCase().slice(0, 10)}id`;
  }
}

function physicalAttribute(resolver: Resolver, logicalId: string, resource: TemplateResource, attribute: string) {
  const ref = () => String(physicalRef(resolver, logicalId, resource));
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::DynamoDB::Table.Arn':
      return resolver.arn('dynamodb', `table/${ref()}`);
    case 'AWS::DynamoDB::Table.StreamArn':
      return resolver.arn('dynamodb', `table/${ref()}/stream/2026-01-01T00:00:00.000`);
    case 'AWS::SQS::Queue.Arn':
      return resolver.arn('sqs', ref().split('/').pop()!);
    case 'AWS::SQS::Queue.QueueName':
      return ref().split('/').pop();
    case 'AWS::SQS::Queue.QueueUrl':
      return ref();
    case 'AWS::Lambda::Function.Arn':
      return resolver.arn('lambda', `function:${ref()}`);
    case 'AWS::IAM::Role.Arn':
      return `arn:aws:iam::${resolver.account}:role/${ref()}`;
    case 'AWS::Logs::LogGroup.Arn':
      return resolver.arn('logs', `log-group:${ref()}:*`);
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${ref()}`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${ref()}.s3.${resolver.region}.amazonaws.com`;
    case 'AWS::S3::Bucket.DomainName':
      return `${ref()}.s3.amazonaws.com`;
    case 'AWS::Events::Rule.Arn':
      return resolver.arn('events', `rule/${ref()}`);
    case 'AWS::SNS::Topic.TopicArn':
      return ref();
    case 'AWS::KMS::Key.Arn':
      return resolver.arn('kms', `key/${ref()}`);
    case 'AWS::Cognito::UserPool.Arn':
      return resolver.arn('cognito-idp', `userpool/${ref()}`);
    case 'AWS::Cognito::UserPool.ProviderURL':
      return `https://cognito-idp.${resolver.region}.amazonaws.com/${ref()}`;
    case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
      return `https://${ref()}.execute-api.${resolver.region}.amazonaws.com`;
    case 'AWS::CloudFront::Distribution.DomainName':
      return 'd111111abcdef8.cloudfront.net';
    case 'AWS::Scheduler::Schedule.Arn':
      return resolver.arn('scheduler', `schedule/default/${ref()}`);
    default:
      return `${logicalId}.${attribute}`;
  }
}
