import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PublishedPointer } from '../../admin/ports';
import type { PublishedSequenceRef, SequenceCatalog } from '../../lead/ports';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import type { CompiledSequence, EmailBundle } from '../../render/bundle';
import type { Clock } from '../../shared/clock';
import { BundledSequenceCatalog } from '../bundled-sequence-catalog';

/** The item naming the version new leads start on (written by a console publish). */
export function pointerKey(sequenceId: string) {
  return { pk: `SEQUENCE#${sequenceId}`, sk: 'PUBLISHED' };
}

export async function readPointer(
  table: { client: DynamoDBDocumentClient; tableName: string },
  sequenceId: string,
  consistent = false,
): Promise<PublishedPointer | undefined> {
  const result = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: pointerKey(sequenceId), ConsistentRead: consistent }),
  );
  const item = result.Item;
  if (!item) return undefined;
  return {
    sequenceId,
    version: String(item.version),
    publishedAt: String(item.publishedAt),
    publishedBy: String(item.publishedBy),
    timeZoneFallback: String(item.timeZoneFallback ?? 'practice'),
    ...(item.review ? { review: item.review as PublishedPointer['review'] } : {}),
  };
}

export interface PublishedCatalogOptions {
  table: { client: DynamoDBDocumentClient; tableName: string };
  bundle: EmailBundle;
  /** Where versions are kept, so the sender can load any version a lead is pinned to. */
  versions: { save(sequence: CompiledSequence, meta?: Record<string, unknown>): Promise<unknown> };
  clock: Clock;
  log: Log;
  /** How long a container trusts what it read; a publish reaches new leads within this time. */
  cacheMs?: number;
}

/**
 * The version a new lead starts on: the one staff published in the console, or, before any
 * publish, the version this deploy bundles. The pointer is read at most once a minute per
 * container. The bundled version is stored in the table the first time a lead starts on it, so
 * leads pinned to it can still be sent their steps after a later deploy bundles another.
 */
export class PublishedSequenceCatalog implements SequenceCatalog {
  private readonly cache = new Map<string, { ref: PublishedSequenceRef; until: number }>();
  private readonly stored = new Map<string, Promise<void>>();
  private readonly bundled: BundledSequenceCatalog;

  constructor(private readonly options: PublishedCatalogOptions) {
    this.bundled = new BundledSequenceCatalog(options.bundle);
  }

  async current(sequenceId: string): Promise<PublishedSequenceRef> {
    const now = this.options.clock.now().getTime();
    const cached = this.cache.get(sequenceId);
    if (cached && cached.until > now) return cached.ref;
    let pointer: PublishedPointer | undefined;
    try {
      pointer = await readPointer(this.options.table, sequenceId);
    } catch (error) {
      // A visitor's request must not fail because the pointer cannot be read (a missing
      // permission, a throttle): they start on the bundled version, and the next lead retries.
      this.options.log.error('Published sequence pointer not readable; enrolling on the bundled version', {
        sequenceId,
        ...errorFields(error),
      });
      const fallback = await this.bundled.current(sequenceId);
      await this.storeBundled(sequenceId);
      return fallback;
    }
    let ref: PublishedSequenceRef;
    if (pointer) {
      ref = { sequenceId, version: pointer.version, timeZoneFallback: pointer.timeZoneFallback };
    } else {
      ref = await this.bundled.current(sequenceId);
      await this.storeBundled(sequenceId);
    }
    this.cache.set(sequenceId, { ref, until: now + (this.options.cacheMs ?? 60_000) });
    return ref;
  }

  /** Once per container; a failure is retried by the next lead and never fails a capture. */
  private storeBundled(sequenceId: string): Promise<void> {
    const sequence = this.options.bundle.sequences[sequenceId];
    if (!sequence) return Promise.resolve();
    let pending = this.stored.get(sequenceId);
    if (!pending) {
      pending = this.options.versions
        .save(sequence, { storedAt: this.options.clock.now().toISOString(), bundled: true })
        .then(() => undefined)
        .catch((error: unknown) => {
          this.stored.delete(sequenceId);
          this.options.log.warn('Bundled sequence version not stored; retried with the next lead', {
            sequenceId,
            ...errorFields(error),
          });
        });
      this.stored.set(sequenceId, pending);
    }
    return pending;
  }
}
