import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GLOBAL_INDEXES,
  TABLE_KEYS,
  TABLE_STREAM_VIEW,
  TTL_ATTRIBUTE,
} from '../functions/adapters/dynamodb/table-schema';

const TABLE_STREAM = { StreamEnabled: true, StreamViewType: TABLE_STREAM_VIEW };

/**
 * Creates the table the way the CDK stack does (same keys, indexes, TTL and stream) if it is
 * missing; a table kept in `.data/` from before the stream existed gets its stream turned on.
 * `stream: false` is for `npm run bench` only, which reads no stream: DynamoDB Local looks up
 * the stream's description on every request, at a cost that grows with the records the stream
 * holds (24 hours of them), so a bench writing 100,000 items slowed to a crawl. DynamoDB does not.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<'created' | 'exists'> {
  const stream = options.stream ?? true;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (stream && !Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: TABLE_STREAM }));
    }
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of GLOBAL_INDEXES) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream ? { StreamSpecification: TABLE_STREAM } : {}),
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          'projectedAttributes' in index
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] }
            : { ProjectionType: 'ALL' },
      })),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
  return 'created';
}
