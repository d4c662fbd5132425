import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SequenceDraft } from '../../admin/contract';
import type {
  EnrolmentIndex,
  PublishedPointer,
  SendSlots,
  SequenceStore,
  StoredDraft,
  StoredReview,
  VersionMeta,
} from '../../admin/ports';
import { HttpClientError } from '../../http/http-errors';
import type { Enrolment } from '../../lead/lead';
import type { CompiledSequence } from '../../render/bundle';
import { dueShard, keys } from './keys';
import { pointerKey, readPointer } from './published-sequences';
import type { DynamoSequenceVersions } from './sequence-versions';
import { versionKey } from './sequence-versions';
import { DUE_INDEX } from './table-schema';
import { cancellationCodes, isConditionFailure } from './transactions';

export interface SequenceTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  dueShards: number;
}

/** A draft item must stay well under DynamoDB's 400 KB item limit, compressed. */
const MAX_DRAFT_BYTES = 300 * 1024;

export class DraftTooLargeError extends HttpClientError {
  override name = 'DraftTooLargeError';
  constructor() {
    super(413, 'payload_too_large', 'The draft is too large to store; shorten the emails');
  }
}

function draftKey(sequenceId: string) {
  return { pk: `SEQUENCE#${sequenceId}`, sk: 'DRAFT' };
}

const pack = (value: unknown) => gzipSync(JSON.stringify(value));
const unpack = <T>(body: unknown): T => JSON.parse(gunzipSync(body as Uint8Array).toString('utf8')) as T;

/** Drafts, the published pointer and the version list of each sequence (partition SEQUENCE#<id>). */
export class DynamoSequenceStore implements SequenceStore {
  constructor(
    private readonly table: SequenceTable,
    private readonly versions: DynamoSequenceVersions,
  ) {}

  async getDraft(sequenceId: string): Promise<StoredDraft | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: draftKey(sequenceId), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      sequenceId,
      draft: unpack<SequenceDraft>(item.body),
      savedAt: String(item.savedAt),
      savedBy: String(item.savedBy),
      contentHash: String(item.contentHash),
      ...(item.review ? { review: item.review as StoredReview } : {}),
    };
  }

  async saveDraft(draft: StoredDraft): Promise<void> {
    const body = pack(draft.draft);
    if (body.byteLength > MAX_DRAFT_BYTES) throw new DraftTooLargeError();
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...draftKey(draft.sequenceId),
          type: 'sequence-draft',
          sequenceId: draft.sequenceId,
          body,
          savedAt: draft.savedAt,
          savedBy: draft.savedBy,
          contentHash: draft.contentHash,
          ...(draft.review ? { review: draft.review } : {}),
        },
      }),
    );
  }

  async recordReview(sequenceId: string, review: StoredReview): Promise<'recorded' | 'changed' | 'no-draft'> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: draftKey(sequenceId),
          UpdateExpression: 'SET review = :review',
          ConditionExpression: 'attribute_exists(pk) AND contentHash = :hash',
          ExpressionAttributeValues: { ':review': review, ':hash': review.contentHash },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getDraft(sequenceId)) ? 'changed' : 'no-draft';
    }
  }

  getPointer(sequenceId: string): Promise<PublishedPointer | undefined> {
    return readPointer(this.table, sequenceId, true);
  }

  async listVersions(sequenceId: string): Promise<VersionMeta[]> {
    const versions: VersionMeta[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ProjectionExpression: '#version, publishedAt, publishedBy, storedAt, review',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':pk': `SEQUENCE#${sequenceId}`, ':prefix': 'VERSION#' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        versions.push({
          version: String(item.version),
          ...(item.publishedAt ? { publishedAt: String(item.publishedAt) } : {}),
          ...(item.publishedBy ? { publishedBy: String(item.publishedBy) } : {}),
          ...(item.storedAt ? { storedAt: String(item.storedAt) } : {}),
          ...(item.review ? { review: item.review as StoredReview } : {}),
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const when = (version: VersionMeta) => version.publishedAt ?? version.storedAt ?? '';
    return versions.sort((a, b) => when(b).localeCompare(when(a)));
  }

  async saveVersion(
    sequence: CompiledSequence,
    meta: { source?: SequenceDraft; publishedAt?: string; publishedBy?: string; review?: StoredReview },
  ): Promise<void> {
    const extra = {
      ...(meta.source ? { source: pack(meta.source) } : {}),
      ...(meta.review ? { review: meta.review } : {}),
      ...(meta.publishedAt ? { publishedAt: meta.publishedAt } : {}),
      ...(meta.publishedBy ? { publishedBy: meta.publishedBy } : {}),
    };
    const saved = await this.versions.save(sequence, extra);
    if (saved === 'saved' || Object.keys(extra).length === 0) return;
    // The same content published again after a new review: the version carries the newer
    // review (versions are named by content, so it is the same item).
    if (meta.review) await this.renewReview(sequence, meta.review);
    const { review: _review, ...once } = extra;
    if (Object.keys(once).length === 0) return;
    // The content never changes; what is missing about it (its source, its first publish) is added once.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(once).map(([name, value], index) => {
      names[`#a${index}`] = name;
      values[`:v${index}`] = value;
      return `#a${index} = if_not_exists(#a${index}, :v${index})`;
    });
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: versionKey(sequence.id, sequence.version),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async renewReview(sequence: CompiledSequence, review: StoredReview): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: versionKey(sequence.id, sequence.version),
          UpdateExpression: 'SET review = :review',
          ConditionExpression: 'attribute_not_exists(review) OR review.validUntil < :until',
          ExpressionAttributeValues: { ':review': review, ':until': review.validUntil },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async versionSource(sequenceId: string, version: string): Promise<SequenceDraft | undefined> {
    const result = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: versionKey(sequenceId, version),
        ProjectionExpression: '#source',
        ExpressionAttributeNames: { '#source': 'source' },
      }),
    );
    return result.Item?.source ? unpack<SequenceDraft>(result.Item.source) : undefined;
  }

  async publish(
    pointer: PublishedPointer,
    expected: { version?: string; draftSavedAt: string },
  ): Promise<'published' | 'conflict'> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.tableName,
                Item: { ...pointerKey(pointer.sequenceId), type: 'sequence-pointer', ...pointer },
                ...(expected.version
                  ? {
                      ConditionExpression: '#version = :previous',
                      ExpressionAttributeNames: { '#version': 'version' },
                      ExpressionAttributeValues: { ':previous': expected.version },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            {
              Delete: {
                TableName: this.table.tableName,
                Key: draftKey(pointer.sequenceId),
                ConditionExpression: 'savedAt = :savedAt',
                ExpressionAttributeValues: { ':savedAt': expected.draftSavedAt },
              },
            },
          ],
        }),
      );
      return 'published';
    } catch (error) {
      if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return 'conflict';
      throw error;
    }
  }
}

/**
 * Active enrolments of a sequence, read from the sparse due index (which holds exactly the
 * active ones), so the cost follows how many leads are mid-sequence, not how many exist.
 */
export class DynamoEnrolmentIndex implements EnrolmentIndex {
  constructor(private readonly table: SequenceTable) {}

  async activeEnrolments(sequenceId: string): Promise<Enrolment[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.table.dueShards }, (_, shard) => this.shardEnrolments(shard, sequenceId)),
    );
    const found = perShard.flat();
    // The index may project only what the dispatcher reads; the rest comes from the table.
    const complete = found.filter((item) => item.sequenceVersion !== undefined && item.timeZone !== undefined);
    const partial = found.filter((item) => item.sequenceVersion === undefined || item.timeZone === undefined);
    const fetched = await this.batchGet(partial.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
    return [...complete, ...fetched]
      .filter((item) => item.status === 'active')
      .map((item) => {
        const { pk: _pk, sk: _sk, type: _type, duePk: _duePk, dueAt: _dueAt, ...rest } = item;
        return rest as unknown as Enrolment;
      });
  }

  /**
   * The versions active enrolments are pinned to, from the index alone: it projects the
   * version. (A table made before it did, such as an old local one, is read item by item.)
   */
  async versionsInUse(sequenceId: string): Promise<string[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.table.dueShards }, (_, shard) =>
        this.shardEnrolments(shard, sequenceId, 'pk, sk, sequenceVersion'),
      ),
    );
    const found = perShard.flat();
    const unversioned = found.filter((item) => item.sequenceVersion === undefined);
    const fetched = await this.batchGet(unversioned.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
    const versioned = [...found.filter((item) => item.sequenceVersion !== undefined), ...fetched];
    return [
      ...new Set(versioned.flatMap((item) => (typeof item.sequenceVersion === 'string' ? [item.sequenceVersion] : []))),
    ];
  }

  private async shardEnrolments(
    shard: number,
    sequenceId: string,
    projection?: string,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: DUE_INDEX.name,
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: '#type = :enrolment AND sequenceId = :sequenceId',
          ExpressionAttributeNames: { '#pk': DUE_INDEX.partitionKey, '#type': 'type' },
          ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':enrolment': 'enrolment', ':sequenceId': sequenceId },
          ...(projection ? { ProjectionExpression: projection } : {}),
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  private async batchGet(keyList: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < keyList.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = keyList.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB kept reads unprocessed');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
        const result: {
          Responses?: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
        } = await this.table.client.send(
          new BatchGetCommand({ RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[this.table.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.table.tableName]?.Keys;
      }
    }
    return items;
  }

  /**
   * Re-pins the enrolment only if it is still on the version and step it was read at, and not
   * leased by a dispatcher (due time equal to the next send): a step in flight is never moved
   * under the sender's feet.
   */
  async moveEnrolment(
    enrolment: Enrolment,
    to: { version: string; stepIndex: number; nextSendAt: string; receivedStepIds: string[] },
    at: string,
  ): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
          UpdateExpression:
            'SET sequenceVersion = :to, stepIndex = :step, nextSendAt = :next, dueAt = :next, duePk = :shard, migratedAt = :at, migratedFrom = :from, receivedStepIds = :received',
          ConditionExpression:
            '#status = :active AND sequenceVersion = :from AND stepIndex = :fromStep AND dueAt = nextSendAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to.version,
            ':received': to.receivedStepIds,
            ':step': to.stepIndex,
            ':next': to.nextSendAt,
            ':shard': dueShard(enrolment.leadId, this.table.dueShards),
            ':at': at,
            ':from': enrolment.sequenceVersion,
            ':fromStep': enrolment.stepIndex,
            ':active': 'active',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

const SCHEDULE_KEY = { pk: 'IMPORT#SCHEDULE', sk: 'SCHEDULE' };

/** The end of the first-email schedule imports have reserved, so imports never overlap their sends. */
export class DynamoSendSlots implements SendSlots {
  constructor(private readonly table: { client: DynamoDBDocumentClient; tableName: string }) {}

  async reservedUntil(): Promise<string | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: SCHEDULE_KEY, ConsistentRead: true }),
    );
    return result.Item?.reservedUntil ? String(result.Item.reservedUntil) : undefined;
  }

  async reserve(previousEnd: string | undefined, newEnd: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: SCHEDULE_KEY,
          UpdateExpression: 'SET #type = :type, reservedUntil = :end',
          ConditionExpression: previousEnd ? 'reservedUntil = :previous' : 'attribute_not_exists(reservedUntil)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':type': 'import-schedule',
            ':end': newEnd,
            ...(previousEnd ? { ':previous': previousEnd } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
