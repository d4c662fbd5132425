import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type {
  ImportWrite,
  LeadDirectory,
  LeadListRequest,
  LeadListResult,
  LeadListRow,
  SuppressionState,
} from '../../admin/ports';
import type { SuppressionReason } from '../../drip/ports';
import type { AddressIds } from '../../lead/address-ids';
import type { Enrolment, Lead } from '../../lead/lead';
import { InvalidCursorError } from '../../shared/errors';
import { entity, leadPartitionItems } from './items';
import { keys, leadListKeys } from './keys';
import { newestMonthWithLeads } from './lead-list-months';
import { enrolmentItem, leadSearchText } from './lead-repository';
import type { Table } from './table';
import { LIST_INDEX } from './table-schema';
import { cancellationCodes, isConditionFailure } from './transactions';

/** Items one list request examines at most; the console follows the cursor for the rest. */
const MAX_SCANNED_PER_REQUEST = 2000;
const QUERY_PAGE = 200;
/** Without a `from` date, this many empty months in a row mean there is nothing older. */
const EMPTY_MONTHS_TO_STOP = 24;
/** Month partitions one request reads at most (a sparse search over years continues by cursor). */
const MAX_MONTHS_PER_REQUEST = 36;
const EARLIEST_MONTH = '2000-01';

const cursorSchema = z.strictObject({
  v: z.literal(1),
  /** The month partition being read. */
  m: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  /** Where to resume inside it. */
  k: z.strictObject({ pk: z.string(), sk: z.string(), listPk: z.string(), listSk: z.string() }).optional(),
  /** Empty months seen in a row so far. */
  e: z.number().int().min(0).max(1000),
});
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const cursor = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (cursor.k && cursor.k.listPk !== `LEADS#${cursor.m}`) throw new Error('cursor key outside its month');
    return cursor;
  } catch {
    throw new InvalidCursorError();
  }
}

function previousMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return monthNumber === 1 ? `${year - 1}-12` : `${year}-${String(monthNumber - 1).padStart(2, '0')}`;
}

/** What the console reads and changes about leads, beyond what the capture path and the drip engine do. */
export class DynamoLeadDirectory implements LeadDirectory {
  constructor(
    private readonly table: Table,
    private readonly ids: Pick<AddressIds, 'suppressionHashFor' | 'suppressionHashesOf'>,
  ) {}

  /**
   * The suppression entries of these addresses, by address: under the keyed hash, or (before
   * the migration to keyed ids) the unkeyed one, the keyed one winning when both exist.
   */
  private async suppressionItemsOf(addresses: string[], projection: string) {
    const byPk = new Map<string, { address: string; rank: number }>();
    const unique = [...new Set(addresses)];
    const hashes = await Promise.all(unique.map((address) => this.ids.suppressionHashesOf(address)));
    unique.forEach((address, index) => {
      hashes[index]!.forEach((hash, rank) => {
        byPk.set(keys.suppression(hash).pk, { address, rank });
      });
    });
    const items = await this.batchGet(
      [...byPk.keys()].map((pk) => ({ pk, sk: 'SUPPRESSION' })),
      projection,
    );
    const found = new Map<string, { item: Record<string, unknown>; rank: number }>();
    for (const item of items) {
      const { address, rank } = byPk.get(String(item.pk))!;
      const seen = found.get(address);
      if (!seen || rank < seen.rank) found.set(address, { item, rank });
    }
    return new Map([...found].map(([address, { item }]) => [address, item]));
  }

  /**
   * Newest first, one month partition of the list index at a time, with filter expressions for
   * the search and the filters the lead item carries; the status filter (which needs the
   * enrolment and the suppression) is applied after. Each request examines a bounded number of
   * items and returns a cursor naming the month and the last item it took.
   */
  async listLeads(request: LeadListRequest): Promise<LeadListResult> {
    const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
    const floor = request.from && request.from.slice(0, 7) > EARLIEST_MONTH ? request.from.slice(0, 7) : EARLIEST_MONTH;
    const toMonth = request.to?.slice(0, 7);
    if (cursor && toMonth && cursor.m > toMonth) throw new InvalidCursorError();
    let month = cursor?.m ?? (await this.topMonth(request.now.toISOString().slice(0, 7), toMonth));
    let startKey: Record<string, unknown> | undefined = cursor?.k;
    let emptyRun = cursor?.e ?? 0;
    const rows: LeadListRow[] = [];
    let scanned = 0;
    let monthsRead = 0;
    const filter = filterExpression(request);

    while (month >= floor && (request.from || emptyRun < EMPTY_MONTHS_TO_STOP)) {
      monthsRead++;
      let monthHadItems = startKey !== undefined;
      for (;;) {
        const page = await this.table.client.send(
          new QueryCommand({
            TableName: this.table.tableName,
            IndexName: LIST_INDEX.name,
            KeyConditionExpression: '#listPk = :month AND #listSk BETWEEN :low AND :high',
            ...(filter.expression ? { FilterExpression: filter.expression } : {}),
            ExpressionAttributeNames: {
              '#listPk': LIST_INDEX.partitionKey,
              '#listSk': LIST_INDEX.sortKey,
              ...filter.names,
            },
            ExpressionAttributeValues: {
              ':month': `LEADS#${month}`,
              ':low': request.from && request.from > month ? request.from : month,
              ':high': request.to && request.to < `${month}~` ? `${request.to}~` : `${month}~`,
              ...filter.values,
            },
            ScanIndexForward: false,
            Limit: QUERY_PAGE,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        scanned += page.ScannedCount ?? 0;
        if ((page.ScannedCount ?? 0) > 0) monthHadItems = true;
        const items = page.Items ?? [];
        const [enrolments, suppressions] = await Promise.all([
          this.enrolmentsOf(
            items.map((item) => String(item.leadId)),
            request.sequenceId,
          ),
          this.suppressionsOf(items.map((item) => String(item.email))),
        ]);
        for (const item of items) {
          const row: LeadListRow = { lead: entity<Lead>(item) };
          const enrolment = enrolments.get(String(item.leadId));
          if (enrolment) row.enrolment = enrolment;
          const suppression = suppressions.get(String(item.email));
          if (suppression) row.suppression = suppression;
          if (request.keep && !request.keep(row)) continue;
          rows.push(row);
          if (rows.length >= request.limit) {
            const k = { pk: item.pk, sk: item.sk, listPk: item.listPk, listSk: item.listSk } as Cursor['k'];
            return { rows, scanned, nextCursor: encodeCursor({ v: 1, m: month, k, e: 0 }) };
          }
        }
        startKey = page.LastEvaluatedKey;
        if (!startKey) break;
        if (scanned >= MAX_SCANNED_PER_REQUEST) {
          return { rows, scanned, nextCursor: encodeCursor({ v: 1, m: month, k: startKey as Cursor['k'], e: 0 }) };
        }
      }
      emptyRun = monthHadItems ? 0 : emptyRun + 1;
      month = previousMonth(month);
      startKey = undefined;
      const more = month >= floor && (request.from || emptyRun < EMPTY_MONTHS_TO_STOP);
      if (more && (scanned >= MAX_SCANNED_PER_REQUEST || monthsRead >= MAX_MONTHS_PER_REQUEST)) {
        return { rows, scanned, nextCursor: encodeCursor({ v: 1, m: month, e: emptyRun }) };
      }
    }
    return { rows, scanned };
  }

  /**
   * Where a list without a cursor starts: the month of `to` when that is not after this month;
   * otherwise the newest month holding a lead, which can be after this month when leads came
   * in while the local clock was moved forward.
   */
  private async topMonth(thisMonth: string, toMonth: string | undefined): Promise<string> {
    if (toMonth && toMonth <= thisMonth) return toMonth;
    return newestMonthWithLeads(this.table, thisMonth, toMonth);
  }

  /** The suppression entries of these addresses, by address. */
  private async suppressionsOf(addresses: string[]): Promise<Map<string, SuppressionState>> {
    const items = await this.suppressionItemsOf(addresses, 'pk, reason, suppressedAt, lastEvent, lastEventAt');
    return new Map([...items].map(([address, item]) => [address, suppressionState(item)]));
  }

  private async enrolmentsOf(leadIds: string[], sequenceId: string): Promise<Map<string, Enrolment>> {
    const found = new Map<string, Enrolment>();
    const items = await this.batchGet([...new Set(leadIds)].map((leadId) => keys.enrolment(leadId, sequenceId)));
    for (const item of items) found.set(String(item.leadId), entity<Enrolment>(item));
    return found;
  }

  /** BatchGetItem in chunks of 100, retrying what DynamoDB hands back unprocessed. */
  private async batchGet(
    keyList: { pk: string; sk: string }[],
    projection?: string,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < keyList.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = keyList.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await pause(attempt);
        const result = await this.table.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table.tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ...(projection ? { ProjectionExpression: projection } : {}),
              },
            },
          }),
        );
        items.push(...(result.Responses?.[this.table.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.table.tableName]?.Keys as Record<string, unknown>[] | undefined;
        if (attempt > 8 && pending?.length) throw new Error('DynamoDB kept reads unprocessed');
      }
    }
    return items;
  }

  async leadItems(leadId: string): Promise<Record<string, unknown>[]> {
    return leadPartitionItems(this.table, leadId);
  }

  async deleteLeadProfile(leadId: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: keys.lead(leadId) }));
  }

  async deleteLeadPartition(leadId: string): Promise<number> {
    const items = await this.leadItems(leadId);
    await this.deleteKeys(items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
    return items.length;
  }

  /**
   * Opt-in tokens are keyed by their hash, so finding a person's takes a scan of the table for
   * that kind of item; the caller runs it only when a token can still be unexpired.
   */
  async deleteOptInTokens(leadId: string): Promise<number> {
    const segments = 4;
    const found = await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        const keyList: { pk: string; sk: string }[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await this.table.client.send(
            new ScanCommand({
              TableName: this.table.tableName,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: '#type = :type AND leadId = :leadId',
              ProjectionExpression: 'pk, sk',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':type': 'opt-in-token', ':leadId': leadId },
              ExclusiveStartKey,
            }),
          );
          keyList.push(...((page.Items ?? []) as { pk: string; sk: string }[]));
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return keyList;
      }),
    );
    const keyList = found.flat();
    await this.deleteKeys(keyList);
    return keyList.length;
  }

  private async deleteKeys(keyList: { pk: string; sk: string }[]): Promise<void> {
    for (let start = 0; start < keyList.length; start += 25) {
      let pending: unknown[] | undefined = keyList
        .slice(start, start + 25)
        .map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await pause(attempt);
        const result: { UnprocessedItems?: Record<string, unknown[]> } = await this.table.client.send(
          new BatchWriteCommand({ RequestItems: { [this.table.tableName]: pending as never } }),
        );
        pending = result.UnprocessedItems?.[this.table.tableName];
        if (attempt > 8 && pending?.length) throw new Error('DynamoDB kept deletes unprocessed');
      }
    }
  }

  async stopEnrolment(leadId: string, sequenceId: string, at: string): Promise<'stopped' | 'not-active' | 'none'> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.enrolment(leadId, sequenceId),
          UpdateExpression:
            'SET #status = :exited, exitReason = :reason, exitedAt = :at REMOVE duePk, dueAt, nextSendAt',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:active, :pending, :replied)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':exited': 'exited',
            ':reason': 'stopped',
            ':at': at,
            ':active': 'active',
            ':pending': 'pending',
            // Paused by a reply: an unsubscribe, bounce, complaint, booking or staff still ends it.
            ':replied': 'replied',
          },
        }),
      );
      return 'stopped';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: keys.enrolment(leadId, sequenceId),
        ConsistentRead: true,
      }),
    );
    return existing.Item ? 'not-active' : 'none';
  }

  async existingLeads(leadIds: string[]): Promise<Set<string>> {
    const items = await this.batchGet(
      [...new Set(leadIds)].map((leadId) => keys.lead(leadId)),
      'pk',
    );
    return new Set(items.map((item) => String(item.pk).slice('LEAD#'.length)));
  }

  /** Under the keyed hash; an entry under the unkeyed one (before the migration to keyed ids) goes. */
  async suppressErased(address: string, at: string): Promise<void> {
    const [keyed, ...unkeyed] = await this.ids.suppressionHashesOf(address);
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.suppression(keyed!), type: 'suppression', reason: 'erased', suppressedAt: at },
      }),
    );
    await this.deleteKeys(unkeyed.map((hash) => keys.suppression(hash)));
  }

  async suppressionOf(address: string): Promise<SuppressionState | undefined> {
    const item = (await this.suppressionItemsOf([address], 'pk, reason, suppressedAt, lastEvent, lastEventAt')).get(
      address,
    );
    return item ? suppressionState(item) : undefined;
  }

  async suppressedAddresses(addresses: string[]): Promise<Map<string, SuppressionReason>> {
    const items = await this.suppressionItemsOf(addresses, 'pk, reason');
    return new Map([...items].map(([address, item]) => [address, item.reason as SuppressionReason]));
  }

  /** The lead, its import record, consent and enrolment in one transaction; never over an existing lead. */
  async importLead(write: ImportWrite): Promise<'created' | 'exists'> {
    const { lead, submission, consent, enrolment } = write;
    const put = (Item: Record<string, unknown>, onlyIfNew = false) => ({
      Put: {
        TableName: this.table.tableName,
        Item,
        ...(onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      },
    });
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            put(
              {
                ...keys.lead(lead.leadId),
                type: 'lead',
                ...lead,
                searchText: leadSearchText(lead),
                ...leadListKeys(lead.createdAt, lead.leadId),
              },
              true,
            ),
            put({ ...keys.submission(lead.leadId, submission.submissionId), type: 'submission', ...submission }),
            put({ ...keys.consent(lead.leadId, consent.submissionId), type: 'consent', ...consent }),
            put(enrolmentItem(enrolment, this.table.dueShards), true),
          ],
        }),
      );
      return 'created';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return 'exists';
      throw error;
    }
  }
}

function suppressionState(item: Record<string, unknown>): SuppressionState {
  return {
    reason: item.reason as SuppressionReason,
    ...(item.suppressedAt ? { suppressedAt: String(item.suppressedAt) } : {}),
    ...(item.lastEvent ? { lastEvent: item.lastEvent as SuppressionReason } : {}),
    ...(item.lastEventAt ? { lastEventAt: String(item.lastEventAt) } : {}),
  };
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt) * Math.random()));
}

/** The filters the lead item itself can answer, as one DynamoDB filter expression. */
function filterExpression(request: LeadListRequest) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (request.q) {
    Object.assign(names, { '#st': 'searchText', '#fn': 'firstName', '#ln': 'lastName', '#em': 'email' });
    values[':q'] = request.q;
    values[':qCap'] = request.q.charAt(0).toUpperCase() + request.q.slice(1);
    // Leads stored before searchText existed: their fields as typed, lower-case or capitalised.
    parts.push(
      '(contains(#st, :q) OR (attribute_not_exists(#st) AND (contains(#em, :q) OR contains(#fn, :q) OR contains(#fn, :qCap) OR contains(#ln, :q) OR contains(#ln, :qCap))))',
    );
  }
  if (request.interest) {
    names['#interests'] = 'interests';
    values[':interest'] = request.interest;
    parts.push('contains(#interests, :interest)');
  }
  if (request.source) {
    Object.assign(names, { '#ft': 'firstTouch', '#us': 'utmSource' });
    if (request.source === 'direct') {
      parts.push('attribute_not_exists(#ft.#us)');
    } else {
      values[':source'] = request.source;
      parts.push('#ft.#us = :source');
    }
  }
  return { ...(parts.length > 0 ? { expression: parts.join(' AND ') } : {}), names, values };
}
