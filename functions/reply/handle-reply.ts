import { createHash } from 'node:crypto';
import type { AddressIds } from '../lead/address-ids';
import { checkEmailAddress } from '../lead/email-address';
import type { Mailer } from '../mail/outgoing-email';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import type { Clock } from '../shared/clock';
import { autoReplyReason } from './auto-reply';
import type { InboundMessage, ReplyStore, StoredReply } from './ports';
import { leadFromReplyAddress, looksLikeReplyAddress } from './reply-address';
import { staffReplyEmail, unmatchedReplyEmail } from './reply-emails';
import { replyPlainText } from './reply-text';

export interface ReplyDeps {
  store: ReplyStore;
  /** An email sent before keyed ids names its lead by the unkeyed id (reply address, sent-message index). */
  ids: Pick<AddressIds, 'currentLeadId'>;
  mailer: Mailer;
  replyKey: () => Promise<Buffer>;
  clock: Clock;
  log: Log;
  settings: {
    receivingDomain: string;
    /** Who is told about a reply (the staff notification list). */
    staffAddresses: string[];
    /** Where a reply that matches no lead is forwarded, so it is never dropped. */
    staffInbox: string;
    siteUrl: string;
    practiceTimeZone: string;
  };
}

export type ReplyOutcome =
  | { kind: 'replied'; leadId: string; paused: number; fromOtherAddress: boolean }
  | { kind: 'auto-reply'; leadId: string; reason: string }
  | { kind: 'duplicate'; leadId: string }
  | { kind: 'unmatched'; reason: string };

/** The SES message id in a Message-ID such as `<0100018c…-000000@email.amazonses.com>`. */
function sesMessageIdOf(reference: string): string | undefined {
  const id = reference.replace(/^<|>$/g, '').split('@')[0];
  return id && /^[A-Za-z0-9-]{10,100}$/.test(id) ? id : undefined;
}

async function matchLead(
  message: InboundMessage,
  deps: ReplyDeps,
): Promise<{ leadId: string; matchedBy: StoredReply['matchedBy'] } | { reason: string }> {
  const key = await deps.replyKey();
  for (const recipient of message.recipients) {
    const leadId = leadFromReplyAddress(recipient, deps.settings.receivingDomain, key);
    if (leadId) return { leadId: await deps.ids.currentLeadId(leadId), matchedBy: 'reply-address' };
  }
  // The token may have been lost (a client that lower-cases addresses, a reply to another
  // address): the References name the email it answers, which SES gave its message id.
  for (const reference of [...message.references].reverse()) {
    const messageId = sesMessageIdOf(reference);
    const leadId = messageId ? await deps.store.leadForSentMessage(messageId) : undefined;
    if (leadId) return { leadId: await deps.ids.currentLeadId(leadId), matchedBy: 'in-reply-to' };
  }
  const forged = message.recipients.some(looksLikeReplyAddress);
  return { reason: forged ? 'reply address with an invalid signature' : 'no reply address or known reference' };
}

/**
 * An email that came back to the receiving domain. A person's reply to a sequence email
 * pauses the sequence (status `replied`), goes on the lead's timeline as plain text, opens a
 * follow-up task and tells staff. An automatic reply is noted and the sequence goes on. A
 * reply that matches no lead is forwarded to the staff inbox, never dropped.
 */
export async function handleInboundReply(message: InboundMessage, deps: ReplyDeps): Promise<ReplyOutcome> {
  const at = deps.clock.now().toISOString();
  const text = replyPlainText(message.text, message.html);
  const match = await matchLead(message, deps);
  const lead = 'leadId' in match ? await deps.store.getLead(match.leadId) : undefined;
  if (!('leadId' in match) || !lead) {
    const reason = 'leadId' in match ? 'the lead no longer exists' : match.reason;
    await deps.mailer.send(unmatchedReplyEmail(message, text, reason, deps.settings));
    deps.log.info('Reply matched no lead: forwarded to the staff inbox', { reason, sourceId: message.sourceId });
    return { kind: 'unmatched', reason };
  }
  const { leadId, matchedBy } = match;
  const sender = message.from ? checkEmailAddress(message.from) : undefined;
  const fromOtherAddress = !sender?.ok || sender.normalised !== lead.email;
  const automatic = autoReplyReason(message.headers, message.subject, text);
  const reply: StoredReply = {
    leadId,
    replyId: createHash('sha256')
      .update(message.messageId ?? message.sourceId)
      .digest('base64url')
      .slice(0, 22),
    receivedAt: at,
    text,
    matchedBy,
    fromOtherAddress,
    sourceId: message.sourceId,
    ...(automatic ? { automatic } : {}),
  };

  if (automatic) {
    const recorded = await deps.store.recordReply(reply);
    deps.log.info('Automatic reply noted; the sequence goes on', { leadId, reason: automatic, recorded });
    return { kind: 'auto-reply', leadId, reason: automatic };
  }
  // Paused first: it is idempotent, so a retried delivery still pauses if the first try
  // stopped halfway, and the reply is stored only once.
  const paused = await deps.store.pauseEnrolments(leadId, at);
  const recorded = await deps.store.recordReply(reply);
  if (recorded === 'unknown-lead') {
    await deps.mailer.send(unmatchedReplyEmail(message, text, 'the lead no longer exists', deps.settings));
    return { kind: 'unmatched', reason: 'the lead no longer exists' };
  }
  if (recorded === 'duplicate-notified') return { kind: 'duplicate', leadId };
  try {
    await deps.mailer.send(staffReplyEmail(reply, deps.settings));
    await deps.store.markReplyNotified(leadId, reply.replyId, deps.clock.now().toISOString());
  } catch (error) {
    // Stored and paused: the retry of this delivery notifies (the reply is not yet marked notified).
    deps.log.warn('Staff not yet told about a reply', { leadId, ...errorFields(error) });
    throw error;
  }
  deps.log.info('Reply received: sequence paused, follow-up task opened, staff told', {
    leadId,
    matchedBy,
    fromOtherAddress,
    paused: paused.length,
  });
  return { kind: 'replied', leadId, paused: paused.length, fromOtherAddress };
}
