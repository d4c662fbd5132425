import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EmailEventField, EnrolmentAdvance, SendRecord, SendRecordStore, StepCounter } from '../../drip/ports';
import type { Enrolment } from '../../lead/lead';
import { enrolmentAdvanceUpdate } from './enrolments';
import { getEntity } from './items';
import { keys } from './keys';
import { statsIncrement } from './step-stats';
import type { Table } from './table';
import { cancellationCodes, isConditionFailure, transactionToken, withConflictRetry } from './transactions';

export class DynamoSendRecordStore implements SendRecordStore {
  constructor(private readonly table: Table) {}

  getSendRecord(leadId: string, sequenceId: string, stepId: string) {
    return getEntity<SendRecord>(this.table, keys.send(leadId, sequenceId, stepId));
  }

  /**
   * The claim goes in only while the lead exists (erasure deletes the lead item first), so a
   * claim racing an erasure cannot leave a send record behind in an emptied partition. The
   * request token makes an SDK retry of a stored claim succeed rather than meet its own put.
   */
  async claimStep(record: SendRecord): Promise<boolean> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.tableName,
                Item: { ...keys.send(record.leadId, record.sequenceId, record.stepId), type: 'send', ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              ConditionCheck: {
                TableName: this.table.tableName,
                Key: keys.lead(record.leadId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
          ClientRequestToken: transactionToken('claim', record.claimId),
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  async releaseClaim(record: SendRecord): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: keys.send(record.leadId, record.sequenceId, record.stepId),
          ConditionExpression: 'claimId = :claimId AND #status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimId': record.claimId, ':claimed': 'claimed' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async finishStep(record: SendRecord, enrolment: Enrolment, advance: EnrolmentAdvance): Promise<void> {
    const recordUpdate = this.finishedRecordUpdate(record);
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: recordUpdate },
            { Update: enrolmentAdvanceUpdate(this.table, record, enrolment, advance) },
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      // The enrolment moved on meanwhile (an unsubscribe, say): the step's outcome is still recorded.
      if (codes?.[0] === 'None' && codes[1] === 'ConditionalCheckFailed') {
        await this.table.client.send(new UpdateCommand(recordUpdate)).catch((updateError) => {
          if (!isConditionFailure(updateError)) throw updateError;
        });
        return;
      }
      if (codes?.[0] === 'ConditionalCheckFailed') return; // someone else finished this claim
      throw error;
    }
  }

  /**
   * Updates the claimed record in place rather than replacing it: a delivery or open event
   * can land on the record between the send and this write, and must not be wiped out.
   */
  private finishedRecordUpdate(record: SendRecord) {
    const fields: Record<string, unknown> = {
      status: record.status,
      finishedAt: record.finishedAt,
      messageId: record.messageId,
      sentAt: record.sentAt,
      reason: record.reason,
      variant: record.variant,
      path: record.path,
    };
    const present = Object.entries(fields).filter(([, value]) => value !== undefined);
    return {
      TableName: this.table.tableName,
      Key: keys.send(record.leadId, record.sequenceId, record.stepId),
      UpdateExpression: `SET ${present.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
      ConditionExpression: 'claimId = :claimId',
      ExpressionAttributeNames: Object.fromEntries(present.map(([name], index) => [`#f${index}`, name])),
      ExpressionAttributeValues: {
        ':claimId': record.claimId,
        ...Object.fromEntries(present.map(([, value], index) => [`:f${index}`, value])),
      },
    };
  }

  async recordEmailEvent(
    leadId: string,
    sequenceId: string,
    stepId: string,
    event: EmailEventField,
    at: string,
    count?: { variant: string; day: string; path?: string; counter: StepCounter },
  ): Promise<boolean> {
    const mark = {
      TableName: this.table.tableName,
      Key: keys.send(leadId, sequenceId, stepId),
      UpdateExpression: 'SET #event = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#event)',
      ExpressionAttributeNames: { '#event': event },
      ExpressionAttributeValues: { ':at': at },
    };
    try {
      if (!count) {
        await this.table.client.send(new UpdateCommand(mark));
        return true;
      }
      const stats = statsIncrement(this.table.tableName, { sequenceId, stepId, ...count }, count.counter);
      // The day's counter row is shared by every event of the step: concurrent events collide.
      await withConflictRetry(() =>
        this.table.client.send(new TransactWriteCommand({ TransactItems: [{ Update: mark }, { Update: stats }] })),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error) || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}
