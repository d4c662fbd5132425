import PostalMime, { type Address, type Email } from 'postal-mime';
import type { InboundMessage } from '../reply/ports';

/** Larger than any reply a person writes; SES receiving itself caps messages at 40 MB. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

/** Mailbox addresses of a header, groups flattened. */
function addresses(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((entry) => (entry.group ? entry.group.map((member) => member.address) : [entry.address]));
}

function messageIds(value: string | undefined): string[] {
  return [...(value ?? '').matchAll(/<([^<>\s]{1,250})>/g)].map((match) => match[1]!);
}

/**
 * Parses a raw RFC 5322 message with postal-mime (no dependencies, made for serverless
 * runtimes). What is not an email is refused: no header section, no From mailbox, more parts or
 * nesting than any reply has, or headers over 64 KB.
 */
export async function parseInboundMessage(
  raw: Buffer,
  envelope: { sourceId: string; recipients: string[] },
): Promise<InboundMessage> {
  if (raw.length > MAX_MESSAGE_BYTES) throw new MalformedMessageError('The message is too large');
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const headerEnd = head.search(/\r?\n\r?\n/);
  const headerSection = headerEnd < 0 ? head : head.slice(0, headerEnd);
  if (!/^[!-9;-~]+:/m.test(headerSection) || !/^from:/im.test(headerSection)) {
    throw new MalformedMessageError('The message has no header section with a From field');
  }
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { maxHeadersSize: 64 * 1024, maxPartCount: 100, maxNestingDepth: 20 });
  } catch (error) {
    throw new MalformedMessageError(`The message could not be parsed: ${(error as Error).name}`);
  }
  const from = email.from?.address;
  if (!from) throw new MalformedMessageError('The message has no From mailbox');
  return {
    sourceId: envelope.sourceId,
    ...(email.messageId ? { messageId: email.messageId } : {}),
    from,
    recipients: [...envelope.recipients, ...addresses(email.to), ...addresses(email.cc)],
    ...(email.subject !== undefined ? { subject: email.subject } : {}),
    references: [...messageIds(email.references), ...messageIds(email.inReplyTo)],
    headers: email.headers.map((header) => ({ name: header.key, value: header.value })),
    ...(email.text !== undefined ? { text: email.text } : {}),
    ...(email.html !== undefined ? { html: email.html } : {}),
  };
}
