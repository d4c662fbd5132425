import { checkEmailAddress } from '../lead/email-address';
import type { OutgoingEmail } from '../mail/outgoing-email';
import { escapeHtml } from '../render/escape';
import type { InboundMessage, StoredReply } from './ports';

interface Settings {
  staffAddresses: string[];
  staffInbox: string;
  siteUrl: string;
}

function consoleLeadUrl(siteUrl: string, leadId: string): string {
  return `${siteUrl.replace(/\/$/, '')}/console/#/leads/${encodeURIComponent(leadId)}`;
}

function asHtml(lines: string[]): string {
  return `<div style="font-family:sans-serif;white-space:pre-wrap">${lines.map(escapeHtml).join('<br>')}</div>`;
}

/** Staff hear that a lead replied. The subject names nobody: it shows on lock screens and in previews. */
export function staffReplyEmail(reply: StoredReply, settings: Settings): OutgoingEmail {
  const lines = [
    'A lead replied to a nurture email. Their sequence is paused and a follow-up task is open.',
    '',
    ...(reply.fromOtherAddress
      ? ['Flagged: the reply came from an address other than the lead’s (the reply token matched it).', '']
      : []),
    `Open the lead in the console: ${consoleLeadUrl(settings.siteUrl, reply.leadId)}`,
    '',
    'What they wrote:',
    '',
    reply.text || '(no text)',
  ];
  return {
    to: settings.staffAddresses,
    subject: 'A lead replied to a nurture email',
    text: lines.join('\n'),
    html: asHtml(lines),
    headers: [],
    tags: { kind: 'reply-notification', lead: reply.leadId },
  };
}

/**
 * A reply that matched no lead goes to the staff inbox, so nothing is dropped. The sender's
 * address goes in the body and, if it is a valid address, in Reply-To (never in From).
 */
export function unmatchedReplyEmail(
  message: InboundMessage,
  text: string,
  reason: string,
  settings: Settings,
): OutgoingEmail {
  const sender = message.from ? checkEmailAddress(message.from) : undefined;
  const lines = [
    `An email reached the reply address but matched no lead (${reason}). It is forwarded here so it is not lost.`,
    '',
    `From: ${message.from ?? '(no sender)'}`,
    `Subject: ${(message.subject ?? '(none)').replace(/[\r\n]+/g, ' ')}`,
    `Stored as: ${message.sourceId}`,
    '',
    text || '(no text)',
  ];
  return {
    to: [settings.staffInbox],
    subject: 'A reply that matched no lead',
    text: lines.join('\n'),
    html: asHtml(lines),
    headers: [],
    tags: { kind: 'reply-unmatched' },
    ...(sender?.ok ? { replyTo: sender.normalised } : {}),
  };
}

/** A received message that could not be read as an email: staff are told where it is kept. */
export function unreadableMessageEmail(sourceId: string, reason: string, settings: Settings): OutgoingEmail {
  const lines = [
    `A message reached the reply address but could not be read as an email (${reason}).`,
    `It is kept as ${sourceId} until the bucket's lifecycle rule deletes it.`,
  ];
  return {
    to: [settings.staffInbox],
    subject: 'A received message could not be read',
    text: lines.join('\n'),
    html: asHtml(lines),
    headers: [],
    tags: { kind: 'reply-unreadable' },
  };
}
