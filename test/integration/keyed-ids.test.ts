import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parseEnv, sesEventsEnvSchema, unsubscribeEnvSchema } from '../../functions/config/env';
import { makeSesEventsHandler } from '../../functions/lambdas/ses-events/handler';
import { sesEventsDeps } from '../../functions/lambdas/ses-events/wiring';
import { makeUnsubscribeHandler } from '../../functions/lambdas/unsubscribe/handler';
import { unsubscribeDeps } from '../../functions/lambdas/unsubscribe/wiring';
import { signUnsubscribeToken } from '../../functions/suppression/unsubscribe-token';
import { apiEvent, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { DRIP_KEY, dripHarness, TestClock } from '../support/drip-harness';
import {
  testIdentityKey,
  testLeadId,
  testSuppressionHash,
  unkeyedLeadId,
  unkeyedSuppressionHash,
} from '../support/identity';
import { allItems, itemsOfLead, uniqueEmail } from '../support/services';

/**
 * Defect 7: lead ids and suppression hashes were plain SHA-256 hashes of the address, so anyone
 * holding one (from a log, a dead-letter message, a console URL or an unsubscribe link) could
 * confirm a guessed address. Now they are HMACs with a key the test gives the functions.
 */

jest.setTimeout(60_000);

const now = new Date('2026-12-01T15:00:00Z');

/** Every item of the table that carries the address's unkeyed lead id or suppression hash anywhere. */
async function unkeyedTraces(items: Record<string, unknown>[], ...emails: string[]) {
  const hashes = emails.flatMap((email) => [unkeyedLeadId(email), unkeyedSuppressionHash(email)]);
  return items.filter((item) => hashes.some((hash) => JSON.stringify(item).includes(hash)));
}

describe('lead ids and suppression hashes are keyed', () => {
  it('stores a captured lead under its keyed id, with no unkeyed hash of the address anywhere', async () => {
    const harness = await captureHarness();
    const email = uniqueEmail('keyed');
    const response = await harness.handler(
      apiEvent({
        path: '/leads',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead(email)),
      }),
      lambdaContext,
    );
    expect((response as APIGatewayProxyStructuredResultV2).statusCode).toBe(202);

    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    expect(items.map((item) => String(item.sk).split('#')[0])).toEqual(
      expect.arrayContaining(['PROFILE', 'SUBMISSION', 'CONSENT', 'ENROLMENT']),
    );
    expect(await unkeyedTraces(await allItems(harness.doc, harness.tableName), email)).toEqual([]);
  });

  it('suppresses an unsubscribed or bounced address under its keyed hash only', async () => {
    const clock = new TestClock(now);
    const harness = await dripHarness({ clock });
    const leaver = uniqueEmail('keyed-leaver');
    const bouncer = uniqueEmail('keyed-bouncer');
    const leaverId = await harness.seedLead(leaver, now);
    await harness.seedLead(bouncer, now);

    const unsubscribe = makeUnsubscribeHandler(
      unsubscribeDeps(parseEnv(unsubscribeEnvSchema, harness.env), {
        signingKey: async () => DRIP_KEY,
        identityKey: testIdentityKey,
        clock,
      }),
    );
    const token = signUnsubscribeToken(leaverId, DRIP_KEY);
    const response = await unsubscribe(
      apiEvent({
        method: 'POST',
        path: `/u/${token}`,
        pathParameters: { token },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }),
      lambdaContext,
    );
    expect((response as APIGatewayProxyStructuredResultV2).statusCode).toBe(200);

    const sesEvents = makeSesEventsHandler(
      sesEventsDeps(parseEnv(sesEventsEnvSchema, harness.env), { identityKey: testIdentityKey, clock }),
    );
    await sesEvents(
      {
        'detail-type': 'Bounce',
        source: 'aws.ses',
        detail: {
          eventType: 'Bounce',
          mail: { messageId: 'm-1', timestamp: now.toISOString(), destination: [bouncer], tags: {} },
          bounce: {
            bounceType: 'Permanent',
            timestamp: now.toISOString(),
            bouncedRecipients: [{ emailAddress: bouncer }],
          },
        },
      } as never,
      lambdaContext,
    );

    const items = await allItems(harness.doc, harness.tableName);
    const suppressions = items.filter((item) => item.type === 'suppression');
    expect(suppressions.map((item) => [item.pk, item.reason]).sort()).toEqual(
      [
        [`SUPPRESSION#${testSuppressionHash(leaver)}`, 'unsubscribed'],
        [`SUPPRESSION#${testSuppressionHash(bouncer)}`, 'bounced'],
      ].sort(),
    );
    const bouncerEnrolment = (await itemsOfLead(harness.doc, harness.tableName, testLeadId(bouncer))).find(
      (item) => item.type === 'enrolment',
    );
    expect(bouncerEnrolment).toMatchObject({ status: 'exited', exitReason: 'bounced' });
    expect(await unkeyedTraces(items, leaver, bouncer)).toEqual([]);
  });
});
