import { randomUUID } from 'node:crypto';
import type { LeadPage, LeadSummary, LeadTimeline, TimelineEvent } from '../../functions/admin/contract';
import { LEAD_STATUSES } from '../../functions/admin/contract';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/**
 * The status the console shows, filters by and exports for a lead is the one its timeline
 * ends with, whatever order things happened in; and no lead drops out of the list because the
 * clock was moved forward when it came in and the stack was restarted since.
 */

jest.setTimeout(120_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
type Status = (typeof LEAD_STATUSES)[number];
const STATUS_EVENTS = new Set<TimelineEvent['kind']>(['unsubscribed', 'bounced', 'complained', 'booked']);

/** What the last status-changing event of a timeline says (events come oldest first). */
function statusTimelineEndsWith(events: TimelineEvent[]): Status {
  const last = events.filter((event) => STATUS_EVENTS.has(event.kind)).at(-1);
  return (last?.kind as Status | undefined) ?? 'active';
}

async function allLeads(admin: Admin, query: Record<string, string>): Promise<LeadSummary[]> {
  const items: LeadSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.asMarketing<LeadPage>('POST', '/leads/search', {
      ...query,
      limit: 50,
      ...(cursor ? { cursor } : {}),
    });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

async function unsubscribe(email: string): Promise<void> {
  const [first] = await outbox(email);
  const link = /href="([^"]*\/u\/[^"]+)"/.exec(first?.body.html ?? '')?.[1]?.replace(/&amp;/g, '&');
  if (!link) throw new Error('No unsubscribe link in the first email');
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(response.status).toBe(200);
}

/** Lets a minute pass on the stack's clock, so the next event is plainly later. */
const aMinuteLater = (admin: Admin) => control(admin.stack.base, '/__local/drip/advance', { duration: 'PT1M' });

describe('a lead’s status after unsubscribes, bounces, complaints and bookings in any order', () => {
  let admin: Admin;
  beforeAll(async () => {
    admin = await adminStack({ CONSENT_MODE: 'single' });
  });
  afterAll(() => admin?.stack.stop());

  it('is what the timeline ends with, in the list, the detail page and the status filter', async () => {
    const tag = randomUUID().slice(0, 8);
    const person = (label: string) => uniqueEmail(`${label}-${tag}`);
    const leads = {
      unsubscribedAfterCompleting: person('uac'),
      complainedAfterCompleting: person('cac'),
      bouncedAfterStaffStopped: person('bas'),
      unsubscribedAfterBooking: person('uab'),
      bookedAfterUnsubscribing: person('bau'),
      active: person('act'),
    };
    const expected: Record<keyof typeof leads, Status> = {
      unsubscribedAfterCompleting: 'unsubscribed',
      complainedAfterCompleting: 'complained',
      bouncedAfterStaffStopped: 'bounced',
      unsubscribedAfterBooking: 'unsubscribed',
      bookedAfterUnsubscribing: 'booked',
      active: 'active',
    };
    const base = admin.stack.base;
    for (const [name, email] of Object.entries(leads)) {
      if (name !== 'active') expect((await postLead(base, validLead(email))).status).toBe(202);
    }
    await control(base, '/__local/drip/tick');
    const id = (email: string) => testLeadId(email);
    await admin.asMarketing('POST', `/leads/${id(leads.bouncedAfterStaffStopped)}/stop`, {
      sequenceId: 'exosome-aftercare',
    });
    expect((await admin.asMarketing('POST', `/leads/${id(leads.unsubscribedAfterBooking)}/booked`)).status).toBe(200);
    await control(base, '/__local/drip/advance', { duration: 'P35D' });

    await unsubscribe(leads.unsubscribedAfterCompleting);
    await control(base, '/__local/ses/complaint', { email: leads.complainedAfterCompleting });
    await control(base, '/__local/ses/bounce', { email: leads.bouncedAfterStaffStopped });
    await aMinuteLater(admin);
    await unsubscribe(leads.unsubscribedAfterBooking);
    await unsubscribe(leads.bookedAfterUnsubscribing);
    await aMinuteLater(admin);
    expect((await admin.asMarketing('POST', `/leads/${id(leads.bookedAfterUnsubscribing)}/booked`)).status).toBe(200);
    expect((await postLead(base, validLead(leads.active))).status).toBe(202);

    const listed = new Map((await allLeads(admin, { q: tag })).map((item) => [item.leadId, item]));
    const shown: Record<string, { timeline: Status; detail: Status; list?: Status }> = {};
    for (const [name, email] of Object.entries(leads)) {
      const timeline = (await admin.asMarketing<LeadTimeline>('GET', `/leads/${id(email)}`)).body;
      shown[name] = {
        timeline: statusTimelineEndsWith(timeline.events),
        detail: timeline.lead.status,
        list: listed.get(id(email))?.status,
      };
    }
    const want = Object.fromEntries(
      Object.entries(expected).map(([name, status]) => [name, { timeline: status, detail: status, list: status }]),
    );
    expect(shown).toEqual(want);

    for (const status of LEAD_STATUSES) {
      const filtered = (await allLeads(admin, { q: tag, status })).map((item) => item.leadId).sort();
      const wanted = Object.entries(expected)
        .filter(([, value]) => value === status)
        .map(([name]) => id(leads[name as keyof typeof leads]))
        .sort();
      expect({ status, leads: filtered }).toEqual({ status, leads: wanted });
    }
  });
});

describe('leads that came in while the clock was moved forward', () => {
  it('stay in the list, its status filter and its export pages after a restart puts the clock back', async () => {
    const tag = randomUUID().slice(0, 8);
    const early = uniqueEmail(`early-${tag}`);
    const later = uniqueEmail(`later-${tag}`);
    const first = await adminStack({ CONSENT_MODE: 'single' });
    const tableName = first.stack.env.TABLE_NAME!;
    try {
      expect((await postLead(first.stack.base, validLead(early))).status).toBe(202);
      // Far enough ahead to land in a later month whatever the date today.
      await control(first.stack.base, '/__local/drip/advance', { duration: 'P70D' });
      expect((await postLead(first.stack.base, validLead(later))).status).toBe(202);
      expect((await allLeads(first, { q: tag })).map((item) => item.leadId)).toEqual([
        testLeadId(later),
        testLeadId(early),
      ]);
    } finally {
      await first.stack.stop();
    }

    // The same table after a restart: the clock is this machine's again, 70 days behind.
    const restarted = await adminStack({ CONSENT_MODE: 'single' }, { tableName });
    try {
      expect(Date.now() - restarted.stack.clock.now().getTime()).toBeLessThan(60_000);
      expect((await allLeads(restarted, { q: tag })).map((item) => item.leadId)).toEqual([
        testLeadId(later),
        testLeadId(early),
      ]);
      expect((await allLeads(restarted, { q: tag, status: 'active' })).map((item) => item.leadId)).toEqual([
        testLeadId(later),
        testLeadId(early),
      ]);
      // The console's CSV export reads the list one small page at a time.
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await restarted.asMarketing<LeadPage>('POST', '/leads/search', {
          q: tag,
          limit: 1,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.status).toBe(200);
        pages.push(page.body.items.map((item) => item.leadId));
        cursor = page.body.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.flat()).toEqual([testLeadId(later), testLeadId(early)]);
    } finally {
      await restarted.stack.stop();
    }
  });
});
