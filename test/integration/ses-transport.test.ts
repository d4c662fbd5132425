import { createServer } from 'node:net';
import { SES_CONNECTION_TIMEOUT_MS, SES_REQUEST_TIMEOUT_MS, sesClient } from '../../functions/adapters/clients/ses';
import { DynamoSendRecordStore } from '../../functions/adapters/dynamodb/send-records';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { SENDER_TIME_RESERVE_MS } from '../../functions/drip/time-budget';
import { type OutgoingEmail, SendError } from '../../functions/mail/outgoing-email';
import { dripHarness, TestClock } from '../support/drip-harness';
import { uniqueEmail } from '../support/services';
import { sesStub } from '../support/ses-stub';

/**
 * The real SESv2Client and SesMailer against a node:http stub, so the SDK's own retry and
 * timeout middleware is on the path: a message SES may have accepted must never be sent twice.
 */

jest.setTimeout(30_000);

const email: OutgoingEmail = {
  to: ['transport.reader@example.com'],
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: [],
  tags: { kind: 'test' },
};

function mailerOn(endpoint: string, timeouts: { requestTimeoutMs?: number } = {}) {
  return new SesMailer({
    client: sesClient({ endpoint, ...timeouts }),
    fromAddress: 'clinic@example.com',
    fromName: 'Clinic',
  });
}

async function sendError(mailer: SesMailer): Promise<SendError> {
  const error = await mailer.send(email).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

/** A port with nothing listening on it: the connection is refused before any byte is written. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SesMailer over HTTP, with the SDK’s middleware on the path', () => {
  it.each([
    ['the socket is destroyed after SES read the request', 'destroy-socket'],
    ['SES answers 504 after reading the request', 'answer-504'],
    ['SES answers 500 after reading the request', 'answer-500'],
  ] as const)('sends once and reports the outcome unknown when %s', async (_label, behaviour) => {
    const stub = await sesStub(behaviour);
    try {
      const error = await sendError(mailerOn(stub.endpoint));

      expect(error.outcome).toBe('unknown');
      expect(stub.received).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it('gives up on a hung request after its timeout, sends once, and reports the outcome unknown', async () => {
    const stub = await sesStub('hang');
    try {
      const error = await sendError(mailerOn(stub.endpoint, { requestTimeoutMs: 300 }));

      expect(error.outcome).toBe('unknown');
      expect(stub.received).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it('reports throttling as retryable without the SDK resending it (the sender paces its own retries)', async () => {
    const stub = await sesStub('throttle');
    try {
      const error = await sendError(mailerOn(stub.endpoint));

      expect(error.outcome).toBe('retryable');
      expect(stub.received).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it('reports a refused connection as retryable: nothing was written', async () => {
    const error = await sendError(mailerOn(`http://127.0.0.1:${await closedPort()}`));

    expect(error.outcome).toBe('retryable');
  });

  it('sends once and returns the message id when SES accepts', async () => {
    const stub = await sesStub('accept');
    try {
      const sent = await mailerOn(stub.endpoint).send(email);

      expect(sent.messageId).toMatch(/\S/);
      expect(stub.received).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it('gives up on a send well inside the sender’s reserve, leaving time to record the outcome', () => {
    expect(SES_CONNECTION_TIMEOUT_MS + SES_REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(SENDER_TIME_RESERVE_MS / 2);
  });
});

describe('the sender with SES dropping the connection after the request', () => {
  it.each([
    ['the socket is destroyed', 'destroy-socket'],
    ['SES answers 504', 'answer-504'],
  ] as const)(
    'records the step failed as unknown, counts it, and never sends it again when %s',
    async (_label, behaviour) => {
      const clock = new TestClock(new Date('2026-12-01T15:00:00Z'));
      const stub = await sesStub(behaviour);
      try {
        const harness = await dripHarness({ clock });
        const leadId = await harness.seedLead(uniqueEmail('transport'), clock.now());
        const worker = harness.worker({ mailer: mailerOn(stub.endpoint), maxReceives: 5 });
        worker.attach();
        const sendRecords = new DynamoSendRecordStore({
          client: harness.doc as never,
          tableName: harness.tableName,
          dueShards: 4,
        });

        await worker.dispatch();
        await worker.queue.drain();
        clock.advance(41 * 60 * 1000); // past the dispatcher's lease: anything still due is queued again
        await worker.dispatch();
        await worker.queue.drain();

        expect(stub.received).toHaveLength(1);
        expect(
          await sendRecords.getSendRecord(leadId, harness.sequence.id, harness.sequence.steps[0]!.id),
        ).toMatchObject({
          status: 'failed',
          reason: expect.stringMatching(/^unknown: /),
        });
        expect(worker.counters.totals.SendUnknown).toBe(1);
        expect(worker.queue.deadLetters).toEqual([]);
      } finally {
        await stub.close();
      }
    },
  );
});
