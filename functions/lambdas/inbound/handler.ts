import middy from '@middy/core';
import * as z from 'zod';
import { MalformedMessageError, parseInboundMessage } from '../../adapters/mime-message';
import { handleInboundReply, type ReplyDeps, type ReplyOutcome } from '../../reply/handle-reply';
import type { RawMessageStore } from '../../reply/ports';
import { unreadableMessageEmail } from '../../reply/reply-emails';

export interface InboundHandlerDeps extends ReplyDeps {
  rawMessages: RawMessageStore;
  /** Where the receipt rule stores messages, for staff to find a raw one (`<prefix><message id>`). */
  sourcePrefix: string;
}

const verdict = z.object({ status: z.string().max(40) }).optional();

/** SES receiving's Lambda action event (InvocationType Event): what we read of it. */
export const sesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:ses'),
        ses: z.object({
          mail: z.object({ messageId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/) }),
          receipt: z.object({
            recipients: z.array(z.string().max(320)).max(100),
            spamVerdict: verdict,
            virusVerdict: verdict,
          }),
        }),
      }),
    )
    .min(1)
    .max(10),
});
export type SesReceiptEvent = z.infer<typeof sesReceiptEventSchema>;

export type InboundResult = ReplyOutcome | { kind: 'refused'; reason: string } | { kind: 'missing' };

/**
 * Invoked by the receipt rule after SES stored the message: reads it, parses it, and hands it to
 * the reply use case. A message SES found a virus in is not read. One that cannot be parsed is
 * reported to the staff inbox (it stays in the bucket until the lifecycle rule deletes it).
 */
export function makeInboundHandler(deps: InboundHandlerDeps) {
  return middy(async (event: unknown): Promise<{ results: InboundResult[] }> => {
    const parsed = sesReceiptEventSchema.safeParse(event);
    if (!parsed.success) {
      deps.log.error('Not an SES receipt event', { issues: parsed.error.issues.length });
      throw new Error('Not an SES receipt event');
    }
    const results: InboundResult[] = [];
    for (const record of parsed.data.Records) {
      const { mail, receipt } = record.ses;
      const sourceId = `${deps.sourcePrefix}${mail.messageId}`;
      if (receipt.virusVerdict?.status === 'FAIL') {
        deps.log.warn('Received message carries a virus: not read', { sourceId });
        results.push({ kind: 'refused', reason: 'virus' });
        continue;
      }
      const raw = await deps.rawMessages.get(mail.messageId);
      if (!raw) {
        deps.log.error('Received message not found where the receipt rule stores it', { sourceId });
        results.push({ kind: 'missing' });
        continue;
      }
      try {
        const message = await parseInboundMessage(raw, { sourceId, recipients: receipt.recipients });
        results.push(await handleInboundReply(message, deps));
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        await deps.mailer.send(unreadableMessageEmail(sourceId, error.message, deps.settings));
        deps.log.warn('Received message could not be read: reported to the staff inbox', { sourceId });
        results.push({ kind: 'refused', reason: error.message });
      }
    }
    return { results };
  });
}
