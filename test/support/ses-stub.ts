import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub does with one SendEmail request, after reading it whole. */
export type StubBehaviour =
  | 'accept'
  | 'destroy-socket'
  | 'answer-504'
  | 'answer-500'
  | 'throttle'
  | 'hang'
  | ((request: IncomingMessage, response: ServerResponse) => void);

/**
 * A real HTTP server standing in for SES v2, behind the real SESv2Client: the SDK's retry and
 * timeout middleware run as they do in Lambda (aws-sdk-client-mock would replace `send` and
 * skip them). It counts the SendEmail requests it received in full.
 */
export async function sesStub(initial: StubBehaviour = 'accept') {
  let behaviour = initial;
  const received: string[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url?.startsWith('/v2/email/outbound-emails')) {
        received.push(`SendEmail of ${Buffer.concat(chunks).length} bytes`);
      }
      if (typeof behaviour === 'function') return behaviour(request, response);
      switch (behaviour) {
        case 'accept':
          response.writeHead(200, { 'content-type': 'application/json' });
          return response.end(JSON.stringify({ MessageId: randomUUID() }));
        case 'destroy-socket':
          // SES has the whole request (it may have accepted it); the answer never comes back.
          return request.socket.destroy();
        case 'answer-504':
        case 'answer-500': {
          const status = behaviour === 'answer-504' ? 504 : 500;
          response.writeHead(status, { 'content-type': 'text/html' });
          return response.end(`<html><body>${status}</body></html>`);
        }
        case 'throttle':
          response.writeHead(429, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'TooManyRequestsException',
          });
          return response.end(JSON.stringify({ message: 'Too many requests' }));
        case 'hang':
          hanging.push(response);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** SendEmail requests received in full, in order. */
    received,
    set(next: StubBehaviour) {
      behaviour = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
