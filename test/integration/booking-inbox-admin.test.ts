import { dynamoTable } from '../../functions/adapters/clients/dynamodb';
import { DynamoBookingStore } from '../../functions/adapters/dynamodb/booking-store';
import { baseEnvSchema, parseEnv } from '../../functions/config/env';
import { adminStack } from '../support/admin-harness';
import { uniqueEmail } from '../support/services';

/**
 * The staff booking inbox through the real admin API on the local stack: listing it and
 * clearing an entry staff have dealt with (GET and DELETE /admin/api/bookings/inbox…).
 */

jest.setTimeout(120_000);

let admin: Awaited<ReturnType<typeof adminStack>>;
let bookings: DynamoBookingStore;
beforeAll(async () => {
  admin = await adminStack();
  bookings = new DynamoBookingStore(dynamoTable(parseEnv(baseEnvSchema, admin.stack.env)));
});
afterAll(() => admin.stack.stop());

interface ListedEntry {
  entryId: string;
  kind: string;
  tool: string;
  email?: string;
  leadId?: string;
}

async function inbox(): Promise<ListedEntry[]> {
  const answer = await admin.asMarketing<{ entries: ListedEntry[] }>('GET', '/bookings/inbox');
  expect(answer.status).toBe(200);
  return answer.body.entries;
}

async function unmatchedBooking(label: string): Promise<ListedEntry> {
  const email = uniqueEmail(label);
  await bookings.addToInbox({
    kind: 'unmatched-booking',
    tool: 'calendly',
    bookingId: `https://api.calendly.com/scheduled_events/${label}/invitees/${email}`,
    at: new Date().toISOString(),
    email,
  });
  const entry = (await inbox()).find((listed) => listed.email === email);
  if (!entry) throw new Error('the entry was not listed');
  return entry;
}

describe('the booking inbox in the admin API', () => {
  it('lists each entry with an id that names no person', async () => {
    const entry = await unmatchedBooking('inbox-list');

    expect(entry).toMatchObject({ kind: 'unmatched-booking', tool: 'calendly' });
    expect(entry.entryId).toMatch(/^calendly\.unmatched-booking\.[A-Za-z0-9_-]{32}$/);
    expect(entry.entryId).not.toContain(entry.email!.split('@')[0]!);
  });

  it('lets staff delete an entry they have dealt with, once', async () => {
    const entry = await unmatchedBooking('inbox-delete');
    const path = `/bookings/inbox/${encodeURIComponent(entry.entryId)}`;

    const deleted = await admin.asMarketing('DELETE', path);

    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, entryId: entry.entryId });
    expect((await inbox()).map((listed) => listed.entryId)).not.toContain(entry.entryId);
    const again = await admin.asMarketing('DELETE', path);
    expect(again.status).toBe(404);
  });

  it('answers 404 for a well-formed id that names no entry, and deletes nothing', async () => {
    const kept = await unmatchedBooking('inbox-unknown');

    const answer = await admin.asMarketing('DELETE', `/bookings/inbox/acuity.unmatched-booking.${'A'.repeat(32)}`);

    expect(answer.status).toBe(404);
    expect(answer.body.message).toMatch(/no booking inbox entry/i);
    expect((await inbox()).map((listed) => listed.entryId)).toContain(kept.entryId);
  });

  it.each([
    ['an unknown tool', `zoom.unmatched-booking.${'A'.repeat(32)}`],
    ['an unknown kind', `calendly.booked.${'A'.repeat(32)}`],
    ['a short hash', 'calendly.unmatched-booking.abc'],
    ['a key of another partition', 'LEAD#abc'],
  ])('answers 400 naming entryId for a malformed id (%s), and deletes nothing', async (_label, entryId) => {
    const kept = await unmatchedBooking('inbox-malformed');

    const answer = await admin.asMarketing('DELETE', `/bookings/inbox/${encodeURIComponent(entryId)}`);

    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual([expect.objectContaining({ field: 'entryId' })]);
    expect((await inbox()).map((listed) => listed.entryId)).toContain(kept.entryId);
  });

  it('refuses a caller who is not signed in, or in no console group', async () => {
    const entry = await unmatchedBooking('inbox-outsider');
    const path = `/bookings/inbox/${encodeURIComponent(entry.entryId)}`;

    expect((await admin.call(undefined, 'DELETE', path)).status).toBe(401);
    expect((await admin.call(admin.tokens.outsider, 'DELETE', path)).status).toBe(403);
    expect((await inbox()).map((listed) => listed.entryId)).toContain(entry.entryId);
  });
});
