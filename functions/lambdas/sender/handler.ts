import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type WorkMessage, workId, workMessageSchema } from '../../drip/messages';
import { type SendStepDeps, sendStep } from '../../drip/send-step';
import { budgetOf, OutOfTimeError, type TimeBudget, UNLIMITED } from '../../drip/time-budget';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';

export type SenderDeps = SendStepDeps & { log: Log; parallelism: number };

/** Runs one queued piece of work: a sequence step. */
export async function processWork(
  message: WorkMessage,
  deps: SenderDeps,
  budget: TimeBudget = UNLIMITED,
): Promise<string> {
  return (await sendStep(message, deps, budget)).status;
}

/**
 * SQS event source. Each record that fails is reported on its own (partial batch response),
 * so one failure does not resend the whole batch; after the queue's retries it lands in the DLQ.
 * Records not started when the invocation runs short of time are reported too, untouched, so
 * the queue redelivers them instead of a timeout cutting a send in half.
 */
export function makeSenderHandler(deps: SenderDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event, context: Context | undefined) => {
    const budget = budgetOf(context);
    const reserveMs = deps.settings.timeReserveMs ?? 0;
    const failures: string[] = [];
    let leftForLater = 0;
    const records = [...event.Records];
    const worker = async () => {
      for (let record = records.shift(); record; record = records.shift()) {
        if (budget.remainingMs() < reserveMs) {
          leftForLater++;
          failures.push(record.messageId);
        } else if (!(await processRecord(record, deps, budget))) failures.push(record.messageId);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.parallelism) }, worker));
    if (leftForLater > 0) deps.log.info('Out of time; work left for the queue to redeliver', { records: leftForLater });
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

async function processRecord(record: SQSRecord, deps: SenderDeps, budget: TimeBudget): Promise<boolean> {
  let message: WorkMessage;
  try {
    message = workMessageSchema.parse(JSON.parse(record.body));
  } catch (error) {
    // Retrying cannot fix it: let it reach the DLQ, where the alarm makes it visible.
    deps.log.error('Unreadable work message', { sqsMessageId: record.messageId, ...errorFields(error) });
    return false;
  }
  try {
    const outcome = await processWork(message, deps, budget);
    deps.log.info('Work done', { work: workId(message), outcome });
    return true;
  } catch (error) {
    if (error instanceof OutOfTimeError) {
      deps.log.info('Out of time before sending; the queue will redeliver it', { work: workId(message) });
    } else {
      deps.log.warn('Work failed; the queue will retry it', { work: workId(message), ...errorFields(error) });
    }
    return false;
  }
}
