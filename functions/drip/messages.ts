import * as z from 'zod';

/**
 * One unit of work on the queue: a sequence step. (Capture emails are delivered from the
 * table's stream, not through the queue.)
 */
export const workMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('step'),
    leadId: z.string().min(1).max(64),
    sequenceId: z.string().min(1).max(64),
    stepIndex: z.number().int().min(0).max(100),
    dueAt: z.string(),
  }),
]);

export type WorkMessage = z.infer<typeof workMessageSchema>;
export type StepMessage = Extract<WorkMessage, { kind: 'step' }>;

/** SQS deduplicates nothing on standard queues; this id names the work for logs and idempotency. */
export function workId(message: WorkMessage): string {
  return `step:${message.leadId}:${message.sequenceId}:${message.stepIndex}`;
}
