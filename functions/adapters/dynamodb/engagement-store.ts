import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EngagementNote, EngagementStore } from '../../drip/engagement';
import { keys } from './keys';
import type { Table } from './table';
import { conditionalWrite } from './transactions';

/** Engagement on the enrolment item, so the sender reads it with the enrolment: no extra read per step. */
export class DynamoEngagementStore implements EngagementStore {
  constructor(private readonly table: Table) {}

  async noteEngagement(leadId: string, sequenceId: string, note: EngagementNote): Promise<void> {
    const Key = keys.enrolment(leadId, sequenceId);
    // The enrolment's own stepIndex is copied: the steps before it had gone out when the lead engaged.
    await conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key,
          UpdateExpression: `SET engagedAt = :at, engagedStepIndex = stepIndex${
            note.bookingClick ? ', bookingClickAt = if_not_exists(bookingClickAt, :at)' : ''
          }`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(engagedAt) OR engagedAt <= :at)',
          ExpressionAttributeValues: { ':at': note.at },
        }),
      ),
    );
    if (!note.wakeAt) return;
    // Brings the next send forward so the sender looks at the booking-click branch in time. Only
    // while the enrolment is active, not yet followed up, and due later than that.
    await conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key,
          UpdateExpression: 'SET nextSendAt = :wake, dueAt = :wake',
          ConditionExpression:
            '#status = :active AND attribute_not_exists(hotLeadAt) AND attribute_exists(dueAt) AND nextSendAt > :wake',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':wake': note.wakeAt, ':active': 'active' },
        }),
      ),
    );
  }

  async markHotLead(leadId: string, sequenceId: string, at: string): Promise<boolean> {
    const marked = await conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.enrolment(leadId, sequenceId),
          UpdateExpression: 'SET hotLeadAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(hotLeadAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    if (!marked) return false;
    // The follow-up task lives on the lead item, where the leads list filters on tasks; only
    // while the lead exists, so an erasure is never undone.
    await conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.lead(leadId),
          UpdateExpression: 'SET hotLeadTaskOpenedAt = if_not_exists(hotLeadTaskOpenedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return true;
  }
}
