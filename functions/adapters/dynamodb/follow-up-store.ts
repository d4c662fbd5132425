import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { FollowUpLead, FollowUpStore, LeadUpdate, PipelineChange } from '../../follow-up/follow-up';
import { entity } from './items';
import { keys } from './keys';
import type { Table } from './table';
import { cancellationCodes } from './transactions';

/** A staff change, in the lead's partition (an erasure takes it), in time order. */
export function pipelineChangeKey(leadId: string, change: PipelineChange, index: number) {
  return { pk: keys.lead(leadId).pk, sk: `PIPELINE#${change.at}#${index}#${change.field}` };
}

export class DynamoFollowUpStore implements FollowUpStore {
  constructor(private readonly table: Table) {}

  async getLead(leadId: string): Promise<FollowUpLead | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.lead(leadId), ConsistentRead: true }),
    );
    return result.Item ? entity<FollowUpLead>(result.Item) : undefined;
  }

  async applyChanges(leadId: string, update: LeadUpdate, changes: PipelineChange[]): Promise<boolean> {
    const set: string[] = ['updatedAt = :at'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':at': changes[0]!.at };
    if (update.pipelineStatus) {
      set.push('pipelineStatus = :status');
      values[':status'] = update.pipelineStatus;
    }
    if (update.owner) {
      set.push('#owner = :owner');
      values[':owner'] = update.owner;
    } else if (update.owner === null) remove.push('#owner');
    if (update.taskDone === 'contact') set.push('contactTaskDoneAt = :at');
    if (update.taskDone === 'reply') remove.push('replyTaskOpenedAt');
    if (update.taskDone === 'hot-lead') remove.push('hotLeadTaskOpenedAt');
    const usesOwner = update.owner !== undefined;
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: keys.lead(leadId),
                UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
                ConditionExpression: 'attribute_exists(pk)',
                ...(usesOwner ? { ExpressionAttributeNames: { '#owner': 'owner' } } : {}),
                ExpressionAttributeValues: values,
              },
            },
            ...changes.map((change, index) => ({
              Put: {
                TableName: this.table.tableName,
                Item: { ...pipelineChangeKey(leadId, change, index), type: 'pipeline-change', leadId, ...change },
              },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}
