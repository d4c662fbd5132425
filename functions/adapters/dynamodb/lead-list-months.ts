import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIST_INDEX } from './table-schema';

/** Months looked at past the newest one found: as many empty months as end the list going back. */
const LOOK_AHEAD_MONTHS = 24;

export function nextMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
}

/**
 * The newest month of the list index that holds a lead, from `month` on. Leads can be newer
 * than the clock: the local stack's clock can be moved forward, and a restart puts it back.
 * So the months after `month` are looked at, 24 at a time in parallel, until 24 in a row are
 * empty (or `until` is passed). In AWS nothing lies ahead of the clock: one round of empty
 * reads (half a read unit each) on the first page of a list.
 */
export async function newestMonthWithLeads(
  table: { client: DynamoDBDocumentClient; tableName: string },
  month: string,
  until?: string,
): Promise<string> {
  let newest = month;
  for (;;) {
    const window: string[] = [];
    for (let next = nextMonth(newest); window.length < LOOK_AHEAD_MONTHS; next = nextMonth(next)) {
      if (until && next > until) break;
      window.push(next);
    }
    if (window.length === 0) return newest;
    const counts = await Promise.all(
      window.map(async (candidate) => {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: LIST_INDEX.name,
            KeyConditionExpression: '#listPk = :month',
            ExpressionAttributeNames: { '#listPk': LIST_INDEX.partitionKey },
            ExpressionAttributeValues: { ':month': `LEADS#${candidate}` },
            Select: 'COUNT',
            Limit: 1,
          }),
        );
        return page.Count ?? 0;
      }),
    );
    const found = window.filter((_, index) => counts[index]! > 0).at(-1);
    if (!found) return newest;
    newest = found;
  }
}
