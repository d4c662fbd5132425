import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dueShard, keys, leadListKeys } from '../../functions/adapters/dynamodb/keys';
import { DynamoSuppressionList } from '../../functions/adapters/dynamodb/suppression-list';
import { adminEnvSchema, parseEnv, sesEventsEnvSchema, unsubscribeEnvSchema } from '../../functions/config/env';
import { makeAdminHandler } from '../../functions/lambdas/admin/handler';
import { adminDeps } from '../../functions/lambdas/admin/wiring';
import { makeSesEventsHandler } from '../../functions/lambdas/ses-events/handler';
import { sesEventsDeps } from '../../functions/lambdas/ses-events/wiring';
import { makeUnsubscribeHandler } from '../../functions/lambdas/unsubscribe/handler';
import { unsubscribeDeps } from '../../functions/lambdas/unsubscribe/wiring';
import { signUnsubscribeToken } from '../../functions/suppression/unsubscribe-token';
import { migrateIdsCommand } from '../../scripts/migrate-keyed-ids';
import { apiEvent, lambdaContext } from '../support/api-event';
import { countingMailer, DRIP_KEY, dripHarness, TestClock } from '../support/drip-harness';
import {
  TEST_IDENTITY_KEY,
  testAddressIds,
  testIdentityKey,
  testLeadId,
  testSuppressionHash,
  unkeyedLeadId,
  unkeyedSuppressionHash,
} from '../support/identity';
import { allItems, itemsOfLead, testEndpoints, uniqueEmail } from '../support/services';

/**
 * A stack deployed before keyed ids holds leads under an unkeyed SHA-256 of their address. Until
 * `npm run migrate-ids` has run, the functions find them there; the migration moves each to its
 * keyed id, rekeys every suppression entry (an erased person's too), and links, SES tags and
 * console URLs carrying an old id keep working.
 */

jest.setTimeout(90_000);

const start = new Date('2026-12-01T15:00:00Z'); // a Tuesday, inside the send window in New York

describe('moving a deployed stack to keyed lead ids and suppression hashes', () => {
  it('finds old leads before the migration, moves everything with it, and old links, tags and URLs keep working after', async () => {
    const clock = new TestClock(start);
    const harness = await dripHarness({ clock, keyedIdsMigrated: false });
    const table = { client: harness.doc, tableName: harness.tableName, dueShards: 4 };
    const email = uniqueEmail('legacy');
    const erased = uniqueEmail('legacy-erased');
    const oldId = unkeyedLeadId(email);
    const newId = testLeadId(email);
    const at = start.toISOString();
    const [welcome, second] = harness.sequence.steps;
    const put = (Item: Record<string, unknown>) =>
      harness.doc.send(new PutCommand({ TableName: harness.tableName, Item }));
    // As the previous release stored them: the lead, a submission, its sent confirmation, the
    // welcome sent, the enrolment due for its second step now, a waiting opt-in token; and an
    // erased person's suppression entry (only the hash of the address is left of them).
    await put({
      ...keys.lead(oldId),
      type: 'lead',
      leadId: oldId,
      email,
      firstName: 'Robin',
      preferredContact: 'email',
      interests: ['fraxel-aftercare'],
      timeZone: 'America/New_York',
      status: 'active',
      createdAt: at,
      updatedAt: at,
      submissionCount: 1,
      firstTouch: {},
      lastTouch: {},
      ...leadListKeys(at, oldId),
    });
    await put({
      ...keys.submission(oldId, `${at}#r1`),
      type: 'submission',
      leadId: oldId,
      submissionId: `${at}#r1`,
      receivedAt: at,
      firstName: 'Robin',
      preferredContact: 'email',
      interests: ['fraxel-aftercare'],
      attribution: {},
    });
    await put({
      ...keys.captureEmail(oldId, `${at}#r1`, 'confirmation'),
      type: 'capture-email',
      leadId: oldId,
      submissionId: `${at}#r1`,
      kind: 'confirmation',
      status: 'sent',
      createdAt: at,
      sentAt: at,
      attempts: 1,
    });
    await put({
      ...keys.send(oldId, harness.sequence.id, welcome!.id),
      type: 'send',
      leadId: oldId,
      sequenceId: harness.sequence.id,
      stepId: welcome!.id,
      sequenceVersion: harness.sequence.version,
      stepIndex: 0,
      variant: 'a',
      status: 'sent',
      claimedAt: at,
      sentAt: at,
      messageId: 'ses-welcome',
    });
    await put({
      ...keys.enrolment(oldId, harness.sequence.id),
      type: 'enrolment',
      leadId: oldId,
      sequenceId: harness.sequence.id,
      sequenceVersion: harness.sequence.version,
      status: 'active',
      stepIndex: 1,
      lastStepId: welcome!.id,
      nextSendAt: at,
      timeZone: 'America/New_York',
      enrolledAt: at,
      duePk: dueShard(oldId, 4),
      dueAt: at,
    });
    await put({ ...keys.optIn(`token-${randomUUID()}`), type: 'opt-in-token', leadId: oldId, submissionId: 's' });
    await put({ ...keys.suppression(unkeyedSuppressionHash(erased)), type: 'suppression', reason: 'erased' });
    const oldLink = signUnsubscribeToken(oldId, DRIP_KEY);
    const oldStepLink = signUnsubscribeToken(oldId, DRIP_KEY, {
      sequenceId: harness.sequence.id,
      stepId: welcome!.id,
      variant: 'a',
    });

    // Before the migration: the functions find the old lead and the old suppression entry.
    const before = testAddressIds(table);
    expect(await before.leadIdFor(email)).toBe(oldId);
    expect(await before.currentLeadId(oldId)).toBe(oldId);
    expect(await new DynamoSuppressionList(table, before).reasonFor(erased)).toBe('erased');

    // The operator's dry run counts and writes nothing; the run moves everything.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'identity-')), 'identity.key');
    writeFileSync(keyFile, TEST_IDENTITY_KEY.toString('hex'));
    const args = ['--table', harness.tableName, '--endpoint', testEndpoints().dynamo, '--due-shards', '4'];
    const printed: string[] = [];
    const itemsBefore = await allItems(harness.doc, harness.tableName);
    expect(
      await migrateIdsCommand([...args, '--identity-key-file', keyFile, '--dry-run'], (line) => printed.push(line)),
    ).toBe(0);
    expect(printed[0]).toBe('Would move to keyed ids: leads 1 (items 5), suppression entries 1, opt-in tokens 1.');
    expect(await allItems(harness.doc, harness.tableName)).toEqual(itemsBefore);
    expect(await migrateIdsCommand([...args, '--dry-run'], (line) => printed.push(line))).toBe(2);
    expect(await migrateIdsCommand([...args, '--identity-key-file', keyFile], (line) => printed.push(line))).toBe(0);

    expect(await itemsOfLead(harness.doc, harness.tableName, oldId)).toEqual([]);
    const moved = await itemsOfLead(harness.doc, harness.tableName, newId);
    expect(moved.map((item) => String(item.sk).split('#')[0]).sort()).toEqual(
      ['EMAIL', 'ENROLMENT', 'PROFILE', 'SEND', 'SUBMISSION'].sort(),
    );
    expect(moved.every((item) => item.leadId === newId)).toBe(true);
    expect(moved.find((item) => item.type === 'enrolment')).toMatchObject({ duePk: dueShard(newId, 4), dueAt: at });
    expect(moved.find((item) => item.type === 'lead')).toMatchObject(leadListKeys(at, newId));
    const everything = await allItems(harness.doc, harness.tableName);
    expect(everything.find((item) => item.type === 'opt-in-token')).toMatchObject({ leadId: newId });
    expect(everything.filter((item) => item.type === 'suppression').map((item) => item.pk)).toEqual([
      `SUPPRESSION#${testSuppressionHash(erased)}`,
    ]);
    // Nothing anywhere still carries an unkeyed hash of either address.
    const hashes = [oldId, unkeyedSuppressionHash(email), unkeyedSuppressionHash(erased), unkeyedLeadId(erased)];
    expect(everything.filter((item) => hashes.some((hash) => JSON.stringify(item).includes(hash)))).toEqual([]);

    // After it: ids are computed, old ids resolve, the erased person stays suppressed.
    const after = testAddressIds(table);
    expect(await after.leadIdFor(email)).toBe(newId);
    expect(await after.currentLeadId(oldId)).toBe(newId);
    expect(await new DynamoSuppressionList(table, after).reasonFor(erased)).toBe('erased');

    // The moved lead's due step goes out once, under its keyed id.
    const counting = countingMailer({ send: async () => ({ messageId: randomUUID() }) });
    const worker = harness.worker({ mailer: counting.mailer });
    worker.attach();
    await worker.dispatch();
    await worker.queue.drain();
    expect(counting.sends.map((send) => [send.tags.lead, send.tags.step])).toEqual([[newId, second!.id]]);

    // An SES event of the welcome, sent before the migration, names the old id in its tag.
    const sesEvents = makeSesEventsHandler(
      sesEventsDeps(parseEnv(sesEventsEnvSchema, harness.env), { identityKey: testIdentityKey, clock }),
    );
    const opened = await sesEvents(
      {
        'detail-type': 'Open',
        detail: {
          eventType: 'Open',
          mail: {
            messageId: 'ses-welcome',
            timestamp: at,
            destination: [email],
            tags: {
              kind: ['step'],
              lead: [oldId],
              sequence: [harness.sequence.id],
              step: [welcome!.id],
              variant: ['a'],
            },
          },
          open: { timestamp: at },
        },
      },
      lambdaContext,
    );
    expect(opened).toEqual({ handled: 1, ignored: 0 });
    expect(
      (await itemsOfLead(harness.doc, harness.tableName, newId)).find(
        (item) => item.sk === `SEND#${harness.sequence.id}#${welcome!.id}`,
      ),
    ).toMatchObject({ openedAt: at });

    // A console URL kept from before names the lead by its old id.
    const admin = makeAdminHandler(
      adminDeps(parseEnv(adminEnvSchema, harness.env), { identityKey: testIdentityKey, clock }),
    );
    const timelineEvent = apiEvent({
      method: 'GET',
      path: `/admin/api/leads/${oldId}`,
      pathParameters: { leadId: oldId },
    });
    timelineEvent.routeKey = 'GET /admin/api/leads/{leadId}';
    const timeline = (await admin(
      {
        ...timelineEvent,
        requestContext: {
          ...timelineEvent.requestContext,
          authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': ['marketing'] } } },
        },
      } as never,
      lambdaContext,
    )) as APIGatewayProxyStructuredResultV2;
    expect(timeline.statusCode).toBe(200);
    expect(JSON.parse(timeline.body!).lead).toMatchObject({ leadId: newId });

    // Unsubscribe links of emails sent before the migration (u2 from a step, u1 from a capture email) still work.
    const unsubscribe = makeUnsubscribeHandler(
      unsubscribeDeps(parseEnv(unsubscribeEnvSchema, harness.env), {
        clock,
        signingKey: async () => DRIP_KEY,
        identityKey: testIdentityKey,
      }),
    );
    const link = (token: string, method: string) =>
      unsubscribe(
        apiEvent({
          method,
          path: `/u/${token}`,
          pathParameters: { token },
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}),
        }),
        lambdaContext,
      ) as Promise<APIGatewayProxyStructuredResultV2>;
    expect((await link(oldStepLink, 'GET')).body).toContain('Stop emails from');
    expect((await link(oldLink, 'POST')).statusCode).toBe(200);
    const enrolment = (await itemsOfLead(harness.doc, harness.tableName, newId)).find(
      (item) => item.type === 'enrolment',
    );
    expect(enrolment).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' });
    expect(await new DynamoSuppressionList(table, after).reasonFor(email)).toBe('unsubscribed');
    expect((await link(oldStepLink, 'GET')).body).toMatch(/already unsubscribed/i);

    // Run again: nothing left to move.
    printed.length = 0;
    expect(await migrateIdsCommand([...args, '--identity-key-file', keyFile], (line) => printed.push(line))).toBe(0);
    expect(printed[0]).toBe('Moved to keyed ids: leads 0 (items 0), suppression entries 0, opt-in tokens 0.');
  });
});
