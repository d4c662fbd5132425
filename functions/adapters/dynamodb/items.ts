import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
