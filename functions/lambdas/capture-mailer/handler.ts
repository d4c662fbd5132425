import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { budgetOf, OutOfTimeError } from '../../drip/time-budget';
import { type CaptureEmailRef, type SendCaptureEmailDeps, sendCaptureEmail } from '../../lead/send-capture-email';
import { errorFields } from '../../observability/redact';

const text = z.object({ S: z.string().min(1).max(200) });
/** The keys of a capture-email item as the stream's NEW_IMAGE carries them (DynamoDB JSON). */
const intentImage = z.object({
  leadId: text,
  submissionId: text,
  kind: z.object({ S: z.enum(['confirmation', 'staff-notification', 'opt-in']) }),
});

/**
 * The table's stream, filtered to INSERTs of capture-email items (infra/constructs/capture.ts,
 * and the same filter on the local stream mapping). Each record is one intent; a record that
 * must be tried again is reported on its own (partial batch response), so the mapping retries
 * from it within seconds, and after its retries it goes to the on-failure queue (alarmed).
 * A record that is not an intent cannot get better by retrying: logged and passed over.
 */
export function makeCaptureMailerHandler(deps: SendCaptureEmailDeps) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event, context: Context | undefined) => {
    const budget = budgetOf(context);
    const failures: string[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const ref = intentOf(record);
        if (!ref) {
          deps.log.error('Stream record is not a capture-email intent; passed over', { eventID: record.eventID });
          return;
        }
        try {
          const outcome = await sendCaptureEmail(ref, deps, budget);
          deps.log.info('Capture email delivered', { leadId: ref.leadId, emailKind: ref.kind, outcome });
        } catch (error) {
          const fields = { leadId: ref.leadId, emailKind: ref.kind, ...errorFields(error) };
          if (error instanceof OutOfTimeError) deps.log.info('Out of time; the stream delivers it again', fields);
          else deps.log.warn('Capture email not delivered yet; the stream delivers it again', fields);
          failures.push(record.dynamodb?.SequenceNumber ?? '');
        }
      }),
    );
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

function intentOf(record: DynamoDBRecord): CaptureEmailRef | undefined {
  const parsed = intentImage.safeParse(record.dynamodb?.NewImage);
  if (!parsed.success) return undefined;
  return { leadId: parsed.data.leadId.S, submissionId: parsed.data.submissionId.S, kind: parsed.data.kind.S };
}
