import * as z from 'zod';

/** One unit of work on the queue: a sequence step, or a capture email that still has to go out. */
export const workMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('step'),
    leadId: z.string().min(1).max(64),
    sequenceId: z.string().min(1).max(64),
    stepIndex: z.number().int().min(0).max(100),
    dueAt: z.string(),
  }),
  z.strictObject({
    kind: z.literal('capture-email'),
    leadId: z.string().min(1).max(64),
    submissionId: z.string().min(1).max(200),
    emailKind: z.enum(['confirmation', 'staff-notification', 'opt-in']),
    dueAt: z.string(),
  }),
]);

export type WorkMessage = z.infer<typeof workMessageSchema>;
export type StepMessage = Extract<WorkMessage, { kind: 'step' }>;
export type CaptureEmailMessage = Extract<WorkMessage, { kind: 'capture-email' }>;

/** SQS deduplicates nothing on standard queues; this id names the work for logs and idempotency. */
export function workId(message: WorkMessage): string {
  return message.kind === 'step'
    ? `step:${message.leadId}:${message.sequenceId}:${message.stepIndex}`
    : `email:${message.leadId}:${message.submissionId}:${message.emailKind}`;
}
