import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TestEnvironment } from 'jest-environment-node';
import { CREATED_TABLES } from './test-environment-globals';

/**
 * Node's test environment, plus: once a file has ended (its own afterAll hooks included, so its
 * local stacks have stopped), the tables it created on the shared DynamoDB Local are dropped.
 */
export default class TestEnvironmentDroppingTables extends TestEnvironment {
  override async teardown(): Promise<void> {
    const tables = (this.global as Record<string, unknown>)[CREATED_TABLES] as string[] | undefined;
    const endpoint = process.env.TEST_DYNAMODB_ENDPOINT;
    if (tables?.length && endpoint) {
      const client = new DynamoDBClient({ endpoint, maxAttempts: 1 });
      // A table on a DynamoDB Local the file started and stopped itself is already gone.
      await Promise.allSettled(tables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
      client.destroy();
    }
    await super.teardown();
  }
}
