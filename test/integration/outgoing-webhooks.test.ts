import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { DynamoWebhookStore } from '../../functions/adapters/dynamodb/webhook-store';
import { destinationCheck } from '../../functions/adapters/webhook-poster';
import { parseEnv } from '../../functions/config/env';
import { webhookDelivererEnvSchema, webhookEventsEnvSchema } from '../../functions/config/webhook-env';
import { makeWebhookDelivererHandler } from '../../functions/lambdas/webhook-deliverer/handler';
import { posterOptionsFrom, webhookDelivererDeps } from '../../functions/lambdas/webhook-deliverer/wiring';
import { makeWebhookEventsHandler } from '../../functions/lambdas/webhook-events/handler';
import { webhookEventsDeps } from '../../functions/lambdas/webhook-events/wiring';
import type { OutgoingEmail } from '../../functions/mail/outgoing-email';
import { ValidationError } from '../../functions/shared/errors';
import { registerEndpoint } from '../../functions/webhooks/endpoint-registration';
import { EVENT_SOURCE_FILTERS } from '../../functions/webhooks/events';
import type { DeliveryMessage, DeliveryQueue } from '../../functions/webhooks/ports';
import { matchesPattern } from '../../local/event-pattern';
import { dripHarness, TestClock } from '../support/drip-harness';

/**
 * Outgoing webhooks end to end on DynamoDB Local: a table change → the stream consumer → the
 * queue → the deliverer → a real HTTP receiver on this machine, verified with the Standard
 * Webhooks library a receiver would use. Host names resolve through an injected resolver, so
 * the SSRF rules are tested with no network.
 */

jest.setTimeout(60_000);

const now = new Date('2026-12-01T15:00:00Z');
type Harness = Awaited<ReturnType<typeof dripHarness>>;
let harness: Harness;
let clock: TestClock;
let store: DynamoWebhookStore;

/** What DNS answers, per test: names → addresses. */
const dns = new Map<string, string[]>();
const resolver = async (host: string) => {
  const addresses = dns.get(host);
  if (!addresses) throw new Error(`ENOTFOUND ${host}`);
  return addresses;
};

class RecordingQueue implements DeliveryQueue {
  sent: { message: DeliveryMessage; delaySeconds: number }[] = [];
  dead: DeliveryMessage[] = [];
  async send(message: DeliveryMessage, delaySeconds: number) {
    this.sent.push({ message, delaySeconds });
  }
  async deadLetter(message: DeliveryMessage) {
    this.dead.push(message);
  }
  take(): DeliveryMessage[] {
    const messages = this.sent.map((entry) => entry.message);
    this.sent = [];
    return messages;
  }
}

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}
let receiver: Server;
let receiverPort: number;
const received: Received[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(204).end();

const alerts: OutgoingEmail[] = [];
let localEnv: Record<string, string>;

function deliverer(queue: DeliveryQueue, options: { local?: boolean; timeoutMs?: number } = {}) {
  const env = parseEnv(webhookDelivererEnvSchema, {
    ...localEnv,
    WEBHOOKS_LOCAL_DEVELOPMENT: options.local === false ? '0' : '1',
  });
  return makeWebhookDelivererHandler(
    webhookDelivererDeps(env, {
      clock,
      resolver,
      deliveryQueue: queue,
      posterLimits: { timeoutMs: options.timeoutMs ?? 2000 },
      mailer: {
        send: async (email) => {
          alerts.push(email);
          return { messageId: 'local' };
        },
      },
    }),
  );
}

function registrationDeps(local = true) {
  const options = posterOptionsFrom({ WEBHOOKS_LOCAL_DEVELOPMENT: local }, { resolver });
  return { store, destinations: destinationCheck(options), allowHttp: local, now: () => clock.now() };
}

const sqsEvent = (messages: DeliveryMessage[]): SQSEvent =>
  ({
    Records: messages.map((message, index) => ({ messageId: `m${index}`, body: JSON.stringify(message) })),
  }) as unknown as SQSEvent;

/** The stream record DynamoDB would emit for this lead's profile, checked against the mapping's filter. */
async function streamInsertOf(leadId: string): Promise<DynamoDBStreamEvent> {
  const { Item } = await harness.doc.send(
    new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: harness.tableName, Key: keys.lead(leadId) }),
  );
  const record = {
    eventName: 'INSERT' as const,
    dynamodb: {
      Keys: marshall(keys.lead(leadId)),
      NewImage: marshall(Item!, { removeUndefinedValues: true }),
      SequenceNumber: '1',
    },
  };
  expect(EVENT_SOURCE_FILTERS.some((filter) => matchesPattern(filter, record))).toBe(true);
  return { Records: [record] } as unknown as DynamoDBStreamEvent;
}

beforeAll(async () => {
  clock = new TestClock(now);
  harness = await dripHarness({ clock });
  localEnv = {
    ...harness.env,
    WEBHOOK_QUEUE_URL: 'http://localhost/webhooks',
    WEBHOOK_DEAD_LETTER_QUEUE_URL: 'http://localhost/webhooks-dlq',
  };
  store = new DynamoWebhookStore({ client: harness.doc as never, tableName: harness.tableName, dueShards: 4 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  // A name only this test's resolver knows: reaching it proves the connection went to the checked address.
  dns.set('receiver.test', ['127.0.0.1']);
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received.length = 0;
  alerts.length = 0;
  answer = (_req, res) => res.writeHead(204).end();
  clock.set(now);
  for (const endpoint of await store.listEndpoints()) await store.deleteEndpoint(endpoint.endpointId);
});

let serial = 0;
const newLead = async () => {
  serial += 1;
  const email = `hooks.${serial}@example.com`;
  return { email, leadId: await harness.seedLead(email, now) };
};

async function registered(path = '/hooks', events = ['lead.created'] as const) {
  return registerEndpoint(
    { url: `http://receiver.test:${receiverPort}${path}`, events: [...events] },
    'admin@example.com',
    registrationDeps(),
  );
}

/** A lead.created delivery queued for the endpoint, as the stream consumer queues it. */
async function queuedCreated(queue: RecordingQueue) {
  const { leadId, email } = await newLead();
  const events = makeWebhookEventsHandler(
    webhookEventsDeps(parseEnv(webhookEventsEnvSchema, localEnv), { clock, deliveryQueue: queue }),
  );
  expect(await events(await streamInsertOf(leadId))).toEqual({ batchItemFailures: [] });
  return { leadId, email, messages: queue.take() };
}

describe('a registered local receiver', () => {
  it('gets a signed lead.created that the Standard Webhooks library verifies, and the log shows it delivered', async () => {
    // The library checks the timestamp against the real clock: deliver at the real time.
    clock.set(new Date());
    const { endpoint, secret } = await registered();
    const queue = new RecordingQueue();
    const { leadId, email, messages } = await queuedCreated(queue);
    expect(messages).toHaveLength(1);

    expect(await deliverer(queue)(sqsEvent(messages))).toEqual({ batchItemFailures: [] });

    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    const verified = new Webhook(secret).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ type: 'lead.created', data: { id: leadId, email } });
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(body, headers as never),
    ).toThrow();
    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'delivered', attempts: 1, lastResponseCode: 204, type: 'lead.created' });
    expect(JSON.stringify(log)).not.toContain(email);
  });

  it('queues one delivery when the same change is seen twice', async () => {
    await registered();
    const queue = new RecordingQueue();
    const { leadId } = await newLead();
    const events = makeWebhookEventsHandler(
      webhookEventsDeps(parseEnv(webhookEventsEnvSchema, localEnv), { clock, deliveryQueue: queue }),
    );
    const record = await streamInsertOf(leadId);
    await events(record);
    await events(record);
    expect(queue.take()).toHaveLength(1);
  });
});

describe('a fan-out slower than the deliverer', () => {
  it('does not rewind a delivery the deliverer already made when it marks the delivery queued', async () => {
    const { endpoint } = await registered();
    const { leadId } = await newLead();
    const record = await streamInsertOf(leadId);
    // The deliverer takes the message as soon as it is on the queue, before fan-out marks it queued.
    const delivering: Promise<unknown>[] = [];
    const eager = new RecordingQueue();
    const immediate = Object.assign(Object.create(eager) as RecordingQueue, {
      async send(message: DeliveryMessage, delaySeconds: number) {
        await eager.send(message, delaySeconds);
        const run = deliverer(new RecordingQueue())(sqsEvent([message]));
        delivering.push(run);
        await run;
      },
    });
    const events = makeWebhookEventsHandler(
      webhookEventsDeps(parseEnv(webhookEventsEnvSchema, localEnv), { clock, deliveryQueue: immediate }),
    );

    await events(record);
    await Promise.all(delivering);

    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(log!.queuedAt).toBeDefined();
    expect(received).toHaveLength(1);
  });
});

describe('a receiver that does not answer 2xx is retried with backoff, never followed', () => {
  it.each([
    [
      'answers 500',
      (_req: IncomingMessage, res: ServerResponse) => res.writeHead(500).end('oops'),
      { lastResponseCode: 500 },
    ],
    [
      'redirects (the redirect is not followed)',
      (_req: IncomingMessage, res: ServerResponse) => res.writeHead(302, { location: '/elsewhere' }).end(),
      { lastResponseCode: 302 },
    ],
    ['times out', () => undefined, { lastError: expect.stringMatching(/no answer within 300 ms/) }],
  ])('an endpoint that %s', async (_label, respond, expected) => {
    answer = respond as typeof answer;
    const { endpoint } = await registered();
    const queue = new RecordingQueue();
    const { messages } = await queuedCreated(queue);

    await deliverer(queue, { timeoutMs: 300 })(sqsEvent(messages));

    // One request only: a redirect's target was never asked.
    expect(received.map((request) => request.body.length > 0)).toEqual([true]);
    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'retrying', attempts: 1, ...expected });
    const [retry] = queue.sent;
    expect(retry?.message).toMatchObject({ attempt: 2, eventId: messages[0]!.eventId });
    expect(retry!.delaySeconds).toBeGreaterThan(0);
    expect(Date.parse(retry!.message.notBefore!)).toBeGreaterThan(now.getTime());
  });

  it('makes an attempt once when SQS hands it again after its retry was queued (the batch ran out of time)', async () => {
    answer = (_req, res) => res.writeHead(500).end('oops');
    const { endpoint } = await registered();
    const queue = new RecordingQueue();
    const { messages } = await queuedCreated(queue);
    await deliverer(queue)(sqsEvent(messages));
    expect(queue.sent).toHaveLength(1);

    // The same message again, as SQS redelivers one whose batch did not finish.
    await deliverer(queue)(sqsEvent(messages));

    expect(received).toHaveLength(1);
    expect(queue.sent).toHaveLength(1);
    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'retrying', attempts: 1 });
  });

  it('keeps the retry chain when queuing the next attempt fails: SQS hands the attempt again and it is made again', async () => {
    answer = (_req, res) => res.writeHead(500).end('oops');
    const { endpoint } = await registered();
    const queue = new RecordingQueue();
    const { messages } = await queuedCreated(queue);
    const failingOnce = Object.assign(Object.create(queue) as RecordingQueue, {
      failed: false,
      async send(message: DeliveryMessage, delaySeconds: number) {
        if (!this.failed) {
          this.failed = true;
          throw new Error('SQS unavailable');
        }
        return queue.send(message, delaySeconds);
      },
    });
    expect(await deliverer(failingOnce)(sqsEvent(messages))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });

    await deliverer(failingOnce)(sqsEvent(messages));

    expect(received).toHaveLength(2);
    expect(queue.sent.map((entry) => entry.message.attempt)).toEqual([2]);
    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'retrying', attempts: 1 });
  });

  it('stops after 24 hours: dead-letter queue, endpoint turned off, admins emailed', async () => {
    answer = (_req, res) => res.writeHead(503).end();
    const { endpoint } = await registered();
    const queue = new RecordingQueue();
    const { messages } = await queuedCreated(queue);
    const late = {
      ...messages[0]!,
      attempt: 12,
      firstAttemptAt: new Date(now.getTime() - 23.9 * 3600_000).toISOString(),
    };

    await deliverer(queue)(sqsEvent([late]));

    expect(queue.dead).toEqual([late]);
    expect(queue.sent).toEqual([]);
    expect(await store.getEndpoint(endpoint.endpointId)).toMatchObject({ enabled: false });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toBe('A webhook endpoint was turned off');
    expect(alerts[0]!.text).toContain(`receiver.test:${receiverPort}`);
    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'failed', lastResponseCode: 503 });
  });
});

describe('SSRF: endpoints that resolve to private addresses', () => {
  it.each([
    ['a private address', 'crm.internal.example', ['10.1.2.3']],
    ['the instance metadata address', 'metadata.example', ['169.254.169.254']],
    ['loopback, outside local development', 'localhost.example', ['127.0.0.1']],
    ['IPv6 unique-local (AWS metadata over IPv6)', 'v6.example', ['fd00:ec2::254']],
    ['an IPv4-mapped private address', 'mapped.example', ['::ffff:192.168.1.5']],
    ['one public and one private address', 'mixed.example', ['93.184.216.34', '10.0.0.1']],
  ])('are refused at registration: %s', async (_label, host, addresses) => {
    dns.set(host, addresses);
    const attempt = registerEndpoint(
      { url: `https://${host}/hooks`, events: ['lead.created'] },
      'admin@example.com',
      registrationDeps(false),
    );
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ fields: [expect.objectContaining({ field: 'url' })] });
    expect(await store.listEndpoints()).toEqual([]);
  });

  it('refuses http:// outside local development, naming the field', async () => {
    dns.set('crm.example', ['93.184.216.34']);
    await expect(
      registerEndpoint({ url: 'http://crm.example/hooks', events: ['lead.created'] }, 'a', registrationDeps(false)),
    ).rejects.toMatchObject({ fields: [{ field: 'url', message: 'The URL must start with https://' }] });
  });

  it('are refused at delivery when the name resolves elsewhere after registration (DNS rebinding)', async () => {
    dns.set('rebinding.example', ['93.184.216.34']);
    const { endpoint } = await registerEndpoint(
      { url: 'https://rebinding.example/hooks', events: ['lead.created'] },
      'admin@example.com',
      registrationDeps(false),
    );
    dns.set('rebinding.example', ['169.254.169.254']);
    const queue = new RecordingQueue();
    const { messages } = await queuedCreated(queue);

    await deliverer(queue, { local: false })(sqsEvent(messages));

    const [log] = await store.listDeliveries(endpoint.endpointId, 10);
    expect(log).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(log!.lastError).toMatch(/^refused: a private, loopback, link-local or reserved address/);
    expect(log!.lastResponseCode).toBeUndefined();
  });
});
