import { randomUUID } from 'node:crypto';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { MAX_MESSAGE_BYTES, MalformedMessageError, parseInboundMessage } from '../functions/adapters/mime-message';
import type { MemoryRawMessages } from '../functions/adapters/s3-raw-messages';
import type { SesReceiptEvent } from '../functions/lambdas/inbound/handler';

export interface InboundSmtpOptions {
  port: number;
  /** Only this machine, unless the stack is opened to the network. */
  host: string;
  /** Replies go to r+…@<receivingDomain>; other recipients are refused. */
  receivingDomain: string;
  /** The inbound function's handler, as SES receiving invokes it after storing the message. */
  deliver(event: SesReceiptEvent): Promise<unknown>;
  rawMessages: MemoryRawMessages;
}

export interface RunningSmtp {
  port: number;
  stop(): Promise<void>;
}

/** An SMTP refusal with its reply code: smtp-server answers the client with it. */
function refusal(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * SES receiving, locally: a real SMTP server (smtp-server, from the Nodemailer project) on a local
 * port. A message it accepts is handed to the same inbound handler as in AWS, in the same event
 * shape, with the raw message where the handler's store finds it. An oversized message (552) or
 * one that is not an email (550) is refused before anything is stored.
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<RunningSmtp> {
  const domain = options.receivingDomain.toLowerCase();
  const server = new SMTPServer({
    banner: 'clinic-lead-nurture local replies',
    size: MAX_MESSAGE_BYTES,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const at = address.address.lastIndexOf('@');
      if (at < 0 || address.address.slice(at + 1).toLowerCase() !== domain) {
        callback(refusal(550, `5.1.1 Only replies to @${domain} are received here`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      void readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            throw refusal(552, `5.3.4 Message too large: at most ${MAX_MESSAGE_BYTES} bytes`);
          }
          const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
          try {
            await parseInboundMessage(raw, { sourceId: 'local', recipients });
          } catch (error) {
            if (error instanceof MalformedMessageError) throw refusal(550, `5.6.0 ${error.message}`);
            throw error;
          }
          const messageId = randomUUID();
          options.rawMessages.put(messageId, raw);
          await options.deliver({
            Records: [{ eventSource: 'aws:ses', ses: { mail: { messageId }, receipt: { recipients } } }],
          });
        })
        .then(
          () => callback(),
          (error: Error & { responseCode?: number }) =>
            callback(
              error.responseCode ? error : refusal(451, '4.3.0 Could not handle the message now, try again later'),
            ),
        );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
