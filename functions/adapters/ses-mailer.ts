import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  assertSafeForHeaders,
  type Mailer,
  type OutgoingEmail,
  SendError,
  type SendOptions,
  type SentEmail,
} from '../mail/outgoing-email';

export interface SesMailerOptions {
  client: SESv2Client;
  /** From configuration only: user input never reaches the From header. */
  fromAddress: string;
  fromName: string;
  replyTo?: string;
  configurationSet?: string;
}

/** SES v2 SendEmail with Simple content, so custom headers (List-Unsubscribe) are kept. */
export class SesMailer implements Mailer {
  private readonly from: string;

  constructor(private readonly options: SesMailerOptions) {
    this.from = formatMailbox(options.fromName, options.fromAddress);
  }

  async send(email: OutgoingEmail, options: SendOptions = {}): Promise<SentEmail> {
    assertSafeForHeaders(email);
    const result = await this.options.client
      .send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: email.to },
          ...(this.options.replyTo ? { ReplyToAddresses: [this.options.replyTo] } : {}),
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
              ...(email.headers.length > 0
                ? { Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })) }
                : {}),
            },
          },
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
          EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
        options.abortSignal ? { abortSignal: options.abortSignal } : {},
      )
      .catch((error: unknown) => {
        throw classifySesError(error);
      });
    if (!result.MessageId) throw new Error('SES accepted the message without a message id');
    return { messageId: result.MessageId };
  }
}

/** "Name" <address>, with RFC 2047 encoding when the configured name is not plain ASCII. */
export function formatMailbox(name: string, address: string): string {
  if (/[\r\n]/.test(name) || /[\r\n<>]/.test(address)) throw new Error('Sender name and address must be single-line');
  const printable = /^[\x20-\x7e]*$/.test(name);
  const display = printable
    ? `"${name.replace(/["\\]/g, '\\$&')}"`
    : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

/** Held back: SES sends nothing for now, for every lead alike, and says so before accepting. */
const THROTTLED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
  // The account, not this message: every due step would otherwise be marked failed for good.
  'AccountSuspendedException',
]);
const CONFIGURATION = new Set([
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
  'AccessDeniedException',
  // No credentials: the request was never signed, let alone written.
  'CredentialsProviderError',
  // Refused at the door for its signature (expired session credentials, a skewed clock): SES
  // did not read the message, and the same send succeeds once the credentials or clock are right.
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
]);
const SOCKET_ERROR_CODE = /\b(ECONN[A-Z]+|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)\b/;
/** SendEmail's own refusals of a message, an address or the account. */
const REFUSED = new Set(['MessageRejected', 'BadRequestException']);
/**
 * A connection that never opened: refused, a name that did not resolve, or the SDK's connection
 * timeout. Matched on the message too: the SDK wraps an error from another realm (jest's VM)
 * into a plain Error that keeps only the message.
 */
const NEVER_CONNECTED = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b|did not establish a connection/;

/**
 * SES errors as the sender must treat them.
 * - retryable, certainly not sent: throttling, a configuration problem an operator can fix (both
 *   answered with a 4xx before anything is accepted), or a connection that never opened.
 * - unknown, SES may have accepted it: anything after the request was written without a clear
 *   refusal: a timeout, a reset or dropped connection, a 5xx (SES can fail after accepting),
 *   an unreadable answer. Never resent; the sender records it and counts it for the alarm.
 * - permanent: SES refused the message or the address (any other 4xx).
 */
export function classifySesError(error: unknown): SendError {
  const {
    name = 'Error',
    code,
    message = '',
    $fault,
    $metadata,
  } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const id = code ?? SOCKET_ERROR_CODE.exec(message)?.[0] ?? name;
  const status = $metadata?.httpStatusCode;
  if (THROTTLED.has(name) || CONFIGURATION.has(name)) return new SendError(name, 'retryable', id);
  if (status === undefined && (NEVER_CONNECTED.test(id) || NEVER_CONNECTED.test(message))) {
    return new SendError(name, 'retryable', id);
  }
  const refused = REFUSED.has(name) || (status === undefined ? $fault === 'client' : status >= 400 && status < 500);
  if (refused) return new SendError(name, 'permanent', id);
  return new SendError(name, 'unknown', status === undefined ? id : `${id} (HTTP ${status})`);
}
