import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ABANDONED_CLAIM_MS, DynamoBookingStore } from '../../functions/adapters/dynamodb/booking-store';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoStepStats } from '../../functions/adapters/dynamodb/step-stats';
import type { AcuityAppointment } from '../../functions/booking/booking-change';
import { signAsAcuity, signAsCalendly } from '../../functions/booking/tool-signatures';
import { bookingToolsEnvSchema } from '../../functions/config/booking-env';
import { parseEnv } from '../../functions/config/env';
import { makeAcuityHandler } from '../../functions/lambdas/acuity/handler';
import { acuityDeps } from '../../functions/lambdas/acuity/wiring';
import { makeCalendlyHandler } from '../../functions/lambdas/calendly/handler';
import { calendlyDeps } from '../../functions/lambdas/calendly/wiring';
import { apiEvent, lambdaContext } from '../support/api-event';
import { dripHarness, TestClock } from '../support/drip-harness';
import { testIdentityKey } from '../support/identity';
import { allItems } from '../support/services';

/**
 * POST /webhooks/calendly and /webhooks/acuity, the real handlers wired as in Lambda, on
 * DynamoDB Local: each tool's own signature scheme, replays, and what a booking and a
 * cancellation do to the lead.
 */

jest.setTimeout(60_000);

const CALENDLY_KEY = Buffer.from(randomBytes(24).toString('hex'));
const ACUITY_API_KEY = randomBytes(24).toString('hex');
const now = new Date('2026-12-01T15:00:00Z');
const MINUTE = 60_000;
const REBOOK = 'rebook-after-cancellation';

type Harness = Awaited<ReturnType<typeof dripHarness>>;
let harness: Harness;
let clock: TestClock;
let store: DynamoEnrolmentStore;
let bookings: DynamoBookingStore;
const acuityBook = new Map<string, AcuityAppointment>();

function handlers(mode: 'rebook' | 'staff') {
  const env = parseEnv(bookingToolsEnvSchema, { ...harness.env, CANCELLATION_MODE: mode });
  return {
    calendly: makeCalendlyHandler(
      calendlyDeps(env, { clock, identityKey: testIdentityKey, calendlyKey: async () => CALENDLY_KEY }),
    ),
    acuity: makeAcuityHandler(
      acuityDeps(env, {
        clock,
        identityKey: testIdentityKey,
        acuityCredentials: async () => ({ userId: '12345', apiKey: ACUITY_API_KEY }),
        acuityAppointments: { get: async (id) => acuityBook.get(id) },
      }),
    ),
  };
}
let rebookMode: ReturnType<typeof handlers>;
let staffMode: ReturnType<typeof handlers>;

beforeAll(async () => {
  clock = new TestClock(now);
  harness = await dripHarness({ clock });
  const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
  store = new DynamoEnrolmentStore(table);
  bookings = new DynamoBookingStore(table);
  rebookMode = handlers('rebook');
  staffMode = handlers('staff');
});

async function call(handler: unknown, path: string, headers: Record<string, string>, body: string) {
  const event = apiEvent({ path, headers, body });
  const run = handler as (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
  return run(event, lambdaContext);
}

function calendlyBody(event: 'invitee.created' | 'invitee.canceled', email: string, extra: object = {}) {
  return JSON.stringify({
    event,
    created_at: now.toISOString(),
    created_by: 'https://api.calendly.com/users/AAAA',
    payload: { email, name: 'Robin', uri: `https://api.calendly.com/scheduled_events/E1/invitees/${email}`, ...extra },
  });
}

const postCalendly = (body: string, signature?: string, mode = rebookMode) =>
  call(
    mode.calendly,
    '/webhooks/calendly',
    {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'calendly-webhook-signature': signature }),
    },
    body,
  );

const postAcuity = (body: string, signature?: string, mode = rebookMode) =>
  call(
    mode.acuity,
    '/webhooks/acuity',
    {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === undefined ? {} : { 'x-acuity-signature': signature }),
    },
    body,
  );

let serial = 0;
async function seed(label: string) {
  serial += 1;
  const email = `tools.${label}.${serial}@example.com`;
  // The welcome went out, so a booking and its cancellation are credited to it.
  const leadId = await harness.seedLead(email, now, { lastStepId: 'welcome', lastVariant: 'a' });
  return { email, leadId };
}

async function cancelledCount(): Promise<number> {
  const rows = await new DynamoStepStats({
    client: harness.doc as never,
    tableName: harness.tableName,
    dueShards: 4,
  }).between(harness.sequence.id, '2026-12-01', '2026-12-01');
  return rows.reduce((sum, row) => sum + (row.counts.cancelled ?? 0), 0);
}

describe('Calendly', () => {
  it('invitee.created marks the lead booked and ends their sequence, as the generic booked webhook does', async () => {
    const { email, leadId } = await seed('created');
    const body = calendlyBody('invitee.created', email);

    const response = await postCalendly(body, signAsCalendly(body, CALENDLY_KEY, now.getTime()));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: 'booked' });
    expect(await store.getLead(leadId)).toMatchObject({ status: 'booked', bookedAt: now.toISOString() });
    expect(await store.getEnrolment(leadId, harness.sequence.id)).toMatchObject({
      status: 'exited',
      exitReason: 'booked',
    });
  });

  it('invitee.canceled after invitee.created puts the lead on the rebook path and counts the cancellation', async () => {
    const { email, leadId } = await seed('rebook');
    const created = calendlyBody('invitee.created', email);
    const canceled = calendlyBody('invitee.canceled', email, { status: 'canceled' });
    const before = await cancelledCount();

    await postCalendly(created, signAsCalendly(created, CALENDLY_KEY, now.getTime()));
    const response = await postCalendly(canceled, signAsCalendly(canceled, CALENDLY_KEY, now.getTime()));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: 'rebook' });
    const lead = await store.getLead(leadId);
    expect(lead).toMatchObject({ status: 'active', cancelledAt: now.toISOString() });
    expect(lead?.bookedAt).toBeUndefined();
    expect(await store.getEnrolment(leadId, REBOOK)).toMatchObject({
      status: 'active',
      stepIndex: 0,
      nextSendAt: now.toISOString(),
    });
    expect(await cancelledCount()).toBe(before + 1);
  });

  it('leaves a cancellation to staff when CANCELLATION_MODE is "staff": in their inbox, no rebook emails', async () => {
    const { email, leadId } = await seed('staff');
    const created = calendlyBody('invitee.created', email);
    const canceled = calendlyBody('invitee.canceled', email);

    await postCalendly(created, signAsCalendly(created, CALENDLY_KEY, now.getTime()), staffMode);
    const response = await postCalendly(canceled, signAsCalendly(canceled, CALENDLY_KEY, now.getTime()), staffMode);

    expect(JSON.parse(response.body!)).toEqual({ status: 'staff-decides' });
    expect(await store.getEnrolment(leadId, REBOOK)).toBeUndefined();
    expect(await bookings.listInbox(50)).toContainEqual(
      expect.objectContaining({ kind: 'cancellation-to-decide', tool: 'calendly', leadId }),
    );
  });

  it('treats the cancelled half of a reschedule as nothing: the lead stays booked', async () => {
    const { email, leadId } = await seed('reschedule');
    const created = calendlyBody('invitee.created', email);
    const oldHalf = calendlyBody('invitee.canceled', email, { rescheduled: true });

    await postCalendly(created, signAsCalendly(created, CALENDLY_KEY, now.getTime()));
    const response = await postCalendly(oldHalf, signAsCalendly(oldHalf, CALENDLY_KEY, now.getTime()));

    expect(JSON.parse(response.body!)).toEqual({ status: 'ignored' });
    expect(await store.getLead(leadId)).toMatchObject({ status: 'booked' });
  });

  it('keeps one inbox entry when Calendly retries a notification it thinks failed', async () => {
    const email = `retried.${Date.now()}@example.com`;
    const body = calendlyBody('invitee.created', email);

    await postCalendly(body, signAsCalendly(body, CALENDLY_KEY, now.getTime()));
    clock.set(new Date(now.getTime() + 5 * 1000));
    const retried = await postCalendly(body, signAsCalendly(body, CALENDLY_KEY, now.getTime() + 5 * 1000)).finally(() =>
      clock.set(now),
    );

    expect(JSON.parse(retried.body!)).toEqual({ status: 'stored-for-staff' });
    const entries = (await bookings.listInbox(1000)).filter((entry) => entry.email === email);
    expect(entries).toEqual([expect.objectContaining({ kind: 'unmatched-booking', at: now.toISOString() })]);
  });

  it('keeps a booking for an address it does not know in the staff inbox instead of dropping it', async () => {
    const email = `stranger.${Date.now()}@example.com`;
    const body = calendlyBody('invitee.created', email);

    const response = await postCalendly(body, signAsCalendly(body, CALENDLY_KEY, now.getTime()));

    expect(JSON.parse(response.body!)).toEqual({ status: 'stored-for-staff' });
    expect(await bookings.listInbox(50)).toContainEqual(
      expect.objectContaining({ kind: 'unmatched-booking', tool: 'calendly', email }),
    );
  });

  describe('refuses with 401 and stores nothing', () => {
    it.each([
      ['forged (signed with another key)', (body: string) => signAsCalendly(body, randomBytes(32), now.getTime())],
      [
        'expired (signed four minutes ago)',
        (body: string) => signAsCalendly(body, CALENDLY_KEY, now.getTime() - 4 * MINUTE),
      ],
      ['unsigned', () => undefined],
      ['signed for another body', () => signAsCalendly('{}', CALENDLY_KEY, now.getTime())],
    ])('a request %s', async (_label, sign) => {
      const { email, leadId } = await seed('refused');
      const body = calendlyBody('invitee.created', email);
      const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

      const response = await postCalendly(body, sign(body));

      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('HMAC-SHA256');
      expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);
      expect(await store.getLead(leadId)).toMatchObject({ status: 'active' });
    });

    it('a replay of a delivery it already acted on (invitee.created sent again after the cancellation)', async () => {
      const { email, leadId } = await seed('replay');
      const created = calendlyBody('invitee.created', email);
      const canceled = calendlyBody('invitee.canceled', email);
      const createdSignature = signAsCalendly(created, CALENDLY_KEY, now.getTime());
      await postCalendly(created, createdSignature);
      await postCalendly(canceled, signAsCalendly(canceled, CALENDLY_KEY, now.getTime()));
      const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

      clock.set(new Date(now.getTime() + MINUTE));
      const replayed = await postCalendly(created, createdSignature).finally(() => clock.set(now));

      expect(replayed.statusCode).toBe(401);
      expect(JSON.parse(replayed.body!).message).toMatch(/already received/);
      expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);
      expect(await store.getLead(leadId)).toMatchObject({ status: 'active' });
    });
  });
});

describe('Acuity', () => {
  const form = (action: string, id: string) =>
    new URLSearchParams({ action, id, calendarID: '7', appointmentTypeID: '9' }).toString();
  const sign = (body: string) => signAsAcuity(body, Buffer.from(ACUITY_API_KEY));

  it('scheduled marks the lead booked; canceled puts them on the rebook path', async () => {
    const { email, leadId } = await seed('acuity');
    acuityBook.set('501', { email, canceled: false });
    const scheduled = form('scheduled', '501');

    const booked = await postAcuity(scheduled, sign(scheduled));
    expect(JSON.parse(booked.body!)).toEqual({ status: 'booked' });
    expect(await store.getLead(leadId)).toMatchObject({ status: 'booked' });

    acuityBook.set('501', { email, canceled: true });
    const canceled = form('canceled', '501');
    const rebook = await postAcuity(canceled, sign(canceled));
    expect(JSON.parse(rebook.body!)).toEqual({ status: 'rebook' });
    expect(await store.getEnrolment(leadId, REBOOK)).toMatchObject({ status: 'active' });
  });

  it('acts on the appointment as Acuity shows it now: a rescheduled appointment stays booked', async () => {
    const { email, leadId } = await seed('acuity-moved');
    acuityBook.set('502', { email, canceled: false });
    const rescheduled = form('rescheduled', '502');

    const response = await postAcuity(rescheduled, sign(rescheduled));

    expect(JSON.parse(response.body!)).toEqual({ status: 'booked' });
    expect(await store.getLead(leadId)).toMatchObject({ status: 'booked' });
  });

  it.each([
    ['forged', (body: string) => signAsAcuity(body, Buffer.from('not-the-api-key-of-this-account'))],
    ['unsigned', () => undefined],
    ['not base64', () => 'sha256=deadbeef'],
  ])('refuses a %s notification with 401 and stores nothing', async (_label, signWith) => {
    const { email, leadId } = await seed('acuity-refused');
    acuityBook.set('503', { email, canceled: false });
    const body = form('scheduled', '503');
    const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

    const response = await postAcuity(body, signWith(body));

    expect(response.statusCode).toBe(401);
    expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);
    expect(await store.getLead(leadId)).toMatchObject({ status: 'active' });
  });

  it('acknowledges a repeated notification (Acuity repeats the body for a second reschedule) and changes nothing', async () => {
    const { email, leadId } = await seed('acuity-replay');
    acuityBook.set('504', { email, canceled: false });
    const scheduled = form('scheduled', '504');
    await postAcuity(scheduled, sign(scheduled));
    acuityBook.set('504', { email, canceled: true });
    const canceled = form('canceled', '504');
    await postAcuity(canceled, sign(canceled));
    const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

    const replayed = await postAcuity(canceled, sign(canceled));

    expect(replayed.statusCode).toBe(200);
    expect(JSON.parse(replayed.body!)).toEqual({ status: 'duplicate' });
    expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);
    expect(await store.getLead(leadId)).toMatchObject({ status: 'active' });
  });

  it('answers 409 to a repeat that arrives while the first is still being acted on, so Acuity retries it', async () => {
    const { email } = await seed('acuity-in-flight');
    const scheduled = form('scheduled', '506');
    let finishLookup: () => void = () => undefined;
    const lookupHeld = new Promise<void>((resolve) => {
      finishLookup = resolve;
    });
    acuityBook.set('506', { email, canceled: false });
    const slow = acuityBook.get.bind(acuityBook);
    acuityBook.get = (id: string) => (id === '506' ? (lookupHeld.then(() => slow(id)) as never) : slow(id));
    try {
      const first = postAcuity(scheduled, sign(scheduled));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const repeat = await postAcuity(scheduled, sign(scheduled));
      expect(repeat.statusCode).toBe(409);
      finishLookup();
      expect((await first).statusCode).toBe(200);
    } finally {
      acuityBook.get = slow;
    }
    const afterwards = await postAcuity(scheduled, sign(scheduled));
    expect(JSON.parse(afterwards.body!)).toEqual({ status: 'duplicate' });
  });

  it('takes over a claim whose invocation died before settling it, so the retry is acted on', async () => {
    const { email, leadId } = await seed('acuity-abandoned');
    const scheduled = form('scheduled', '507');
    acuityBook.set('507', { email, canceled: false });
    const slow = acuityBook.get.bind(acuityBook);
    // The first invocation claims the notification, then never finishes (as after a timeout).
    acuityBook.get = (id: string) => (id === '507' ? (new Promise(() => undefined) as never) : slow(id));
    try {
      void postAcuity(scheduled, sign(scheduled));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      acuityBook.get = slow;
    }
    expect((await postAcuity(scheduled, sign(scheduled))).statusCode).toBe(409);
    expect(await store.getLead(leadId)).toMatchObject({ status: 'active' });

    clock.set(new Date(now.getTime() + ABANDONED_CLAIM_MS + MINUTE));
    const retried = await postAcuity(scheduled, sign(scheduled)).finally(() => clock.set(now));

    expect(JSON.parse(retried.body!)).toEqual({ status: 'booked' });
    expect(await store.getLead(leadId)).toMatchObject({ status: 'booked' });
  });

  it('answers 404 for an appointment Acuity does not have, and a retry later still goes through', async () => {
    const { email } = await seed('acuity-missing');
    const body = form('scheduled', '505');
    const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

    const missing = await postAcuity(body, sign(body));
    expect(missing.statusCode).toBe(404);
    expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);

    acuityBook.set('505', { email, canceled: false });
    const retried = await postAcuity(body, sign(body));
    expect(JSON.parse(retried.body!)).toEqual({ status: 'booked' });
  });

  it('names the wrong field of a signed but malformed notification', async () => {
    const body = 'action=scheduled&id=not-a-number';
    const response = await postAcuity(body, sign(body));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).fields).toEqual([expect.objectContaining({ field: 'id' })]);
  });
});
