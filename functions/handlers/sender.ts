import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type WorkMessage, workId, workMessageSchema } from '../drip/messages';
import { type RetryCaptureDeps, retryCaptureEmail } from '../drip/retry-capture-email';
import { type SendStepDeps, sendStep } from '../drip/send-step';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';

export type SenderDeps = SendStepDeps & RetryCaptureDeps & { log: Log; parallelism: number };

/** Runs one queued piece of work: a sequence step or a capture email retry. */
export async function processWork(message: WorkMessage, deps: SenderDeps): Promise<string> {
  if (message.kind === 'step') return (await sendStep(message, deps)).status;
  return retryCaptureEmail(message, deps);
}

/**
 * SQS event source. Each record that fails is reported on its own (partial batch response),
 * so one failure does not resend the whole batch; after the queue's retries it lands in the DLQ.
 */
export function makeSenderHandler(deps: SenderDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const failures: string[] = [];
    const records = [...event.Records];
    const worker = async () => {
      for (let record = records.shift(); record; record = records.shift()) {
        if (!(await processRecord(record, deps))) failures.push(record.messageId);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.parallelism) }, worker));
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

async function processRecord(record: SQSRecord, deps: SenderDeps): Promise<boolean> {
  let message: WorkMessage;
  try {
    message = workMessageSchema.parse(JSON.parse(record.body));
  } catch (error) {
    // Retrying cannot fix it: let it reach the DLQ, where the alarm makes it visible.
    deps.log.error('Unreadable work message', { sqsMessageId: record.messageId, ...errorFields(error) });
    return false;
  }
  try {
    const outcome = await processWork(message, deps);
    deps.log.info('Work done', { work: workId(message), outcome });
    return true;
  } catch (error) {
    deps.log.warn('Work failed; the queue will retry it', { work: workId(message), ...errorFields(error) });
    return false;
  }
}
