import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The one table, as every DynamoDB adapter gets it: the container's client, its name and the due-index shards. */
export interface Table {
  client: DynamoDBDocumentClient;
  tableName: string;
  dueShards: number;
}
