import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoSuppressionList } from '../../functions/adapters/dynamodb/suppression-list';
import { parseEnv, unsubscribeEnvSchema } from '../../functions/config/env';
import { makeUnsubscribeHandler } from '../../functions/lambdas/unsubscribe/handler';
import { unsubscribeDeps } from '../../functions/lambdas/unsubscribe/wiring';
import { signUnsubscribeToken } from '../../functions/suppression/unsubscribe-token';
import { apiEvent, lambdaContext } from '../support/api-event';
import { DRIP_KEY, dripHarness, TestClock } from '../support/drip-harness';
import { testAddressIds, testIdentityKey } from '../support/identity';

/**
 * POST /u/{token} for a lead whose sequence is running, with a token that was altered or
 * forged: the real handler wired as in Lambda, on DynamoDB Local. drip-local-stack.test.ts
 * checks an altered link only after the lead had already unsubscribed, when nothing could
 * change anyway; here the lead is active, and must stay so.
 */

jest.setTimeout(60_000);

const now = new Date('2026-12-01T15:00:00Z');

type Harness = Awaited<ReturnType<typeof dripHarness>>;
let harness: Harness;
let handler: ReturnType<typeof makeUnsubscribeHandler>;
let enrolments: DynamoEnrolmentStore;
let suppression: DynamoSuppressionList;

beforeAll(async () => {
  const clock = new TestClock(now);
  harness = await dripHarness({ clock });
  // The same key the harness's sender signs the emailed links with.
  handler = makeUnsubscribeHandler(
    unsubscribeDeps(parseEnv(unsubscribeEnvSchema, harness.env), {
      signingKey: async () => DRIP_KEY,
      identityKey: testIdentityKey,
      clock,
    }),
  );
  const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
  enrolments = new DynamoEnrolmentStore(table);
  suppression = new DynamoSuppressionList(table, testAddressIds(table));
});

async function oneClick(token: string) {
  const event = apiEvent({
    method: 'POST',
    path: '/u/{token}',
    pathParameters: { token },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  return (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
}

/** Changes one character of the signature (the part after the last dot) to another base64url character. */
function alterSignature(token: string, which: 'first' | 'last'): string {
  const index = which === 'first' ? token.lastIndexOf('.') + 1 : token.length - 1;
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

let serial = 0;
async function activeLead() {
  serial += 1;
  const email = `forged.target.${serial}@example.com`;
  return { email, leadId: await harness.seedLead(email, now) };
}

async function expectStillActive(leadId: string, email: string) {
  expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
    status: 'active',
    stepIndex: 0,
    nextSendAt: now.toISOString(),
  });
  expect(await suppression.reasonFor(email)).toBeUndefined();
}

describe('one-click unsubscribe with an altered or forged token, for a lead whose sequence is running', () => {
  it.each([
    ['its first signature character changed', (token: string) => alterSignature(token, 'first')],
    ['its last signature character changed', (token: string) => alterSignature(token, 'last')],
    ['its signature cut short by one character', (token: string) => token.slice(0, -1)],
    ['one character added to its signature', (token: string) => `${token}A`],
    [
      'its signature from a token for another lead',
      (token: string, leadId: string) => {
        const other = signUnsubscribeToken(`${leadId.slice(0, -1)}${leadId.endsWith('A') ? 'B' : 'A'}`, DRIP_KEY);
        return `${token.slice(0, token.lastIndexOf('.'))}.${other.split('.')[2]}`;
      },
    ],
    [
      'been signed with a key that is not the practice’s',
      (_token: string, leadId: string) => signUnsubscribeToken(leadId, randomBytes(32)),
    ],
  ])('answers 400 to a token that has %s, and the enrolment stays active', async (_label, forge) => {
    const { email, leadId } = await activeLead();
    const genuine = signUnsubscribeToken(leadId, DRIP_KEY);
    const forged = forge(genuine, leadId);
    expect(forged).not.toBe(genuine);
    // Only the signature differs: the token still names this lead.
    expect(forged.split('.').slice(0, 2)).toEqual(['u1', leadId]);

    const response = await oneClick(forged);

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/not valid/);
    await expectStillActive(leadId, email);
  });

  it('still unsubscribes that lead with the genuine token afterwards', async () => {
    const { email, leadId } = await activeLead();
    const genuine = signUnsubscribeToken(leadId, DRIP_KEY);
    expect((await oneClick(alterSignature(genuine, 'last'))).statusCode).toBe(400);
    await expectStillActive(leadId, email);

    const response = await oneClick(genuine);

    expect(response.statusCode).toBe(200);
    expect(await enrolments.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
      status: 'exited',
      exitReason: 'unsubscribed',
    });
    expect(await suppression.reasonFor(email)).toBe('unsubscribed');
  });
});
