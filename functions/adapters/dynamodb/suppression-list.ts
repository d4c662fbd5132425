import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList, SuppressionReason } from '../../drip/ports';
import type { AddressIds } from '../../lead/address-ids';
import { keys } from './keys';
import type { Table } from './table';
import { isConditionFailure } from './transactions';

/**
 * Suppressed addresses, keyed by a keyed hash of the normalised address (see AddressIds): the
 * list outlives an erasure without keeping the address, and nobody without the key can tell
 * whether a guessed address is on it. Until the migration to keyed ids has run, an entry may
 * still sit under the address's unkeyed hash: both are read then (in parallel).
 */
export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly table: Table,
    private readonly ids: Pick<AddressIds, 'suppressionHashFor' | 'suppressionHashesOf'>,
  ) {}

  async reasonFor(address: string): Promise<SuppressionReason | undefined> {
    const hashes = await this.ids.suppressionHashesOf(address);
    const items = await Promise.all(
      hashes.map(async (hash) => {
        const result = await this.table.client.send(
          new GetCommand({ TableName: this.table.tableName, Key: keys.suppression(hash), ConsistentRead: true }),
        );
        return result.Item;
      }),
    );
    return items.find((item) => item !== undefined)?.reason as SuppressionReason | undefined;
  }

  /**
   * The first reason is kept: a complaint after an unsubscribe does not rewrite history. An
   * erased person's entry holds the reason and nothing else, whatever arrives later.
   */
  async suppress(address: string, reason: SuppressionReason, at: string): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.suppression(await this.ids.suppressionHashFor(address)),
          UpdateExpression:
            'SET #type = :type, reason = if_not_exists(reason, :reason), suppressedAt = if_not_exists(suppressedAt, :at), lastEvent = :reason, lastEventAt = :at',
          ConditionExpression: 'attribute_not_exists(reason) OR reason <> :erased',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'suppression', ':reason': reason, ':at': at, ':erased': 'erased' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
