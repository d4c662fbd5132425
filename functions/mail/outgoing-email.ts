import { HEADER_BREAKING } from '../config/clinic-schema';

export interface EmailHeader {
  name: string;
  value: string;
}

/** What the domain hands to the mail adapter. The From address is the adapter's, from configuration. */
export interface OutgoingEmail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: EmailHeader[];
  /** Overrides the configured Reply-To (a sequence email's per-lead reply address). */
  replyTo?: string;
  /** SES message tags: they come back on delivery, open and click events. */
  tags: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
}

export interface SendOptions {
  /** Stops the send: if it fires after the request left, the outcome is `unknown`. */
  abortSignal?: AbortSignal;
}

export interface Mailer {
  send(email: OutgoingEmail, options?: SendOptions): Promise<SentEmail>;
}

export class HeaderInjectionError extends Error {
  override name = 'HeaderInjectionError';
}

const TAG_VALUE = /^[A-Za-z0-9_.@-]{1,256}$/;

/**
 * Last line of defence before anything becomes a header: the form schema already refuses
 * CR/LF, but templates, configuration and future callers go through here too.
 */
export function assertSafeForHeaders(email: OutgoingEmail): void {
  const values = [
    email.subject,
    ...email.to,
    ...(email.replyTo === undefined ? [] : [email.replyTo]),
    ...email.headers.flatMap((header) => [header.name, header.value]),
  ];
  if (values.some((value) => HEADER_BREAKING.test(value))) {
    throw new HeaderInjectionError('A header value contains a line break or control character');
  }
  for (const [name, value] of Object.entries(email.tags)) {
    if (!TAG_VALUE.test(name) || !TAG_VALUE.test(value)) throw new HeaderInjectionError(`Invalid message tag ${name}`);
  }
}

/** RFC 8058 one-click unsubscribe headers, on every marketing email. */
export function listUnsubscribeHeaders(unsubscribeUrl: string): EmailHeader[] {
  return [
    { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

/**
 * How a failed send must be treated. The mail adapter maps its provider's errors onto these,
 * so the sender's retry and exactly-once rules do not depend on SES error names.
 */
export class SendError extends Error {
  override name = 'SendError';
  constructor(
    message: string,
    /**
     * retryable: certainly not sent (throttled, refused before acceptance): try again later.
     * permanent: will never be accepted (bad address, rejected content): record as failed.
     * unknown: the provider may or may not have sent it (timeout): never retried blindly.
     */
    readonly outcome: 'retryable' | 'permanent' | 'unknown',
    readonly code: string,
  ) {
    super(message);
  }
}
