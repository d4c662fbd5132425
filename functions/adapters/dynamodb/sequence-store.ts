import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CompiledSequence } from '../../sequence/compiled';
import type { SequenceDraft } from '../../sequence/draft';
import { DraftTooLargeError } from '../../sequence/errors';
import type { PublishedPointer, SequenceStore, StoredDraft, StoredReview, VersionMeta } from '../../sequence/ports';
import { queryAll } from './items';
import { pointerKey, readPointer } from './published-sequences';
import type { DynamoSequenceVersions } from './sequence-versions';
import { versionKey } from './sequence-versions';
import type { Table } from './table';
import { cancellationCodes, isConditionFailure } from './transactions';

/** A draft item must stay well under DynamoDB's 400 KB item limit, compressed. */
const MAX_DRAFT_BYTES = 300 * 1024;

function draftKey(sequenceId: string) {
  return { pk: `SEQUENCE#${sequenceId}`, sk: 'DRAFT' };
}

const pack = (value: unknown) => gzipSync(JSON.stringify(value));
const unpack = <T>(body: unknown): T => JSON.parse(gunzipSync(body as Uint8Array).toString('utf8')) as T;

/** Drafts, the published pointer and the version list of each sequence (partition SEQUENCE#<id>). */
export class DynamoSequenceStore implements SequenceStore {
  constructor(
    private readonly table: Table,
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
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: '#version, publishedAt, publishedBy, storedAt, review',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':pk': `SEQUENCE#${sequenceId}`, ':prefix': 'VERSION#' },
    });
    const versions: VersionMeta[] = items.map((item) => ({
      version: String(item.version),
      ...(item.publishedAt ? { publishedAt: String(item.publishedAt) } : {}),
      ...(item.publishedBy ? { publishedBy: String(item.publishedBy) } : {}),
      ...(item.storedAt ? { storedAt: String(item.storedAt) } : {}),
      ...(item.review ? { review: item.review as StoredReview } : {}),
    }));
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
