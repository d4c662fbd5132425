import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadStatus } from '../../lead/lead';
import { keys } from './keys';
import type { Table } from './table';
import { conditionalWrite } from './transactions';

export interface LeadStatusChange {
  to: LeadStatus;
  /** Only from this status, or from any status but this one. */
  from: { is: LeadStatus } | { isNot: LeadStatus };
  /** The attribute that records when, besides updatedAt. */
  stampedAs: 'bookedAt' | 'cancelledAt';
  at: string;
  /** Attributes the new status makes untrue. */
  remove?: readonly string[];
}

/** Moves an existing lead to another status; false when there is no lead or its status forbids the move. */
export function changeLeadStatus(table: Table, leadId: string, change: LeadStatusChange): Promise<boolean> {
  const fromIs = 'is' in change.from;
  const remove = change.remove?.length ? ` REMOVE ${change.remove.join(', ')}` : '';
  return conditionalWrite(() =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.lead(leadId),
        UpdateExpression: `SET #status = :to, ${change.stampedAs} = :at, updatedAt = :at${remove}`,
        ConditionExpression: `attribute_exists(pk) AND #status ${fromIs ? '=' : '<>'} :from`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': change.to,
          ':from': 'is' in change.from ? change.from.is : change.from.isNot,
          ':at': change.at,
        },
      }),
    ),
  );
}
