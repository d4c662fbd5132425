import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type CompiledSequence, compiledSequenceSchema } from '../../sequence/compiled';
import type { SequenceVersions, StoredReview } from '../../sequence/ports';
import type { Table } from './table';
import { isConditionFailure } from './transactions';

/**
 * Immutable sequence versions. The compiled HTML is gzipped, so a whole version fits in one
 * item far below DynamoDB's 400 KB limit. Versions never change, so they are cached forever.
 */
export class DynamoSequenceVersions implements SequenceVersions {
  private readonly cache = new Map<string, CompiledSequence>();

  constructor(
    private readonly table: Table,
    /** Versions shipped in the function bundle: no read needed for them. */
    bundled: Iterable<CompiledSequence> = [],
  ) {
    for (const sequence of bundled) this.cache.set(`${sequence.id}@${sequence.version}`, sequence);
  }

  async get(sequenceId: string, version: string): Promise<CompiledSequence | undefined> {
    const cacheKey = `${sequenceId}@${version}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: versionKey(sequenceId, version) }),
    );
    if (!result.Item) return undefined;
    const sequence = compiledSequenceSchema.parse(
      JSON.parse(gunzipSync(result.Item.body as Uint8Array).toString('utf8')),
    );
    this.cache.set(cacheKey, sequence);
    return sequence;
  }

  /** Stores a version once; storing the same version again is a no-op, never an overwrite. */
  async save(sequence: CompiledSequence, meta: Record<string, unknown> = {}): Promise<'saved' | 'exists'> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...versionKey(sequence.id, sequence.version),
            type: 'sequence-version',
            sequenceId: sequence.id,
            version: sequence.version,
            name: sequence.name,
            stepCount: sequence.steps.length,
            body: gzipSync(JSON.stringify(sequence)),
            ...meta,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      this.cache.set(`${sequence.id}@${sequence.version}`, sequence);
      return 'saved';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }
}

export function versionKey(sequenceId: string, version: string) {
  return { pk: `SEQUENCE#${sequenceId}`, sk: `VERSION#${version}` };
}

/** The clinical review a version was published with, without reading its content. */
export async function readVersionReview(
  table: Table,
  sequenceId: string,
  version: string,
): Promise<StoredReview | undefined> {
  const result = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: versionKey(sequenceId, version),
      ProjectionExpression: 'review',
      ConsistentRead: true,
    }),
  );
  return result.Item?.review as StoredReview | undefined;
}

/**
 * Stores the versions a deploy bundles, once per container (the dispatcher runs every minute):
 * leads pinned to them can still be sent their steps after a later deploy bundles others.
 */
export async function storeBundledVersions(
  versions: Pick<DynamoSequenceVersions, 'save'>,
  sequences: Iterable<CompiledSequence>,
  at: string,
): Promise<void> {
  for (const sequence of sequences) await versions.save(sequence, { storedAt: at, bundled: true });
}
