import { type Mailer, SendError } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { Clock } from '../shared/clock';
import type { SentMessageIndex } from './ports';
import { replyAddressFor } from './reply-address';

export interface ReplyToOptions {
  receivingDomain: string;
  replyKey: () => Promise<Buffer>;
  index: SentMessageIndex;
  clock: Clock;
  log: Log;
}

/**
 * Gives every sequence email its lead's signed reply address as Reply-To, and remembers which
 * lead each one went to (by SES message id), so a reply's In-Reply-To finds the lead when the
 * reply address was lost. Other emails (capture, staff) pass through unchanged.
 */
export function withReplyAddress(inner: Mailer, options: ReplyToOptions): Mailer {
  return {
    async send(email, sendOptions) {
      const leadId = email.tags.kind === 'step' ? email.tags.lead : undefined;
      if (!leadId) return inner.send(email, sendOptions);
      // Nothing has gone to SES yet: a key that cannot be read is a send that certainly did not
      // happen, so the sender gives the step back rather than record it failed.
      const key = await options.replyKey().catch((error: unknown) => {
        throw new SendError(
          `reply key unavailable (${errorFields(error).errorName})`,
          'retryable',
          'ReplyKeyUnavailable',
        );
      });
      const replyTo = replyAddressFor(leadId, options.receivingDomain, key);
      const sent = await inner.send({ ...email, replyTo }, sendOptions);
      // The email went out: failing to remember it only loses the In-Reply-To fallback.
      await options.index
        .remember(sent.messageId, leadId, options.clock.now().toISOString())
        .catch((error) => options.log.warn('Sent message not indexed for replies', { leadId, ...errorFields(error) }));
      return sent;
    },
  };
}
