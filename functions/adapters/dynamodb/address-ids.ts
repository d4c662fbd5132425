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

/**
 * Keyed lead ids and suppression hashes, on a table that may still hold items under the
 * unkeyed ids of a stack deployed before keyed ids, until `npm run migrate-ids` has moved them
 * (functions/adapters/dynamodb/keyed-id-migration.ts) and written its marker.
 *
 * After the migration everything here is computed from the cached key: no read per request
 * (the marker is read once per container, in parallel with the key's first fetch). Before it,
 * an address whose keyed lead does not exist yet is looked up under its unkeyed id too (both
 * reads in parallel), so a returning lead is never split in two; suppression entries are read
 * under both hashes; an unkeyed id from a link finds its lead whether it has moved or not.
 */
export class DynamoAddressIds implements AddressIds {
  private migrated = false;

  constructor(
    private readonly table: Table,
    private readonly key: SigningKeyProvider,
  ) {}

  async leadIdFor(address: string): Promise<string> {
    const normalised = normaliseForIds(address);
    const [key, done] = await Promise.all([this.key(), this.migrationDone()]);
    const keyed = leadIdFor(normalised, key);
    if (done) return keyed;
    const unkeyed = unkeyedLeadIdFor(normalised);
    const [keyedExists, unkeyedExists] = await Promise.all([
      this.exists(keys.lead(keyed)),
      this.exists(keys.lead(unkeyed)),
    ]);
    return !keyedExists && unkeyedExists ? unkeyed : keyed;
  }

  async suppressionHashFor(address: string): Promise<string> {
    return suppressionHashFor(normaliseForIds(address), await this.key());
  }

  async suppressionHashesOf(address: string): Promise<string[]> {
    const [keyed, done] = await Promise.all([this.suppressionHashFor(address), this.migrationDone()]);
    return done ? [keyed] : [keyed, unkeyedSuppressionHashFor(normaliseForIds(address))];
  }

  async currentLeadId(leadId: string): Promise<string> {
    if (!isUnkeyedLeadId(leadId)) return leadId;
    const [key, done] = await Promise.all([this.key(), this.migrationDone()]);
    const keyed = keyedLeadIdFrom(leadId, key);
    // Before the migration the lead may still live under its old id, or be moved already.
    return done || (await this.exists(keys.lead(keyed))) ? keyed : leadId;
  }

  /** Read alongside the key (so a cold start waits for the slower of the two); once seen, never again. */
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
