import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Enrolment } from '../../lead/lead';
import type { EnrolmentIndex } from '../../sequence/ports';
import { queryAll } from './items';
import { dueShard, keys, leadIdFromPk } from './keys';
import type { Table } from './table';
import { DUE_INDEX } from './table-schema';
import { conditionalWrite } from './transactions';

/**
 * Active enrolments of a sequence, read from the sparse due index (which holds exactly the
 * active ones), so the cost follows how many leads are mid-sequence, not how many exist.
 */
export class DynamoEnrolmentIndex implements EnrolmentIndex {
  constructor(private readonly table: Table) {}

  async activeEnrolments(sequenceId: string): Promise<Enrolment[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.table.dueShards }, (_, shard) => this.shardEnrolments(shard, sequenceId)),
    );
    const found = perShard.flat();
    // The index may project only what the dispatcher reads; the rest comes from the table.
    const complete = found.filter((item) => item.sequenceVersion !== undefined && item.timeZone !== undefined);
    const partial = found.filter((item) => item.sequenceVersion === undefined || item.timeZone === undefined);
    const fetched = await this.batchGet(partial.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
    return [...complete, ...fetched]
      .filter((item) => item.status === 'active')
      .map((item) => {
        const { pk: _pk, sk: _sk, type: _type, duePk: _duePk, dueAt: _dueAt, ...rest } = item;
        return rest as unknown as Enrolment;
      });
  }

  async interestsOf(leadIds: readonly string[]): Promise<Map<string, string[]>> {
    const profiles = await this.batchGet([...new Set(leadIds)].map((leadId) => keys.lead(leadId)));
    return new Map(
      profiles.map((profile) => [
        leadIdFromPk(String(profile.pk)),
        Array.isArray(profile.interests) ? profile.interests.map(String) : [],
      ]),
    );
  }

  /**
   * The versions active enrolments are pinned to, from the index alone: it projects the
   * version. (A table made before it did, such as an old local one, is read item by item.)
   */
  async versionsInUse(sequenceId: string): Promise<string[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.table.dueShards }, (_, shard) =>
        this.shardEnrolments(shard, sequenceId, 'pk, sk, sequenceVersion'),
      ),
    );
    const found = perShard.flat();
    const unversioned = found.filter((item) => item.sequenceVersion === undefined);
    const fetched = await this.batchGet(unversioned.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
    const versioned = [...found.filter((item) => item.sequenceVersion !== undefined), ...fetched];
    return [
      ...new Set(versioned.flatMap((item) => (typeof item.sequenceVersion === 'string' ? [item.sequenceVersion] : []))),
    ];
  }

  private async shardEnrolments(
    shard: number,
    sequenceId: string,
    projection?: string,
  ): Promise<Record<string, unknown>[]> {
    return queryAll(this.table, {
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#type = :enrolment AND sequenceId = :sequenceId',
      ExpressionAttributeNames: { '#pk': DUE_INDEX.partitionKey, '#type': 'type' },
      ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':enrolment': 'enrolment', ':sequenceId': sequenceId },
      ...(projection ? { ProjectionExpression: projection } : {}),
    });
  }

  private async batchGet(keyList: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < keyList.length; start += 100) {
      let pending: Record<string, unknown>[] | undefined = keyList.slice(start, start + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB kept reads unprocessed');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
        const result: {
          Responses?: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
        } = await this.table.client.send(
          new BatchGetCommand({ RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[this.table.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.table.tableName]?.Keys;
      }
    }
    return items;
  }

  /**
   * Re-pins the enrolment only if it is still on the version and step it was read at, and not
   * leased by a dispatcher (due time equal to the next send): a step in flight is never moved
   * under the sender's feet.
   */
  async moveEnrolment(
    enrolment: Enrolment,
    to: { version: string; stepIndex: number; nextSendAt: string; receivedStepIds: string[] },
    at: string,
  ): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
          UpdateExpression:
            'SET sequenceVersion = :to, stepIndex = :step, nextSendAt = :next, dueAt = :next, duePk = :shard, migratedAt = :at, migratedFrom = :from, receivedStepIds = :received',
          ConditionExpression:
            '#status = :active AND sequenceVersion = :from AND stepIndex = :fromStep AND dueAt = nextSendAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to.version,
            ':received': to.receivedStepIds,
            ':step': to.stepIndex,
            ':next': to.nextSendAt,
            ':shard': dueShard(enrolment.leadId, this.table.dueShards),
            ':at': at,
            ':from': enrolment.sequenceVersion,
            ':fromStep': enrolment.stepIndex,
            ':active': 'active',
          },
        }),
      ),
    );
  }
}
