import type { Mailer, OutgoingEmail, SentEmail } from '../functions/mail/outgoing-email';

export type SesEventSink = (event: unknown) => Promise<unknown>;

/** SES's event publishing as it looks in an SNS notification or EventBridge detail. */
export function sesEvent(
  eventType: 'Delivery' | 'Bounce' | 'Complaint' | 'Open' | 'Click',
  mail: { messageId: string; to: string[]; tags: Record<string, string> },
  at: Date,
) {
  const timestamp = at.toISOString();
  const recipients = mail.to.map((emailAddress) => ({ emailAddress }));
  return {
    eventType,
    mail: {
      messageId: mail.messageId,
      timestamp,
      destination: mail.to,
      tags: Object.fromEntries(Object.entries(mail.tags).map(([name, value]) => [name, [value]])),
    },
    ...(eventType === 'Delivery' ? { delivery: { timestamp, recipients: mail.to } } : {}),
    ...(eventType === 'Bounce'
      ? { bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: recipients, timestamp } }
      : {}),
    ...(eventType === 'Complaint' ? { complaint: { complainedRecipients: recipients, timestamp } } : {}),
    ...(eventType === 'Open' ? { open: { timestamp } } : {}),
    ...(eventType === 'Click' ? { click: { timestamp, link: 'https://example.com' } } : {}),
  };
}

/**
 * Wraps the local SES mailer: every accepted message produces a Delivery event for the
 * ses-events handler, as SES would a moment later, so local counters move like real ones.
 */
export function withSimulatedDelivery(mailer: Mailer, sink: SesEventSink, now: () => Date): Mailer {
  return {
    async send(email: OutgoingEmail): Promise<SentEmail> {
      const sent = await mailer.send(email);
      setImmediate(() => {
        void sink(sesEvent('Delivery', { messageId: sent.messageId, to: email.to, tags: email.tags }, now())).catch(
          () => undefined,
        );
      });
      return sent;
    },
  };
}
