import { GLOBAL_INDEXES, TABLE_KEYS } from './dynamodb/table-schema';

/**
 * One AWS API call as IAM authorizes it: the IAM action, the resources it is checked against
 * and the condition keys it carries. Resources and values that come from a function's settings
 * are written as `${env:NAME}` (and the pseudo parameters as `${AWS::Region}` ...), so
 * `npm run rehearse` resolves them from the synthesized template exactly as the deployed
 * function would read them. Never an item's contents, an address or a token: a partition key
 * keeps only its prefix, a recipient is a placeholder.
 */
export interface DescribedCall {
  service: string;
  action: string;
  resources: string[];
  context: Record<string, string | string[]>;
  /** The SDK operation, when IAM knows it under another name (TransactWriteItems, SendMessageBatch). */
  operation?: string;
}

/** The settings whose values name AWS resources (and the sender), as a function reads them. */
export const RESOURCE_SETTINGS = [
  'TABLE_NAME',
  'WORK_QUEUE_URL',
  'WEBHOOK_QUEUE_URL',
  'WEBHOOK_DEAD_LETTER_QUEUE_URL',
  'SIGNING_KEY_SECRET_ARN',
  'WEBHOOK_SECRET_ARN',
  'IDENTITY_KEY_SECRET_ARN',
  'ORIGIN_VERIFY_SECRET_ARN',
  'CALENDLY_SIGNING_KEY_SECRET_ARN',
  'ACUITY_SECRET_ARN',
  'SES_CONFIGURATION_SET',
  'MAIL_FROM_ADDRESS',
  'PRACTICE_NAME',
] as const;

export type Settings = Partial<Record<(typeof RESOURCE_SETTINGS)[number], string>>;

/** A value that none of the function's settings holds: the rehearsal reports it as unmapped. */
export const UNMAPPED = '<not from a setting>';
export const MASKED = '<masked>';
export const RECIPIENT = '<recipient>';

// CloudFormation's pseudo parameters, written as Fn::Sub writes them.
const ARN_PREFIX = `arn:\${AWS::Partition}`;
const REGION_ACCOUNT = `\${AWS::Region}:\${AWS::AccountId}`;

/** `${env:NAME}` for the setting holding `value`, optionally with a transform (`|domain`). */
function fromSettings(settings: Settings, value: string | undefined, transform = ''): string {
  if (value === undefined) return UNMAPPED;
  const name = RESOURCE_SETTINGS.find((setting) => settings[setting] === value);
  return name ? `\${env:${name}${transform}}` : UNMAPPED;
}

type Input = Record<string, unknown>;

export function describeCall(service: string, command: string, input: Input, settings: Settings): DescribedCall[] {
  const operation = command.replace(/Command$/, '');
  switch (service) {
    case 'dynamodb':
      return describeDynamoDb(operation, input, settings);
    case 'ses':
      return describeSes(operation, input, settings);
    case 'sqs':
      return describeSqs(operation, input, settings);
    case 'secretsmanager':
      return describeSecret(operation, input, settings);
    default:
      return [{ service, action: operation, resources: [UNMAPPED], context: {} }];
  }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: each item action of a transaction or batch is authorized on its own.

const tableArn = (settings: Settings, tableName: unknown) =>
  `${ARN_PREFIX}:dynamodb:${REGION_ACCOUNT}:table/${fromSettings(settings, String(tableName))}`;

/** A partition that is a constant of the code (`WEBHOOK-ENDPOINTS`), never a value from a person. */
const CONSTANT_PARTITION = /^[A-Z][A-Z0-9_-]*$/;

/**
 * A partition key value keeps its prefix (`LEAD#`, `SEQUENCE#`), and a constant partition stays
 * whole: that is what a LeadingKeys condition tests.
 */
export function maskPartitionKey(value: unknown): string {
  const text = typeof value === 'string' ? value : stringAttribute(value);
  if (text === undefined) return MASKED;
  if (CONSTANT_PARTITION.test(text)) return text;
  const hash = text.indexOf('#');
  return hash >= 0 ? `${text.slice(0, hash + 1)}${MASKED}` : MASKED;
}

/** The document client passes plain values; the low-level client passes `{ S: ... }`. */
function stringAttribute(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value) return String((value as { S: unknown }).S);
  return undefined;
}

function leadingKeys(keys: unknown[]): Record<string, string[]> {
  const values = [...new Set(keys.map(maskPartitionKey))].sort();
  return { 'dynamodb:LeadingKeys': values };
}

function itemCall(action: string, settings: Settings, table: unknown, key: Input | undefined, operation?: string) {
  return {
    service: 'dynamodb',
    action,
    resources: [tableArn(settings, table)],
    context: leadingKeys([key?.[TABLE_KEYS.partitionKey]]),
    ...(operation ? { operation } : {}),
  };
}

/** The value compared with the partition key in a key condition (`pk = :pk`, `#k = :v`). */
function queriedPartition(input: Input, partitionKey: string): unknown {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const match of String(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1]!.startsWith('#') ? names[match[1]!] : match[1];
    if (name === partitionKey) return values[match[2]!];
  }
  return undefined;
}

function describeDynamoDb(operation: string, input: Input, settings: Settings): DescribedCall[] {
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [itemCall(operation, settings, input.TableName, input.Key as Input)];
    case 'PutItem':
      return [itemCall(operation, settings, input.TableName, input.Item as Input)];
    case 'Query':
    case 'Scan': {
      const index = GLOBAL_INDEXES.find((candidate) => candidate.name === input.IndexName);
      const resource = `${tableArn(settings, input.TableName)}${input.IndexName ? `/index/${input.IndexName}` : ''}`;
      const partitionKey = index ? index.partitionKey : TABLE_KEYS.partitionKey;
      const context = operation === 'Query' ? leadingKeys([queriedPartition(input, partitionKey)]) : {};
      return [{ service: 'dynamodb', action: operation, resources: [resource], context }];
    }
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Input[]).map((entry) => {
        const [kind, item] = Object.entries(entry)[0] as [string, Input];
        const action = kind === 'Put' ? 'PutItem' : kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`;
        return itemCall(action, settings, item.TableName, (item.Key ?? item.Item) as Input, operation);
      });
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get: Input }[]).map(({ Get }) =>
        itemCall('GetItem', settings, Get.TableName, Get.Key as Input, operation),
      );
    case 'BatchGetItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: Input[] }>).map(
        ([table, request]) => ({
          service: 'dynamodb',
          action: operation,
          resources: [tableArn(settings, table)],
          context: leadingKeys((request.Keys ?? []).map((key) => key[TABLE_KEYS.partitionKey])),
        }),
      );
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Input[]>).map(([table, requests]) => ({
        service: 'dynamodb',
        action: operation,
        resources: [tableArn(settings, table)],
        context: leadingKeys(
          requests.map((request) => {
            const put = request.PutRequest as { Item?: Input } | undefined;
            const remove = request.DeleteRequest as { Key?: Input } | undefined;
            return (put?.Item ?? remove?.Key)?.[TABLE_KEYS.partitionKey];
          }),
        ),
      }));
    default:
      return [
        { service: 'dynamodb', action: operation, resources: [tableArn(settings, input.TableName)], context: {} },
      ];
  }
}

// ---------------------------------------------------------------------------------------------
// SES v2: SendEmail is authorized on the sending identity and on the configuration set.

function parseMailbox(from: string): { name?: string; address: string } {
  const angle = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  if (!angle) return { address: from.trim() };
  const name = angle[1]!.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  const encoded = /^=\?UTF-8\?B\?([^?]*)\?=$/i.exec(name);
  return { name: encoded ? Buffer.from(encoded[1]!, 'base64').toString('utf8') : name, address: angle[2]! };
}

function describeSes(operation: string, input: Input, settings: Settings): DescribedCall[] {
  const sesArn = (resource: string) => `${ARN_PREFIX}:ses:${REGION_ACCOUNT}:${resource}`;
  if (operation !== 'SendEmail') {
    // GetAccount and the other account-level reads have no resource type: IAM checks `*`.
    return [{ service: 'ses', action: operation, resources: ['*'], context: { 'ses:ApiVersion': '2' } }];
  }
  const from = parseMailbox(String(input.FromEmailAddress ?? ''));
  // Addresses compare without case, as SES and the policy's StringEqualsIgnoreCase do.
  const configured = from.address.toLowerCase() === settings.MAIL_FROM_ADDRESS?.toLowerCase();
  const fromSetting = configured ? fromSettings(settings, settings.MAIL_FROM_ADDRESS) : UNMAPPED;
  const identity = configured ? fromSettings(settings, settings.MAIL_FROM_ADDRESS, '|domain') : UNMAPPED;
  const resources = [sesArn(`identity/${identity}`)];
  if (input.ConfigurationSetName) {
    resources.push(sesArn(`configuration-set/${fromSettings(settings, String(input.ConfigurationSetName))}`));
  }
  const destination = (input.Destination ?? {}) as Record<string, unknown[] | undefined>;
  const recipients = [destination.ToAddresses, destination.CcAddresses, destination.BccAddresses]
    .flat()
    .filter(Boolean);
  return [
    {
      service: 'ses',
      action: 'SendEmail',
      resources,
      context: {
        'ses:ApiVersion': '2',
        'ses:FromAddress': fromSetting,
        ...(from.name !== undefined ? { 'ses:FromDisplayName': fromSettings(settings, from.name) } : {}),
        // The fact that there are recipients, never who they are.
        'ses:Recipients': recipients.map(() => RECIPIENT).slice(0, 1),
        ...(input.FeedbackForwardingEmailAddress ? { 'ses:FeedbackAddress': UNMAPPED } : {}),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// SQS: the batch actions are authorized as their single-message actions.

function describeSqs(operation: string, input: Input, settings: Settings): DescribedCall[] {
  const action = operation.replace(/Batch$/, '');
  const queue = fromSettings(settings, String(input.QueueUrl), '|queue-name');
  return [
    {
      service: 'sqs',
      action,
      resources: [`${ARN_PREFIX}:sqs:${REGION_ACCOUNT}:${queue}`],
      context: {},
      ...(action !== operation ? { operation } : {}),
    },
  ];
}

function describeSecret(operation: string, input: Input, settings: Settings): DescribedCall[] {
  const secret = fromSettings(settings, String(input.SecretId));
  return [
    {
      service: 'secretsmanager',
      action: operation,
      resources: [secret],
      context: { 'secretsmanager:SecretId': secret },
    },
  ];
}
