import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { validLead } from '../support/capture-harness';
import { localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/**
 * Outgoing webhooks as a newcomer tries them on `npm start`: an admin registers a receiver on
 * this machine through the console's API, a visitor posts the form, and the receiver gets a
 * signed lead.created (through the local stream mapping and queue); the delivery log shows it.
 */

jest.setTimeout(120_000);

let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('a receiver registered in the console gets a signed lead.created, and the console lists the delivery', async () => {
  const stack = await localStackForTest({ CONSENT_MODE: 'single' });
  try {
    const admin = stack.consoleUsers.find((user) => user.groups.includes('admin'))!;
    const login = await fetch(`${stack.base}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.base}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const refused = await api('POST', '/webhooks', { url: 'https://10.0.0.8/hooks', events: ['lead.created'] });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'url' })]);

    const created = await api('POST', '/webhooks', { url: receiverUrl, events: ['lead.created'] });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    const endpointId = (created.body.endpoint as { endpointId: string }).endpointId;
    expect(JSON.stringify((await api('GET', '/webhooks')).body)).not.toContain(secret);

    const email = uniqueEmail('webhook');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);
    const delivery = await until(
      () => received.find((request) => request.body.includes('lead.created')),
      'lead.created',
    );

    const payload = new Webhook(secret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    });
    expect(payload).toMatchObject({ type: 'lead.created', data: { email } });

    const deliveries = await api('GET', `/webhooks/${endpointId}/deliveries`);
    expect(deliveries.body.deliveries).toEqual([
      expect.objectContaining({ type: 'lead.created', status: 'delivered', attempts: 1, lastResponseCode: 204 }),
    ]);
    expect(JSON.stringify(deliveries.body)).not.toContain(email);

    expect((await api('POST', `/webhooks/${endpointId}/test`)).status).toBe(202);
    await until(() => received.find((request) => request.body.includes('webhook.test')), 'the test event');
  } finally {
    await stack.stop();
  }
});
