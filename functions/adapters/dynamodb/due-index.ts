import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkMessage } from '../../drip/messages';
import type { DueEntry, DueIndex } from '../../drip/ports';
import { keys } from './keys';
import type { Table } from './table';
import { DUE_INDEX } from './table-schema';
import { conditionalWrite } from './transactions';

const PAGE_SIZE = 200;

export class DynamoDueIndex implements DueIndex {
  constructor(private readonly table: Table) {}

  async duePage(shard: number, upTo: string, cursor?: string): Promise<{ entries: DueEntry[]; cursor?: string }> {
    const page = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: DUE_INDEX.name,
        KeyConditionExpression: '#pk = :pk AND #due <= :upTo',
        ExpressionAttributeNames: { '#pk': DUE_INDEX.partitionKey, '#due': DUE_INDEX.sortKey },
        ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':upTo': upTo },
        Limit: PAGE_SIZE,
        ...(cursor ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) } : {}),
      }),
    );
    const entries = (page.Items ?? []).flatMap((item) => {
      const message = toMessage(item);
      return message ? [{ message, dueAt: String(item.dueAt) }] : [];
    });
    const next = page.LastEvaluatedKey
      ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url')
      : undefined;
    return { entries, ...(next ? { cursor: next } : {}) };
  }

  async lease(entry: DueEntry, until: string): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keyOf(entry.message),
          UpdateExpression: 'SET dueAt = :until, leasedAt = :now',
          ConditionExpression: 'dueAt = :seen AND attribute_exists(duePk)',
          ExpressionAttributeValues: { ':until': until, ':seen': entry.dueAt, ':now': new Date().toISOString() },
        }),
      ),
    );
  }

  async earliestDue(shards: number): Promise<string | undefined> {
    const firsts = await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.table.client.send(
          new QueryCommand({
            TableName: this.table.tableName,
            IndexName: DUE_INDEX.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': DUE_INDEX.partitionKey },
            ExpressionAttributeValues: { ':pk': `DUE#${shard}` },
            Limit: 1,
          }),
        ),
      ),
    );
    const times = firsts.flatMap((page) => (page.Items ?? []).map((item) => String(item.dueAt)));
    return times.sort()[0];
  }
}

function toMessage(item: Record<string, unknown>): WorkMessage | undefined {
  if (item.type === 'enrolment') {
    return {
      kind: 'step',
      leadId: String(item.leadId),
      sequenceId: String(item.sequenceId),
      stepIndex: Number(item.stepIndex),
      dueAt: String(item.nextSendAt ?? item.dueAt),
    };
  }
  if (item.type === 'capture-email') {
    return {
      kind: 'capture-email',
      leadId: String(item.leadId),
      submissionId: String(item.submissionId),
      emailKind: item.kind as 'confirmation',
      dueAt: String(item.retryAt ?? item.dueAt),
    };
  }
  return undefined;
}

function keyOf(message: WorkMessage) {
  return message.kind === 'step'
    ? keys.enrolment(message.leadId, message.sequenceId)
    : keys.captureEmail(message.leadId, message.submissionId, message.emailKind);
}
