import type { BookingInboxItem } from '../../functions/admin/contract';
import { axeViolations, type ConsoleHarness, openSignedIn, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

const hash = (letter: string) => letter.repeat(32);

function fillInbox(): BookingInboxItem[] {
  const lead = harness.fake.leads[3]!;
  const entries: BookingInboxItem[] = [
    {
      entryId: `calendly.unmatched-booking.${hash('a')}`,
      kind: 'unmatched-booking',
      tool: 'calendly',
      bookingId: 'https://api.calendly.com/scheduled_events/E1/invitees/I1',
      at: '2026-12-05T15:00:00.000Z',
      email: 'stranger@example.com',
    },
    {
      entryId: `acuity.cancellation-to-decide.${hash('b')}`,
      kind: 'cancellation-to-decide',
      tool: 'acuity',
      bookingId: '1234567',
      at: '2026-12-04T10:00:00.000Z',
      leadId: lead.leadId,
    },
    {
      entryId: `acuity.unmatched-cancellation.${hash('c')}`,
      kind: 'unmatched-cancellation',
      tool: 'acuity',
      bookingId: '7654321',
      at: '2026-12-03T09:30:00.000Z',
      email: 'someone.else@example.com',
    },
  ];
  harness.fake.bookingInbox.splice(0, harness.fake.bookingInbox.length, ...entries);
  return entries;
}

describe('booking inbox page', () => {
  it('lists what Calendly and Acuity sent that no lead explains, reached from the navigation', async () => {
    const entries = fillInbox();
    const { page, problems, close } = await openSignedIn(harness, '#/leads');
    await page.getByRole('link', { name: 'Booking inbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Booking inbox' }).waitFor();
    await page.getByText('3 entries.').waitFor();

    const rows = await page
      .locator('table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((cell) => cell.textContent?.trim())));
    expect(rows.map((row) => row.slice(1, 4))).toEqual([
      ['Booking from an address that is not a lead', 'Calendly', 'stranger@example.com'],
      ['Cancelled consultation: rebook or not', 'Acuity Scheduling', 'Open the lead'],
      ['Cancellation from an address that is not a lead', 'Acuity Scheduling', 'someone.else@example.com'],
    ]);
    await expect(page.getByRole('link', { name: 'Open the lead' }).getAttribute('href')).resolves.toBe(
      `#/leads/${entries[1]!.leadId}`,
    );
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('deletes an entry only after it is confirmed', async () => {
    const entries = fillInbox();
    const { page, problems, close } = await openSignedIn(harness, '#/bookings');
    await page.getByText('3 entries.').waitFor();
    const firstRow = page.locator('table tbody tr').first();
    const deletes = () => harness.fake.calls('DELETE', /^\/bookings\/inbox\//);

    await firstRow.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this inbox entry?' });
    await dialog.waitFor();
    // Destructive: the dialog starts on Cancel, so Enter deletes nothing.
    await expect(
      dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled. Nothing was deleted.' }).waitFor();
    expect(deletes()).toHaveLength(0);
    expect(harness.fake.bookingInbox).toHaveLength(3);

    await firstRow.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Entry deleted.' }).waitFor();

    expect(deletes().map((call) => call.path)).toEqual([`/bookings/inbox/${entries[0]!.entryId}`]);
    expect(harness.fake.bookingInbox.map((entry) => entry.entryId)).toEqual([entries[1]!.entryId, entries[2]!.entryId]);
    await page.getByText('2 entries.').waitFor();
    await expect(page.locator('table tbody tr').count()).resolves.toBe(2);
    await expect(page.getByText('stranger@example.com').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('says so when another staff member deleted the entry first, and when the inbox is empty', async () => {
    const entries = fillInbox().slice(0, 1);
    harness.fake.bookingInbox.splice(0, harness.fake.bookingInbox.length, ...entries);
    const { page, problems, close } = await openSignedIn(harness, '#/bookings');
    await page.getByText('1 entry.').waitFor();
    harness.fake.bookingInbox.length = 0;

    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete this inbox entry?' })
      .getByRole('button', { name: 'Delete' })
      .click();

    await page.getByRole('alert').filter({ hasText: 'No booking inbox entry with that id' }).waitFor();
    await page.reload();
    await page.getByText('The booking inbox is empty.').waitFor();
    expect(problems).toEqual([]);
    await close();
  });
});
