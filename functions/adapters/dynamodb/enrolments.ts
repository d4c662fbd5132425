import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EnrolmentAdvance, EnrolmentStore, SendRecord } from '../../drip/ports';
import type { Enrolment, ExitReason, Lead } from '../../lead/lead';
import { entity, getEntity } from './items';
import { dueShard, keys } from './keys';
import { changeLeadStatus } from './lead-status';
import { statsIncrement } from './step-stats';
import type { Table } from './table';
import { cancellationCodes, conditionalWrite, isConditionFailure, withConflictRetry } from './transactions';

export class DynamoEnrolmentStore implements EnrolmentStore {
  constructor(private readonly table: Table) {}

  getEnrolment(leadId: string, sequenceId: string) {
    return getEntity<Enrolment>(this.table, keys.enrolment(leadId, sequenceId));
  }

  getLead(leadId: string) {
    return getEntity<Lead>(this.table, keys.lead(leadId));
  }

  private async enrolmentsOf(leadId: string): Promise<Enrolment[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'ENROLMENT#' },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => entity<Enrolment>(item));
  }

  async advanceEnrolment(enrolment: Enrolment, advance: EnrolmentAdvance): Promise<boolean> {
    const nothingSent = { stepId: '', status: 'skipped' } as const;
    return conditionalWrite(() =>
      this.table.client.send(new UpdateCommand(enrolmentAdvanceUpdate(this.table, nothingSent, enrolment, advance))),
    );
  }

  async exitEnrolments(leadId: string, reason: ExitReason, at: string): Promise<Enrolment[]> {
    const exited: Enrolment[] = [];
    for (const enrolment of await this.enrolmentsOf(leadId)) {
      if (!['active', 'pending', 'replied'].includes(enrolment.status)) continue;
      try {
        await this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: keys.enrolment(leadId, enrolment.sequenceId),
            UpdateExpression:
              'SET #status = :exited, exitReason = :reason, exitedAt = :at REMOVE duePk, dueAt, nextSendAt',
            ConditionExpression: '#status IN (:active, :pending, :replied)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':exited': 'exited',
              ':reason': reason,
              ':at': at,
              ':active': 'active',
              ':pending': 'pending',
              // Paused by a reply: an unsubscribe, bounce, complaint, booking or staff still ends it.
              ':replied': 'replied',
            },
          }),
        );
        exited.push({ ...enrolment, status: 'exited', exitReason: reason, exitedAt: at });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return exited;
  }

  async creditCompleted(leadId: string, reason: 'unsubscribed' | 'booked', at: string): Promise<number> {
    let credited = 0;
    for (const enrolment of await this.enrolmentsOf(leadId)) {
      if (enrolment.status !== 'completed' || !enrolment.lastStepId) continue;
      // Marked and counted in one transaction, so a retry after a failure neither skips nor repeats it.
      const mark = {
        TableName: this.table.tableName,
        Key: keys.enrolment(leadId, enrolment.sequenceId),
        UpdateExpression: 'SET #credit = :at',
        ConditionExpression: '#status = :completed AND attribute_not_exists(#credit)',
        ExpressionAttributeNames: { '#status': 'status', '#credit': `${reason}AfterCompletionAt` },
        ExpressionAttributeValues: { ':completed': 'completed', ':at': at },
      };
      const stats = statsIncrement(
        this.table.tableName,
        {
          sequenceId: enrolment.sequenceId,
          stepId: enrolment.lastStepId,
          variant: enrolment.lastVariant ?? 'a',
          day: at.slice(0, 10),
          path: enrolment.lastPath,
        },
        reason,
      );
      try {
        await withConflictRetry(() =>
          this.table.client.send(new TransactWriteCommand({ TransactItems: [{ Update: mark }, { Update: stats }] })),
        );
        credited++;
      } catch (error) {
        if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
      }
    }
    return credited;
  }

  markLeadBooked(leadId: string, at: string): Promise<boolean> {
    return changeLeadStatus(this.table, leadId, { to: 'booked', from: { isNot: 'booked' }, stampedAs: 'bookedAt', at });
  }
}

/**
 * Moves an enrolment on from the step it is at, only if it is still active there; after a send,
 * it remembers that step (the one that last reached the person), for credits that come later.
 */
export function enrolmentAdvanceUpdate(
  table: Table,
  record: Pick<SendRecord, 'status' | 'stepId' | 'sentAt' | 'variant' | 'path'>,
  enrolment: Enrolment,
  advance: EnrolmentAdvance,
) {
  const base = {
    TableName: table.tableName,
    Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
    ConditionExpression: 'stepIndex = :from AND #status = :active',
  };
  const sent =
    record.status === 'sent'
      ? {
          ':lastSentAt': record.sentAt,
          ':lastStepId': record.stepId,
          ':lastVariant': record.variant ?? 'a',
          ...(record.path ? { ':lastPath': record.path } : {}),
        }
      : {};
  // Only a claim made before paths were recorded has none; the previous step's path then stays
  // (a later credit lands on that path's row): only sends in flight at the upgrade, so no REMOVE.
  const sentSet =
    record.status === 'sent'
      ? `, lastSentAt = :lastSentAt, lastStepId = :lastStepId, lastVariant = :lastVariant${
          record.path ? ', lastPath = :lastPath' : ''
        }`
      : '';
  const common = { ':from': enrolment.stepIndex, ':active': 'active', ...sent };
  if (advance.kind === 'next') {
    return {
      ...base,
      UpdateExpression: `SET stepIndex = :next, nextSendAt = :at, dueAt = :at, duePk = :shard${sentSet}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ...common,
        ':next': advance.stepIndex,
        ':at': advance.nextSendAt,
        ':shard': dueShard(enrolment.leadId, table.dueShards),
      },
    };
  }
  const status = advance.kind === 'complete' ? 'completed' : 'exited';
  return {
    ...base,
    UpdateExpression: `SET #status = :status, ${advance.kind === 'complete' ? 'completedAt' : 'exitedAt'} = :at${
      advance.kind === 'exit' ? ', exitReason = :reason' : ''
    }${sentSet} REMOVE duePk, dueAt, nextSendAt`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ...common,
      ':status': status,
      ':at': advance.at,
      ...(advance.kind === 'exit' ? { ':reason': advance.reason } : {}),
    },
  };
}
