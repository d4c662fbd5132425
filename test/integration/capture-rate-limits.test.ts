import { apiEvent, lambdaContext } from '../support/api-event';
import { captureHarness, frozenMidMinute, validLead } from '../support/capture-harness';
import { uniqueEmail } from '../support/services';

const post = (harness: Awaited<ReturnType<typeof captureHarness>>, body: unknown, sourceIp: string) =>
  harness.handler(
    apiEvent({ path: '/leads', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), sourceIp }),
    lambdaContext,
  );

describe('POST /leads rate limits', () => {
  it('refuses the 6th submission for the same email within a minute, while other people are unaffected', async () => {
    const harness = await captureHarness({
      clock: frozenMidMinute(),
      extraEnv: { RATE_LIMIT_PER_EMAIL: '5', RATE_LIMIT_PER_ADDRESS: '0' },
    });
    const email = uniqueEmail('eager');

    const answers = [];
    for (let attempt = 1; attempt <= 6; attempt++)
      answers.push(await post(harness, validLead(email), `198.51.100.${attempt}`));
    const someoneElse = await post(harness, validLead(uniqueEmail('other')), '198.51.100.1');

    expect(answers.slice(0, 5).map((answer) => answer.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const refused = answers[5]!;
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers!['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers!['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(refused.body!)).toEqual({ error: 'too_many_requests', message: expect.any(String) });
    expect(refused.body).not.toContain(email);
    expect(someoneElse.statusCode).toBe(202);
  });

  it('refuses a flood from one client address without affecting other addresses', async () => {
    const harness = await captureHarness({
      clock: frozenMidMinute(),
      extraEnv: { RATE_LIMIT_PER_ADDRESS: '3', RATE_LIMIT_PER_EMAIL: '5' },
    });

    const fromOne = [];
    for (let attempt = 0; attempt < 4; attempt++)
      fromOne.push((await post(harness, validLead(uniqueEmail()), '192.0.2.10')).statusCode);
    const fromAnother = (await post(harness, validLead(uniqueEmail()), '192.0.2.11')).statusCode;

    expect(fromOne).toEqual([202, 202, 202, 429]);
    expect(fromAnother).toBe(202);
  });

  it('counts the visitor behind CloudFront by the viewer address, not the edge', async () => {
    const harness = await captureHarness({
      clock: frozenMidMinute(),
      extraEnv: { RATE_LIMIT_PER_ADDRESS: '1', RATE_LIMIT_PER_EMAIL: '5' },
    });
    const viaEdge = (viewer: string) =>
      harness.handler(
        apiEvent({
          path: '/leads',
          headers: { 'content-type': 'application/json', 'cloudfront-viewer-address': viewer },
          body: JSON.stringify(validLead(uniqueEmail())),
          sourceIp: '130.176.0.1',
        }),
        lambdaContext,
      );

    const first = await viaEdge('203.0.113.20:51234');
    const second = await viaEdge('203.0.113.21:40000');
    const again = await viaEdge('203.0.113.20:51300');

    expect([first.statusCode, second.statusCode, again.statusCode]).toEqual([202, 202, 429]);
  });

  it('still caps a direct caller who forges a different CloudFront viewer address on every request', async () => {
    const harness = await captureHarness({
      clock: frozenMidMinute(),
      extraEnv: { RATE_LIMIT_PER_ADDRESS: '1', RATE_LIMIT_PER_EMAIL: '5' },
    });
    const forged = (index: number) =>
      harness.handler(
        apiEvent({
          path: '/leads',
          headers: { 'content-type': 'application/json', 'cloudfront-viewer-address': `198.18.0.${index}:1234` },
          body: JSON.stringify(validLead(uniqueEmail())),
          sourceIp: '203.0.113.99',
        }),
        lambdaContext,
      );

    const statuses = [];
    for (let index = 1; index <= 11; index++) statuses.push((await forged(index)).statusCode);

    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(statuses[10]).toBe(429);
  });
});
