import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  assertSafeForHeaders,
  type Mailer,
  type OutgoingEmail,
  SendError,
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

  async send(email: OutgoingEmail): Promise<SentEmail> {
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

const THROTTLED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
]);
const CONFIGURATION = new Set(['MailFromDomainNotVerifiedException', 'NotFoundException', 'AccessDeniedException']);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const UNKNOWN_OUTCOME = new Set(['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'AbortError']);

/**
 * SES errors as the sender must treat them. Throttling, 5xx, a connection that never opened,
 * or a configuration problem an operator can fix: certainly not sent, so retried. A timeout or
 * a dropped connection after the request left: SES may have accepted it, so never retried blindly.
 * A rejected message or address: permanent.
 */
export function classifySesError(error: unknown): SendError {
  const {
    name = 'Error',
    code,
    $fault,
    $metadata,
  } = (error ?? {}) as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const id = code ?? name;
  if (THROTTLED.has(name) || CONFIGURATION.has(name) || NOT_CONNECTED.has(id))
    return new SendError(name, 'retryable', id);
  if (UNKNOWN_OUTCOME.has(name) || UNKNOWN_OUTCOME.has(id)) return new SendError(name, 'unknown', id);
  if ($fault === 'server' || ($metadata?.httpStatusCode ?? 0) >= 500) return new SendError(name, 'retryable', id);
  return new SendError(name, 'permanent', id);
}
