import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import { BundledSequenceCatalog } from '../../sequence/bundled-catalog';
import type { PublishedPointer, PublishedSequenceRef, SequenceCatalog } from '../../sequence/ports';
import type { Clock } from '../../shared/clock';
import type { Table } from './table';

/** The item naming the version new leads start on (written by a console publish). */
export function pointerKey(sequenceId: string) {
  return { pk: `SEQUENCE#${sequenceId}`, sk: 'PUBLISHED' };
}

export async function readPointer(
  table: Table,
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
  table: Table;
  /** The versions this deploy ships (the capture bundle's refs will do). */
  bundle: { sequences: Record<string, { version: string; timeZoneFallback: string }> };
  clock: Clock;
  log: Log;
  /** How long a container trusts what it read; a publish reaches new leads within this time. */
  cacheMs?: number;
}

/**
 * The version a new lead starts on: the one staff published in the console, or, before any
 * publish, the version this deploy bundles. The pointer is read at most once a minute per
 * container. (The dispatcher stores the bundled versions in the table, so leads pinned to one
 * can still be sent their steps after a later deploy bundles another.)
 */
export class PublishedSequenceCatalog implements SequenceCatalog {
  private readonly cache = new Map<string, { ref: PublishedSequenceRef; until: number }>();
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
      return this.bundled.current(sequenceId);
    }
    const ref: PublishedSequenceRef = pointer
      ? { sequenceId, version: pointer.version, timeZoneFallback: pointer.timeZoneFallback }
      : await this.bundled.current(sequenceId);
    this.cache.set(sequenceId, { ref, until: now + (this.options.cacheMs ?? 60_000) });
    return ref;
  }
}
