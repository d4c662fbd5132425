import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressIds } from '../../lead/address-ids';
import {
  isUnkeyedLeadId,
  keyedLeadIdFrom,
  leadIdFor,
  normaliseForIds,
  suppressionHashFor,
  unkeyedLeadIdFor,
  unkeyedSuppressionHashFor,
} from '../../lead/email-address';
import type { SigningKeyProvider } from '../../shared/signing-key';
import { keys } from './keys';
import type { Table } from './table';

/** How often a container looks for the migration's marker again while it has not seen it. */
const MARKER_RECHECK_MS = 60_000;

/**
 * Keyed lead ids and suppression hashes, on a table that may still hold items under the
 * unkeyed ids of a stack deployed before keyed ids, until `npm run migrate-ids` has moved them
 * (functions/adapters/dynamodb/keyed-id-migration.ts) and written its marker.
 *
 * After the migration everything here is computed from the cached key: no read per request
 * (the marker is read once per container, in parallel with the key's first fetch). Before it,
 * an address whose keyed lead does not exist yet is looked up under its unkeyed id too,
 * suppression entries are read under both hashes, and an unkeyed id from a link finds its lead
 * whether it has moved or not; those reads run in parallel with the marker's (one round trip),
 * so a returning lead is never split in two.
 */
export class DynamoAddressIds implements AddressIds {
  private migrated = false;
  private markerCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly table: Table,
    private readonly key: SigningKeyProvider,
  ) {}

  async leadIdFor(address: string): Promise<string> {
    const normalised = normaliseForIds(address);
    const marker = this.markerRead();
    const keyed = leadIdFor(normalised, await this.key());
    if (this.migrated) return keyed;
    // Right with or without the marker (once migrated, no lead is left under an unkeyed id):
    // the marker only ends these reads.
    const unkeyed = unkeyedLeadIdFor(normalised);
    const [, keyedExists, unkeyedExists] = await Promise.all([
      marker,
      this.exists(keys.lead(keyed)),
      this.exists(keys.lead(unkeyed)),
    ]);
    return !keyedExists && unkeyedExists ? unkeyed : keyed;
  }

  async suppressionHashFor(address: string): Promise<string> {
    return suppressionHashFor(normaliseForIds(address), await this.key());
  }

  async suppressionHashesOf(address: string): Promise<string[]> {
    // Not awaited: the entries are read under both hashes meanwhile (once migrated, no entry is
    // left under an unkeyed one), so the marker adds no round trip.
    void this.markerRead();
    const keyed = await this.suppressionHashFor(address);
    return this.migrated ? [keyed] : [keyed, unkeyedSuppressionHashFor(normaliseForIds(address))];
  }

  async currentLeadId(leadId: string): Promise<string> {
    if (!isUnkeyedLeadId(leadId)) return leadId;
    const marker = this.markerRead();
    const keyed = keyedLeadIdFrom(leadId, await this.key());
    if (this.migrated) return keyed;
    // Before the migration the lead may still live under its old id, or be moved already.
    const [done, moved] = await Promise.all([marker, this.exists(keys.lead(keyed))]);
    return done || moved ? keyed : leadId;
  }

  /**
   * Until the marker has been seen, a read of it (in parallel with the key's first fetch and the
   * other reads), at most once a minute: the reads it would save are right either way.
   */
  private markerRead(): Promise<boolean> {
    if (this.migrated) return Promise.resolve(true);
    if (Date.now() - this.markerCheckedAt < MARKER_RECHECK_MS) return Promise.resolve(false);
    this.markerCheckedAt = Date.now();
    return this.migrationDone().catch(() => {
      this.markerCheckedAt = Number.NEGATIVE_INFINITY;
      return false;
    });
  }

  private async migrationDone(): Promise<boolean> {
    this.migrated ||= await this.exists(keys.keyedIdsMigration());
    return this.migrated;
  }

  private async exists(key: { pk: string; sk: string }): Promise<boolean> {
    const result = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return result.Item !== undefined;
  }
}
