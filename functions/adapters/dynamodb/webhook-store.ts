import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord, WebhookEndpoint, WebhookStore } from '../../webhooks/ports';
import { entity } from './items';
import type { Table } from './table';
import { TTL_ATTRIBUTE } from './table-schema';
import { conditionalWrite, isConditionFailure } from './transactions';

/** Every webhook item's partition starts so: the webhook functions' IAM is limited to it. */
export const WEBHOOK_PARTITION_PREFIX = 'WEBHOOK-';
const ENDPOINTS_PK = `${WEBHOOK_PARTITION_PREFIX}ENDPOINTS`;
/** The delivery log keeps 30 days. */
const LOG_DAYS = 30;

const endpointKey = (endpointId: string) => ({ pk: ENDPOINTS_PK, sk: `ENDPOINT#${endpointId}` });
const deliveryKey = (endpointId: string, eventId: string) => ({
  pk: `${WEBHOOK_PARTITION_PREFIX}DELIVERIES#${endpointId}`,
  sk: `DELIVERY#${eventId}`,
});

/** Endpoints (with their secrets, never listed to the console) and the delivery log, in the one table. */
export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly table: Table) {}

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ENDPOINTS_PK },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => entity<WebhookEndpoint>(item));
  }

  async getEndpoint(endpointId: string): Promise<WebhookEndpoint | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: endpointKey(endpointId), ConsistentRead: true }),
    );
    return result.Item ? entity<WebhookEndpoint>(result.Item) : undefined;
  }

  async putEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...endpointKey(endpoint.endpointId), type: 'webhook-endpoint', ...endpoint },
      }),
    );
  }

  async deleteEndpoint(endpointId: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: endpointKey(endpointId) }));
  }

  private deliveryItem({ type: eventType, ...record }: DeliveryRecord) {
    // `type` is the table's item kind; the event's type is kept as `eventType`.
    return {
      ...deliveryKey(record.endpointId, record.eventId),
      type: 'webhook-delivery',
      eventType,
      ...record,
      [TTL_ATTRIBUTE]: Math.ceil(Date.parse(record.createdAt) / 1000) + LOG_DAYS * 86_400,
    };
  }

  async createDelivery(record: DeliveryRecord): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: this.deliveryItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async updateDelivery(record: DeliveryRecord): Promise<void> {
    await this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: this.deliveryItem(record) }));
  }

  async markQueued(endpointId: string, eventId: string, at: string): Promise<void> {
    await this.table.client
      .send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(endpointId, eventId),
          UpdateExpression: 'SET queuedAt = :at',
          // Never a stub: a record that is gone (its endpoint removed) has nothing to mark.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async getDelivery(endpointId: string, eventId: string): Promise<DeliveryRecord | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: deliveryKey(endpointId, eventId), ConsistentRead: true }),
    );
    return result.Item ? withoutExpiry(result.Item) : undefined;
  }

  async listDeliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': deliveryKey(endpointId, '').pk },
      }),
    );
    return (result.Items ?? [])
      .map(withoutExpiry)
      .sort((a, b) => (b.lastAttemptAt ?? b.createdAt).localeCompare(a.lastAttemptAt ?? a.createdAt))
      .slice(0, limit);
  }
}

function withoutExpiry(item: Record<string, unknown>): DeliveryRecord {
  const { [TTL_ATTRIBUTE]: _expires, eventType, ...rest } = entity<Record<string, unknown>>(item);
  return { ...rest, type: String(eventType) } as unknown as DeliveryRecord;
}
