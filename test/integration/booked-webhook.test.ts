import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { bookedEnvSchema, parseEnv } from '../../functions/config/env';
import { signWebhook } from '../../functions/http/webhook-signature';
import { makeBookedHandler } from '../../functions/lambdas/booked/handler';
import { bookedDeps } from '../../functions/lambdas/booked/wiring';
import { apiEvent, lambdaContext } from '../support/api-event';
import { dripHarness, TestClock } from '../support/drip-harness';
import { testIdentityKey } from '../support/identity';

/**
 * POST /webhooks/booked, the real handler wired as in Lambda, on DynamoDB Local. The unsigned
 * and the correctly signed request are covered end to end in drip-local-stack.test.ts; these
 * are the signatures that look right but are not, each of which must change nothing.
 */

jest.setTimeout(60_000);

const WEBHOOK_KEY = randomBytes(32);
const now = new Date('2026-12-01T15:00:00Z');
const MINUTE = 60_000;

type Harness = Awaited<ReturnType<typeof dripHarness>>;
let harness: Harness;
let clock: TestClock;
let handler: ReturnType<typeof makeBookedHandler>;
let enrolments: DynamoEnrolmentStore;

beforeAll(async () => {
  clock = new TestClock(now);
  harness = await dripHarness({ clock });
  handler = makeBookedHandler(
    bookedDeps(parseEnv(bookedEnvSchema, harness.env), {
      webhookKey: async () => WEBHOOK_KEY,
      identityKey: testIdentityKey,
      clock,
    }),
  );
  enrolments = new DynamoEnrolmentStore({ client: harness.doc as never, tableName: harness.tableName, dueShards: 4 });
});

async function post(body: string, signature?: string, extra: { base64?: boolean } = {}) {
  const event = apiEvent({
    path: '/webhooks/booked',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-signature': signature }) },
    body: extra.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
  });
  event.isBase64Encoded = Boolean(extra.base64);
  return (await handler(event as never, lambdaContext)) as APIGatewayProxyStructuredResultV2;
}

async function expectStillActive(leadId: string) {
  expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({ status: 'active', stepIndex: 0 });
  const lead = await enrolments.getLead(leadId);
  expect(lead?.status).toBe('active');
  expect(lead?.bookedAt).toBeUndefined();
}

let serial = 0;
async function seed(label: string) {
  serial += 1;
  const email = `booked.${label}.${serial}@example.com`;
  return { email, leadId: await harness.seedLead(email, now) };
}

describe('the booked webhook refuses a signature that is not right, and changes nothing', () => {
  it.each([
    [
      'signed with another key',
      (body: string) => signWebhook(body, randomBytes(32), now.getTime()),
      (body: string) => body,
    ],
    [
      'signed for another body (a captured request re-aimed at someone else)',
      () => signWebhook(JSON.stringify({ email: 'someone.else@example.com' }), WEBHOOK_KEY, now.getTime()),
      (body: string) => body,
    ],
    [
      'with its timestamp moved a second later',
      (body: string) => {
        const [t, v1] = signWebhook(body, WEBHOOK_KEY, now.getTime() - 1000).split(',');
        return `t=${Number(t!.slice(2)) + 1},${v1}`;
      },
      (body: string) => body,
    ],
    [
      'signed six minutes ago (a replay)',
      (body: string) => signWebhook(body, WEBHOOK_KEY, now.getTime() - 6 * MINUTE),
      (body: string) => body,
    ],
    ['that is not a signature at all', () => 'sha256=deadbeef', (body: string) => body],
    [
      'over the body without its closing brace',
      (body: string) => signWebhook(body.slice(0, -1), WEBHOOK_KEY, now.getTime()),
      (body: string) => body,
    ],
  ])('a request %s gets 401', async (_label, sign, send) => {
    const { email, leadId } = await seed('refused');
    const body = JSON.stringify({ email });

    const response = await post(send(body), sign(body));

    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('HMAC-SHA256');
    expect(JSON.parse(response.body!)).toMatchObject({ error: 'unauthorized' });
    await expectStillActive(leadId);
  });

  it('accepts a body signed at the edge of the window, and the same body once the window has passed is refused', async () => {
    const { email, leadId } = await seed('window');
    const body = JSON.stringify({ email });
    const signature = signWebhook(body, WEBHOOK_KEY, now.getTime());

    clock.set(new Date(now.getTime() + 5 * MINUTE + 1000));
    const late = await post(body, signature).finally(() => clock.set(now));
    expect(late.statusCode).toBe(401);
    await expectStillActive(leadId);

    clock.set(new Date(now.getTime() + 5 * MINUTE));
    const inTime = await post(body, signature).finally(() => clock.set(now));
    expect(inTime.statusCode).toBe(200);
    expect(JSON.parse(inTime.body!)).toEqual({ status: 'booked', leadId });
  });

  it('stops the sequence for a correctly signed request, also when API Gateway passed the body base64-encoded', async () => {
    const plain = await seed('plain');
    const encoded = await seed('encoded');
    const plainBody = JSON.stringify({ email: plain.email });
    const encodedBody = JSON.stringify({ leadId: encoded.leadId });

    const first = await post(plainBody, signWebhook(plainBody, WEBHOOK_KEY, now.getTime()));
    const second = await post(encodedBody, signWebhook(encodedBody, WEBHOOK_KEY, now.getTime()), { base64: true });

    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    for (const { leadId } of [plain, encoded]) {
      expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
        status: 'exited',
        exitReason: 'booked',
      });
      expect(await enrolments.getLead(leadId)).toMatchObject({ status: 'booked', bookedAt: now.toISOString() });
    }
  });
});
