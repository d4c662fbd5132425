import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';
import type { Table } from './table';

/** Strips the table's own attributes (keys, index attributes, search text) so the domain sees only its types. */
export function entity<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    duePk: _duePk,
    dueAt: _dueAt,
    listPk: _listPk,
    listSk: _listSk,
    searchText: _searchText,
    ...rest
  } = item;
  return rest as T;
}

/** A strongly consistent read of one item, as its domain type. */
export async function getEntity<T>(table: Table, key: { pk: string; sk: string }): Promise<T | undefined> {
  const result = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return result.Item ? entity<T>(result.Item) : undefined;
}

/** Every item a query finds, page by page. */
export async function queryAll(
  table: Table,
  query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(new QueryCommand({ ...query, TableName: table.tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Every item of a lead's partition, read strongly consistent. */
export function leadPartitionItems(table: Table, leadId: string): Promise<Record<string, unknown>[]> {
  return queryAll(table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk },
    ConsistentRead: true,
  });
}
