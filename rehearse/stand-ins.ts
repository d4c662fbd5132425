import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the two AWS services a shipped bundle calls that have no local emulator
 * here: Secrets Manager's GetSecretValue and SQS's SendMessageBatch (both over the AWS JSON
 * protocol). A bundle is pointed at them with AWS_ENDPOINT_URL_SECRETS_MANAGER and
 * AWS_ENDPOINT_URL_SQS, as the SDK reads those variables itself.
 */
export interface StandIn {
  endpoint: string;
  /** `x-amz-target` of every request received, in order. */
  requests: string[];
  stop(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of request) raw += String(chunk);
  try {
    return raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
}

async function serve(
  contentType: string,
  answer: (target: string, body: Record<string, unknown>) => { status: number; body: unknown },
): Promise<StandIn> {
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    requests.push(target);
    const { status, body } = answer(target, await bodyOf(request));
    response.statusCode = status;
    response.setHeader('content-type', contentType);
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the stand-in answers for every secret by default: the link-signing and identity keys alike. */
export const STAND_IN_SECRET = 'ab'.repeat(32);

/**
 * Secrets an operator pastes after the first deploy (README, "Booking tools: Calendly and Acuity"), as they would be
 * pasted: the rehearsal runs the functions as they answer once set up. Keyed by a part of the
 * secret's logical id.
 */
export const PASTED_SECRETS: Record<string, string> = {
  AcuitySecret: JSON.stringify({ userId: '12345', apiKey: STAND_IN_SECRET }),
};

/**
 * Answers GetSecretValue with `secret` (hex of 32 bytes by default), or with the pasted value
 * of a secret in `pasted`.
 */
export function secretsManagerStandIn(secret = STAND_IN_SECRET, pasted = PASTED_SECRETS): Promise<StandIn> {
  const secretValueFor = (secretId: string) =>
    Object.entries(pasted).find(([logicalIdPart]) => secretId.includes(logicalIdPart))?.[1] ?? secret;
  return serve('application/x-amz-json-1.1', (target, body) =>
    target === 'secretsmanager.GetSecretValue'
      ? {
          status: 200,
          body: { ARN: body.SecretId, Name: 'stand-in', SecretString: secretValueFor(String(body.SecretId)) },
        }
      : { status: 400, body: { __type: 'InvalidRequestException', message: `unexpected ${target}` } },
  );
}

/** Accepts SendMessageBatch and SendMessage for any queue, as SQS would, and keeps nothing. */
export function sqsStandIn(): Promise<StandIn> {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  return serve('application/x-amz-json-1.0', (target, body) => {
    if (target === 'AmazonSQS.SendMessageBatch') {
      const entries = (body.Entries ?? []) as { Id: string; MessageBody: string }[];
      return {
        status: 200,
        body: {
          Successful: entries.map((entry) => ({
            Id: entry.Id,
            MessageId: randomUUID(),
            MD5OfMessageBody: md5(entry.MessageBody),
          })),
          Failed: [],
        },
      };
    }
    if (target === 'AmazonSQS.SendMessage') {
      return { status: 200, body: { MessageId: randomUUID(), MD5OfMessageBody: md5(String(body.MessageBody)) } };
    }
    return { status: 400, body: { __type: 'com.amazonaws.sqs#InvalidAction', message: `unexpected ${target}` } };
  });
}
