import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import { type DeliveryDeps, deliverMessage } from '../../webhooks/deliver';

export interface WebhookDelivererDeps extends DeliveryDeps {
  log: Log;
}

const messageSchema = z.object({
  endpointId: z.string().min(1).max(64),
  eventId: z.string().min(1).max(80),
  type: z.string().min(1).max(40),
  leadId: z.string().max(100).optional(),
  occurredAt: z.string().max(40),
  attempt: z.number().int().min(1).max(1000),
  firstAttemptAt: z.string().max(40),
  notBefore: z.string().max(40).optional(),
});

/**
 * One attempt per queued message. A failed attempt is not an error here: the use case queues
 * the retry itself (with its backoff). Only an unexpected failure (the table unreachable)
 * hands the message back to SQS, which retries it and, after a few receives, dead-letters it.
 */
export function makeWebhookDelivererHandler(deps: WebhookDelivererDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let message: z.infer<typeof messageSchema>;
      try {
        message = messageSchema.parse(JSON.parse(record.body));
      } catch {
        deps.log.error('Unreadable webhook delivery message dropped', { messageId: record.messageId });
        continue;
      }
      try {
        await deliverMessage(message, deps);
      } catch (error) {
        deps.log.error('Webhook delivery attempt could not run', { eventId: message.eventId, ...errorFields(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
