import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DripStore, EmailEventField, EnrolmentAdvance, SendRecord, StepCounter } from '../../drip/ports';
import type { CaptureEmailIntent, Enrolment, ExitReason, Lead, Submission } from '../../lead/lead';
import { entity } from './items';
import { dueShard, keys } from './keys';
import { statsIncrement } from './step-stats';
import type { Table } from './table';
import { cancellationCodes, isConditionFailure, transactionToken, withConflictRetry } from './transactions';

function entityOrUndefined<T>(item: Record<string, unknown> | undefined): T | undefined {
  return item ? entity<T>(item) : undefined;
}

export class DynamoDripStore implements DripStore {
  constructor(private readonly table: Table) {}

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: key, ConsistentRead: true }),
    );
    return entityOrUndefined<T>(result.Item);
  }

  getEnrolment(leadId: string, sequenceId: string) {
    return this.get<Enrolment>(keys.enrolment(leadId, sequenceId));
  }

  getLead(leadId: string) {
    return this.get<Lead>(keys.lead(leadId));
  }

  getSendRecord(leadId: string, sequenceId: string, stepId: string) {
    return this.get<SendRecord>(keys.send(leadId, sequenceId, stepId));
  }

  getCaptureEmail(leadId: string, submissionId: string, kind: string) {
    return this.get<CaptureEmailIntent>(keys.captureEmail(leadId, submissionId, kind));
  }

  getSubmission(leadId: string, submissionId: string) {
    return this.get<Submission>(keys.submission(leadId, submissionId));
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
          TransactItems: [{ Update: recordUpdate }, { Update: this.advanceUpdate(record, enrolment, advance) }],
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

  private advanceUpdate(record: SendRecord, enrolment: Enrolment, advance: EnrolmentAdvance) {
    const base = {
      TableName: this.table.tableName,
      Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
      ConditionExpression: 'stepIndex = :from AND #status = :active',
    };
    const sent =
      record.status === 'sent'
        ? { ':lastSentAt': record.sentAt, ':lastStepId': record.stepId, ':lastVariant': record.variant ?? 'a' }
        : {};
    const sentSet =
      record.status === 'sent'
        ? ', lastSentAt = :lastSentAt, lastStepId = :lastStepId, lastVariant = :lastVariant'
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
          ':shard': dueShard(enrolment.leadId, this.table.dueShards),
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

  async advanceEnrolment(enrolment: Enrolment, advance: EnrolmentAdvance): Promise<boolean> {
    const nothingSent = { stepId: '', status: 'skipped' } as SendRecord;
    try {
      await this.table.client.send(new UpdateCommand(this.advanceUpdate(nothingSent, enrolment, advance)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async exitEnrolments(leadId: string, reason: ExitReason, at: string): Promise<Enrolment[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'ENROLMENT#' },
        ConsistentRead: true,
      }),
    );
    const exited: Enrolment[] = [];
    for (const item of result.Items ?? []) {
      const enrolment = entity<Enrolment>(item)!;
      if (enrolment.status !== 'active' && enrolment.status !== 'pending') continue;
      try {
        await this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: keys.enrolment(leadId, enrolment.sequenceId),
            UpdateExpression:
              'SET #status = :exited, exitReason = :reason, exitedAt = :at REMOVE duePk, dueAt, nextSendAt',
            ConditionExpression: '#status IN (:active, :pending)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':exited': 'exited',
              ':reason': reason,
              ':at': at,
              ':active': 'active',
              ':pending': 'pending',
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
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'ENROLMENT#' },
        ConsistentRead: true,
      }),
    );
    let credited = 0;
    for (const item of result.Items ?? []) {
      const enrolment = entity<Enrolment>(item)!;
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

  async recordEmailEvent(
    leadId: string,
    sequenceId: string,
    stepId: string,
    event: EmailEventField,
    at: string,
    count?: { variant: string; day: string; counter: StepCounter },
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

  async markLeadBooked(leadId: string, at: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.lead(leadId),
          UpdateExpression: 'SET #status = :booked, bookedAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :booked',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':booked': 'booked', ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async claimCaptureEmail(intent: CaptureEmailIntent, at: string, claimId: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.captureEmail(intent.leadId, intent.submissionId, intent.kind),
          UpdateExpression: 'SET #status = :sending, claimedAt = :at, claimId = :claimId',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':pending': 'pending', ':at': at, ':claimId': claimId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Only on the claimed item: an erasure deletes it, and an update must not bring it back (a
   * DynamoDB update creates a missing item); a worker that lost its claim records nothing.
   */
  async finishCaptureEmail(
    intent: CaptureEmailIntent,
    result: {
      status: 'sent' | 'failed' | 'pending';
      at: string;
      messageId?: string;
      reason?: string;
      retryAt?: string;
      countAttempt?: boolean;
    },
  ): Promise<void> {
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

  private pendingAgain(
    result: { at: string; reason?: string; retryAt?: string; countAttempt?: boolean },
    intent: CaptureEmailIntent,
  ) {
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
