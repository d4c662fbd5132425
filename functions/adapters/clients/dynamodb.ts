import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../dynamodb/table';
import { endpointOption, oncePerContainer } from './container';

export function documentClient(options: { endpoint?: string } = {}): DynamoDBDocumentClient {
  return oncePerContainer('dynamodb', options.endpoint, () =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ ...endpointOption(options.endpoint), maxAttempts: 4 }), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  );
}

/** The table every DynamoDB adapter works on, from the parsed environment. */
export function dynamoTable(env: { TABLE_NAME: string; DUE_SHARDS: number; DYNAMODB_ENDPOINT?: string }): Table {
  return {
    client: documentClient({ endpoint: env.DYNAMODB_ENDPOINT }),
    tableName: env.TABLE_NAME,
    dueShards: env.DUE_SHARDS,
  };
}
