import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendSlots } from '../../admin/ports';
import type { Table } from './table';
import { conditionalWrite } from './transactions';

const SCHEDULE_KEY = { pk: 'IMPORT#SCHEDULE', sk: 'SCHEDULE' };

/** The end of the first-email schedule imports have reserved, so imports never overlap their sends. */
export class DynamoSendSlots implements SendSlots {
  constructor(private readonly table: Table) {}

  async reservedUntil(): Promise<string | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: SCHEDULE_KEY, ConsistentRead: true }),
    );
    return result.Item?.reservedUntil ? String(result.Item.reservedUntil) : undefined;
  }

  async reserve(previousEnd: string | undefined, newEnd: string): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
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
      ),
    );
  }
}
