import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { isLoopbackAddress } from '../../local/loopback';
import { freePort } from '../../local/ports';
import { LOCAL_CONTROL_HEADER } from '../../local/request-guard';
import { startLocalStack } from '../../local/stack';
import { localStackForTest } from '../support/local-stack-harness';
import { testEndpoints } from '../support/services';

/** This machine's first address on a real network interface, if it has one. */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

describe('who the local stack answers', () => {
  it('tells loopback addresses from the others, IPv4-mapped ones included', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2']) {
      expect(isLoopbackAddress(address)).toBe(true);
    }
    for (const address of ['192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '10.0.0.1', '::', '', undefined, 'localhost']) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
  });

  // Needs an address on a non-loopback interface to connect from; CI machines and laptops have one.
  (networkAddress ? it : it.skip)('serves this machine only, unless it is opened to the network', async () => {
    const closed = await localStackForTest();
    const open = await localStackForTest({}, { openToNetwork: true });
    try {
      const viaNetwork = (base: string) => base.replace('localhost', networkAddress!);
      expect((await fetch(`${closed.base}/`)).status).toBe(200);
      await expect(fetch(`${viaNetwork(closed.base)}/`)).rejects.toThrow();
      await expect(fetch(`${viaNetwork(closed.base)}/__local/status`)).rejects.toThrow();
      expect((await fetch(`${viaNetwork(open.base)}/`)).status).toBe(200);
    } finally {
      await Promise.all([closed.stop(), open.stop()]);
    }
  });
});

/** A raw HTTP request, so the Host header can be anything (fetch always sends the URL's host). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('what a web page the developer opens can make the local stack do', () => {
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  let base: string;
  let outbox: string;
  beforeAll(async () => {
    const port = await freePort();
    // Its own local SES, as npm start runs it, to check the outbox too.
    stack = await startLocalStack({
      port,
      sesPort: await freePort(),
      dynamoPort: 0,
      dynamoEndpoint: testEndpoints().dynamo,
      tableName: `guard-${port}-${randomUUID().slice(0, 8)}`,
    });
    base = `http://localhost:${port}`;
    outbox = stack.urls.outbox;
  });
  afterAll(() => stack.stop());

  const advance = (headers: Record<string, string>, body = JSON.stringify({ duration: 'P1D' })) =>
    rawRequest(`${base}/__local/drip/advance`, { method: 'POST', headers, body });
  const control = { 'content-type': 'application/json', [LOCAL_CONTROL_HEADER]: '1' };

  it('moves the clock for a request with JSON and the control header, from this machine', async () => {
    const before = stack.clock.now().getTime();
    expect((await advance(control)).status).toBe(200);
    expect(stack.clock.now().getTime() - before).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it.each([
    ['another site’s Origin', { ...control, origin: 'https://evil.example' }],
    ['a foreign Host (DNS rebinding)', { ...control, host: 'evil.example:3000' }],
    [
      'a text/plain body (a cross-site form or no-cors fetch)',
      { 'content-type': 'text/plain', [LOCAL_CONTROL_HEADER]: '1' },
    ],
    ['JSON without the control header', { 'content-type': 'application/json' }],
  ])('refuses to move the clock for a request with %s', async (_label, headers) => {
    const before = stack.clock.now().getTime();
    const response = await advance(headers);
    expect(response.status).toBe(403);
    // The local clock runs on in real time; a day's jump is what must not happen.
    expect(stack.clock.now().getTime() - before).toBeLessThan(60_000);
  });

  it('lets a page of its own post with Origin: null (sent under Referrer-Policy: no-referrer), but not to the controls or the outbox', async () => {
    const page = await rawRequest(`${base}/u/not-a-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(page.status).toBe(400);
    expect((await advance({ ...control, origin: 'null' })).status).toBe(403);
    expect((await rawRequest(`${outbox}/store`, { headers: { origin: 'null' } })).status).toBe(403);
  });

  it('refuses a foreign Host or Origin on the pages and the API as well', async () => {
    expect((await rawRequest(`${base}/`, { headers: { host: 'evil.example:3000' } })).status).toBe(403);
    expect(
      (
        await rawRequest(`${base}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect((await rawRequest(`${base}/`)).status).toBe(200);
    expect((await rawRequest(`${base}/`, { headers: { host: `127.0.0.1:${new URL(base).port}` } })).status).toBe(200);
  });

  it('keeps the outbox (every email and token) from other sites and rebound host names', async () => {
    const port = new URL(outbox).port;
    expect((await rawRequest(`${outbox}/store`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await rawRequest(`${outbox}/store`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await rawRequest(`${outbox}/`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await rawRequest(`${outbox}/store`)).status).toBe(200);
  });
});
