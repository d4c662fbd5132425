import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList, SuppressionReason } from '../../drip/ports';
import { checkEmailAddress, suppressionHashFor } from '../../lead/email-address';
import { keys } from './keys';
import type { Table } from './table';
import { isConditionFailure } from './transactions';

/**
 * Suppressed addresses, keyed by a hash of the normalised address: the list outlives an
 * erasure without keeping the address itself.
 */
export class DynamoSuppressionList implements SuppressionList {
  constructor(private readonly table: Table) {}

  private key(address: string) {
    const check = checkEmailAddress(address);
    return keys.suppression(suppressionHashFor(check.ok ? check.normalised : address.trim().toLowerCase()));
  }

  async reasonFor(address: string): Promise<SuppressionReason | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: this.key(address), ConsistentRead: true }),
    );
    return result.Item?.reason as SuppressionReason | undefined;
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
          Key: this.key(address),
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
