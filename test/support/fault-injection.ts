import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

const COMMANDS = [
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
] as const;

type DocCommand = (typeof COMMANDS)[number];
type AnyCommand = new (input: unknown) => unknown;
type Send = (command: unknown) => Promise<unknown>;

/**
 * aws-sdk-client-mock on the DynamoDB document client with every command passed through to
 * DynamoDB Local, so a test injects faults into one command (throttling, a timeout) while the
 * rest of the path runs for real. Call `restore()` when done.
 */
export function dynamoFaults() {
  const realSend = DynamoDBDocumentClient.prototype.send as unknown as Send;
  const mock = mockClient(DynamoDBDocumentClient);
  const forward = (Command: DocCommand, input: unknown, client: unknown) =>
    realSend.call(client, new (Command as unknown as AnyCommand)(input));
  const passThrough = (Command: DocCommand) =>
    mock
      .on(Command as never)
      .callsFake((input: unknown, getClient: () => unknown) => forward(Command, input, getClient()));
  for (const Command of COMMANDS) passThrough(Command);
  return {
    mock,
    /** Fails `Command` with `error` `times` times (or always), then passes it through again. */
    fail(Command: DocCommand, error: () => Error, times = Number.POSITIVE_INFINITY) {
      let failures = 0;
      mock.on(Command as never).callsFake((input: unknown, getClient: () => unknown) => {
        if (failures < times) {
          failures++;
          throw error();
        }
        return forward(Command, input, getClient());
      });
      return { count: () => failures };
    },
    /**
     * Hands every `Command` call to `fake`, which may forward it (to DynamoDB Local, as often as
     * it likes) and fail or answer as it sees fit: e.g. a write that succeeded but whose answer
     * was lost and retried, or a failure on one key only.
     */
    intercept(
      Command: DocCommand,
      fake: (input: Record<string, unknown>, forward: () => Promise<unknown>) => Promise<unknown>,
    ) {
      mock
        .on(Command as never)
        .callsFake((input: Record<string, unknown>, getClient: () => unknown) =>
          fake(input, () => forward(Command, input, getClient())),
        );
    },
    restore: () => mock.restore(),
  };
}

/** True for a Get, Put, Update or Delete on an item whose partition key starts with `prefix`. */
export function onPartition(input: Record<string, unknown>, prefix: string): boolean {
  const key = (input.Key ?? input.Item) as { pk?: unknown } | undefined;
  return typeof key?.pk === 'string' && key.pk.startsWith(prefix);
}

/** True for a Put or Update of an item whose sort key starts with `prefix`. */
export function onSortKey(input: Record<string, unknown>, prefix: string): boolean {
  const key = (input.Key ?? input.Item) as { sk?: unknown } | undefined;
  return typeof key?.sk === 'string' && key.sk.startsWith(prefix);
}

export const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
  });
export const timedOut = () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
