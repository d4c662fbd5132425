import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaptureEmailResult, CaptureEmailStore } from '../../drip/ports';
import type { CaptureEmailIntent, Submission } from '../../lead/lead';
import { getEntity } from './items';
import { dueShard, keys } from './keys';
import type { Table } from './table';
import { conditionalWrite, isConditionFailure } from './transactions';

export class DynamoCaptureEmailStore implements CaptureEmailStore {
  constructor(private readonly table: Table) {}

  getCaptureEmail(leadId: string, submissionId: string, kind: string) {
    return getEntity<CaptureEmailIntent>(this.table, keys.captureEmail(leadId, submissionId, kind));
  }

  getSubmission(leadId: string, submissionId: string) {
    return getEntity<Submission>(this.table, keys.submission(leadId, submissionId));
  }

  async claimCaptureEmail(intent: CaptureEmailIntent, at: string, claimId: string): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.captureEmail(intent.leadId, intent.submissionId, intent.kind),
          UpdateExpression: 'SET #status = :sending, claimedAt = :at, claimId = :claimId',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':pending': 'pending', ':at': at, ':claimId': claimId },
        }),
      ),
    );
  }

  /**
   * Only on the claimed item: an erasure deletes it, and an update must not bring it back (a
   * DynamoDB update creates a missing item); a worker that lost its claim records nothing.
   */
  async finishCaptureEmail(intent: CaptureEmailIntent, result: CaptureEmailResult): Promise<void> {
    const key = keys.captureEmail(intent.leadId, intent.submissionId, intent.kind);
    const names = { '#status': 'status' };
    const claimed = { ConditionExpression: 'attribute_exists(pk) AND #status = :sending' };
    const update =
      result.status === 'pending'
        ? this.pendingAgain(result, intent)
        : {
            UpdateExpression: `SET #status = :status, finishedAt = :now${result.messageId ? ', messageId = :messageId, sentAt = :now' : ''}${
              result.reason ? ', lastError = :reason' : ''
            } ADD attempts :one REMOVE duePk, dueAt`,
            ExpressionAttributeValues: {
              ':status': result.status,
              ':now': result.at,
              ':one': 1,
              ...(result.messageId ? { ':messageId': result.messageId } : {}),
              ...(result.reason ? { ':reason': result.reason } : {}),
            },
          };
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key,
          ...claimed,
          UpdateExpression: update.UpdateExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private pendingAgain(result: Omit<CaptureEmailResult, 'status'>, intent: CaptureEmailIntent) {
    const countAttempt = result.countAttempt ?? true;
    return {
      UpdateExpression: `SET #status = :pending, dueAt = :retryAt, duePk = :shard, retryAt = :retryAt, lastError = :reason${countAttempt ? ' ADD attempts :one' : ''}`,
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':retryAt': result.retryAt,
        ':shard': dueShard(intent.leadId, this.table.dueShards),
        ':reason': result.reason ?? 'retry',
        ...(countAttempt ? { ':one': 1 } : {}),
      },
    };
  }
}
