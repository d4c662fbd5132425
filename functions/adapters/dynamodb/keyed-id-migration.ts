import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KEYED_ID_COPY } from '../../lead/address-ids';
import {
  isUnkeyedLeadId,
  isUnkeyedSuppressionHash,
  keyedLeadIdFrom,
  keyedSuppressionHashFrom,
} from '../../lead/email-address';
import { leadPartitionItems } from './items';
import { dueShard, keys, LEAD_PREFIX, leadIdFromPk, leadListKeys } from './keys';
import type { Table } from './table';
import { isConditionFailure } from './transactions';

export interface KeyedIdMigrationReport {
  dryRun: boolean;
  /** Lead partitions under an unkeyed id, moved (or, in a dry run, to move) to the keyed id. */
  leads: number;
  /** Their items, the lead item included. */
  items: number;
  /** Suppression entries under an unkeyed hash, rekeyed (erased people's too: no address needed). */
  suppressions: number;
  /** Double opt-in tokens (outside the lead's partition) pointed at the keyed id. */
  optInTokens: number;
  /** Whether the marker that ends the functions' look-ups of unkeyed ids was written. */
  markerWritten: boolean;
}

const SUPPRESSION_PREFIX = 'SUPPRESSION#';

/**
 * The one-off move of a table written before keyed ids. Every partition `LEAD#<unkeyed id>`
 * moves, item by item, to `LEAD#<keyed id>` (with its lead id, list-index and due-index keys
 * rewritten); every `SUPPRESSION#<unkeyed hash>` entry is rekeyed; opt-in tokens are pointed at
 * the new ids; then the marker is written, and from then on the functions compute ids without
 * reading anything (functions/adapters/dynamodb/address-ids.ts). Keyed ids derive from the
 * unkeyed ones, so none of this needs an address: erased people's suppression entries move too,
 * and links carrying old ids resolve by computation.
 *
 * Safe to run on a live table and to run again after a stop (each step is idempotent). A moved
 * enrolment is copied without its due-index keys, the old partition is deleted (lead item
 * first, so no claim or enrolment can be written there meanwhile, then whatever remains,
 * re-read), and only then is the copy put back in the due index: the two are never due at once.
 */
export async function migrateToKeyedIds(
  table: Table,
  key: Buffer,
  options: { dryRun?: boolean } = {},
): Promise<KeyedIdMigrationReport> {
  const dryRun = options.dryRun ?? false;
  const found = await findUnkeyed(table);
  const report: KeyedIdMigrationReport = {
    dryRun,
    leads: found.leadIds.size,
    items: 0,
    suppressions: found.suppressions.length,
    optInTokens: found.optInTokens.length,
    markerWritten: false,
  };
  for (const from of found.leadIds) {
    const to = keyedLeadIdFrom(from, key);
    report.items += dryRun ? (await partition(table, from)).length : await moveLead(table, from, to);
  }
  if (dryRun) return report;
  for (const item of found.suppressions) await rekeySuppression(table, item, key);
  for (const token of found.optInTokens) await repointOptInToken(table, token, key);
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { ...keys.keyedIdsMigration(), type: 'migration', completedAt: new Date().toISOString() },
    }),
  );
  report.markerWritten = true;
  return report;
}

/** Whether the marker is there: the functions then derive every id without a read. */
export async function keyedIdsMigrated(table: Table): Promise<boolean> {
  const result = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.keyedIdsMigration(), ConsistentRead: true }),
  );
  return result.Item !== undefined;
}

async function findUnkeyed(table: Table) {
  const leadIds = new Set<string>();
  const suppressions: Record<string, unknown>[] = [];
  const optInTokens: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (pk.startsWith(LEAD_PREFIX) && isUnkeyedLeadId(leadIdFromPk(pk))) leadIds.add(leadIdFromPk(pk));
      else if (pk.startsWith(SUPPRESSION_PREFIX) && isUnkeyedSuppressionHash(pk.slice(SUPPRESSION_PREFIX.length)))
        suppressions.push(item);
      else if (item.type === 'opt-in-token' && typeof item.leadId === 'string' && isUnkeyedLeadId(item.leadId))
        optInTokens.push(item);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { leadIds, suppressions, optInTokens };
}

/** Copies the partition under the keyed id, deletes the old one, then puts the copies' due-index keys back. */
async function moveLead(table: Table, from: string, to: string): Promise<number> {
  const first = await partition(table, from);
  await putAll(
    table,
    first.map((item) => renamed(item, to)),
  );
  await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: keys.lead(from) }));
  // Anything written to the old partition since the first read (a send finishing) is copied again.
  const rest = await partition(table, from);
  await putAll(
    table,
    rest.map((item) => renamed(item, to)),
  );
  await writeAll(
    table,
    rest.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
  );
  const latest = new Map([...first, ...rest].map((item) => [String(item.sk), item]));
  for (const item of latest.values()) {
    if (item.duePk === undefined || item.dueAt === undefined) continue;
    await table.client
      .send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { pk: keys.lead(to).pk, sk: item.sk },
          UpdateExpression: 'SET duePk = :shard, dueAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(duePk)',
          ExpressionAttributeValues: { ':shard': dueShard(to, table.dueShards), ':at': item.dueAt },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
  return latest.size;
}

/** The item as stored under the keyed id, out of the due index until its old self is gone. */
function renamed(item: Record<string, unknown>, to: string): Record<string, unknown> {
  const { duePk: _duePk, dueAt: _dueAt, ...copy } = item;
  // Marked, so the table's stream does not take the copy for a new lead (outgoing webhooks).
  Object.assign(copy, { pk: keys.lead(to).pk, [KEYED_ID_COPY]: true });
  if (typeof item.leadId === 'string') copy.leadId = to;
  if (item.listPk !== undefined && typeof item.createdAt === 'string')
    Object.assign(copy, leadListKeys(item.createdAt, to));
  return copy;
}

const partition = leadPartitionItems;

/**
 * An unkeyed entry predates every keyed one, so its first reason and time win (a complaint
 * after an unsubscribe does not rewrite history), except over an erasure, which stays.
 */
async function rekeySuppression(table: Table, item: Record<string, unknown>, key: Buffer): Promise<void> {
  const hash = String(item.pk).slice(SUPPRESSION_PREFIX.length);
  const target = keys.suppression(keyedSuppressionHashFrom(hash, key));
  const existing = (
    await table.client.send(new GetCommand({ TableName: table.tableName, Key: target, ConsistentRead: true }))
  ).Item;
  const merged =
    existing?.reason === 'erased'
      ? existing
      : {
          ...existing,
          ...item,
          ...(existing?.lastEvent ? { lastEvent: existing.lastEvent, lastEventAt: existing.lastEventAt } : {}),
        };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...merged, ...target } }));
  await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: item.pk, sk: item.sk } }));
}

async function repointOptInToken(table: Table, token: Record<string, unknown>, key: Buffer): Promise<void> {
  const from = String(token.leadId);
  await table.client
    .send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: token.pk, sk: token.sk },
        UpdateExpression: 'SET leadId = :to',
        ConditionExpression: 'attribute_exists(pk) AND leadId = :from',
        ExpressionAttributeValues: { ':to': keyedLeadIdFrom(from, key), ':from': from },
      }),
    )
    .catch((error) => {
      // Used or expired meanwhile: nothing to point anywhere.
      if (!isConditionFailure(error)) throw error;
    });
}

async function putAll(table: Table, items: Record<string, unknown>[]): Promise<void> {
  await writeAll(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

async function writeAll(table: Table, requests: Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 25) {
    let pending: Record<string, unknown>[] | undefined = requests.slice(start, start + 25);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error('DynamoDB kept writes unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const result: { UnprocessedItems?: Record<string, Record<string, unknown>[]> } = await table.client.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: pending as never } }),
      );
      pending = result.UnprocessedItems?.[table.tableName];
    }
  }
}
