import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { STEP_COUNTERS, type StepCounter, type StepStats } from '../../drip/ports';
import { queryAll } from './items';
import type { Table } from './table';
import { withConflictRetry } from './transactions';

export interface StepCounts {
  sequenceId: string;
  stepId: string;
  variant: string;
  day: string;
  /** Absent on rows counted before paths were recorded. */
  path?: string;
  counts: Record<StepCounter, number>;
}

/** Without a path (a send from before paths were recorded), the row is the step's pathless one. */
export type StatsAt = { sequenceId: string; stepId: string; variant: string; day: string; path?: string | undefined };

/** The update that adds one to a step's counter; also used inside transactions (send-records, enrolments). */
export function statsIncrement(tableName: string, at: StatsAt, counter: StepCounter) {
  const path = at.path ? `#PATH#${at.path}` : '';
  return {
    TableName: tableName,
    Key: { pk: `STATS#${at.sequenceId}`, sk: `DAY#${at.day}#STEP#${at.stepId}#VARIANT#${at.variant}${path}` },
    UpdateExpression: `SET #type = :type, sequenceId = :sequenceId, stepId = :stepId, variant = :variant, #day = :day${
      at.path ? ', #path = :path' : ''
    } ADD #counter :one`,
    ExpressionAttributeNames: {
      '#type': 'type',
      '#day': 'day',
      '#counter': counter,
      ...(at.path ? { '#path': 'path' } : {}),
    },
    ExpressionAttributeValues: {
      ':type': 'step-stats',
      ':sequenceId': at.sequenceId,
      ':stepId': at.stepId,
      ':variant': at.variant,
      ':day': at.day,
      ...(at.path ? { ':path': at.path } : {}),
      ':one': 1,
    },
  };
}

/** Per step, variant and day, so the console can show a funnel for any date range. */
export class DynamoStepStats implements StepStats {
  constructor(private readonly table: Table) {}

  async increment(at: StatsAt, counter: StepCounter): Promise<void> {
    // A transaction noting an SES event may hold the same row for a moment (send-records, enrolments).
    await withConflictRetry(() =>
      this.table.client.send(new UpdateCommand(statsIncrement(this.table.tableName, at, counter))),
    );
  }

  /** Every counter row of a sequence between two days (inclusive, YYYY-MM-DD). */
  async between(sequenceId: string, fromDay: string, toDay: string): Promise<StepCounts[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': `STATS#${sequenceId}`,
        ':from': `DAY#${fromDay}`,
        ':to': `DAY#${toDay}#~`,
      },
    });
    return items.map((item) => ({
      sequenceId,
      stepId: String(item.stepId),
      variant: String(item.variant),
      day: String(item.day),
      ...(typeof item.path === 'string' ? { path: item.path } : {}),
      counts: Object.fromEntries(STEP_COUNTERS.map((name) => [name, Number(item[name] ?? 0)])) as Record<
        StepCounter,
        number
      >,
    }));
  }
}
