import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Enrolment, Lead } from '../../lead/lead';
import type { RecordReplyResult, ReplyStore, SentMessageIndex, StoredReply } from '../../reply/ports';
import { entity, queryAll } from './items';
import { keys } from './keys';
import type { Table } from './table';
import { TTL_ATTRIBUTE } from './table-schema';
import { cancellationCodes, conditionalWrite } from './transactions';

/** A reply is kept in the lead's partition (so an erasure takes it), ordered by when it came. */
export function replyKey(leadId: string, receivedAt: string, replyId: string) {
  return { pk: keys.lead(leadId).pk, sk: `REPLY#${receivedAt}#${replyId}` };
}

/** The In-Reply-To lookup: SES message id → lead id (opaque), gone after `SENT_MESSAGE_DAYS`. */
export function sentMessageKey(messageId: string) {
  return { pk: `MESSAGE#${messageId}`, sk: 'MESSAGE' };
}
export const SENT_MESSAGE_DAYS = 180;

/** A marker per reply id, so a redelivered message is recognised whatever time it is received at. */
function replySeenKey(leadId: string, replyId: string) {
  return { pk: keys.lead(leadId).pk, sk: `REPLYSEEN#${replyId}` };
}

export class DynamoReplyStore implements ReplyStore, SentMessageIndex {
  constructor(private readonly table: Table) {}

  async getLead(leadId: string): Promise<Lead | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.lead(leadId), ConsistentRead: true }),
    );
    return result.Item ? entity<Lead>(result.Item) : undefined;
  }

  async leadForSentMessage(messageId: string): Promise<string | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: sentMessageKey(messageId) }),
    );
    return typeof result.Item?.leadId === 'string' ? result.Item.leadId : undefined;
  }

  async remember(messageId: string, leadId: string, sentAt: string): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...sentMessageKey(messageId),
          type: 'sent-message',
          leadId,
          sentAt,
          [TTL_ATTRIBUTE]: Math.ceil(Date.parse(sentAt) / 1000) + SENT_MESSAGE_DAYS * 86_400,
        },
      }),
    );
  }

  /** An erasure removes the lead's entries from the In-Reply-To index (named by its send records). */
  async forgetSentMessages(messageIds: string[]): Promise<number> {
    for (const messageId of messageIds) {
      await this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key: sentMessageKey(messageId) }),
      );
    }
    return messageIds.length;
  }

  async pauseEnrolments(leadId: string, at: string): Promise<Enrolment[]> {
    const enrolments = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'ENROLMENT#' },
      ConsistentRead: true,
    });
    const paused: Enrolment[] = [];
    for (const item of enrolments) {
      const enrolment = entity<Enrolment>(item);
      if (enrolment.status !== 'active' && enrolment.status !== 'pending') continue;
      // Off the due index: the dispatcher never sees it again until staff resume it.
      const wasRunning = await conditionalWrite(() =>
        this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: keys.enrolment(leadId, enrolment.sequenceId),
            UpdateExpression: 'SET #status = :replied, repliedAt = :at REMOVE duePk, dueAt, nextSendAt',
            ConditionExpression: '#status IN (:active, :pending)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':replied': 'replied', ':at': at, ':active': 'active', ':pending': 'pending' },
          }),
        ),
      );
      if (wasRunning) paused.push({ ...enrolment, status: 'replied' });
    }
    return paused;
  }

  async recordReply(reply: StoredReply): Promise<RecordReplyResult> {
    const { tableName } = this.table;
    const person = !reply.automatic;
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...replySeenKey(reply.leadId, reply.replyId), type: 'reply-seen', leadId: reply.leadId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { ...replyKey(reply.leadId, reply.receivedAt, reply.replyId), type: 'reply', ...reply },
              },
            },
            {
              // Only while the lead exists; a person's reply opens the reply follow-up task.
              Update: {
                TableName: tableName,
                Key: keys.lead(reply.leadId),
                UpdateExpression: person
                  ? 'SET lastReplyAt = :at, replyTaskOpenedAt = if_not_exists(replyTaskOpenedAt, :at)'
                  : 'SET lastAutoReplyAt = :at',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':at': reply.receivedAt },
              },
            },
          ],
        }),
      );
      return 'stored';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[2] === 'ConditionalCheckFailed') return 'unknown-lead';
      if (codes?.[0] !== 'ConditionalCheckFailed') throw error;
    }
    const stored = await this.findReply(reply.leadId, reply.replyId);
    return stored?.notifiedAt || stored?.automatic ? 'duplicate-notified' : 'duplicate-unnotified';
  }

  private async findReply(leadId: string, replyId: string): Promise<(StoredReply & { sk: string }) | undefined> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'replyId = :id',
        ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'REPLY#', ':id': replyId },
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? ({ ...entity<StoredReply>(item), sk: String(item.sk) } as StoredReply & { sk: string }) : undefined;
  }

  async markReplyNotified(leadId: string, replyId: string, at: string): Promise<void> {
    const stored = await this.findReply(leadId, replyId);
    if (!stored) return;
    // An erasure may have taken the reply meanwhile: nothing left to mark.
    await conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: keys.lead(leadId).pk, sk: stored.sk },
          UpdateExpression: 'SET notifiedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }
}
