import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decide, type RateDecision, type RateLimiter, type RateWindow, windowKey } from '../../abuse/rate-limit';
import type { SigningKeyProvider } from '../../shared/signing-key';
import type { Table } from './table';
import { TTL_ATTRIBUTE } from './table-schema';

/**
 * One atomic ADD per request; DynamoDB's TTL removes old windows (within about two days). Who is
 * counted is hashed with the identity key, as lead ids are.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly table: Table,
    private readonly subjectKey: SigningKeyProvider,
  ) {}

  async hit(window: RateWindow, now: Date): Promise<RateDecision> {
    const { key, windowEnds } = windowKey(window, now, await this.subjectKey());
    const result = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: `RATE#${key}`, sk: 'RATE' },
        UpdateExpression: 'ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':ttl': Math.ceil(windowEnds.getTime() / 1000) + 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return decide(Number(result.Attributes?.hits ?? 1), window, windowEnds, now);
  }
}
