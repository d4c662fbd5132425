import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, leadListKeys } from '../../functions/adapters/dynamodb/keys';
import { DynamoLeadRepository } from '../../functions/adapters/dynamodb/lead-repository';
import type { LeadPage, LeadSummary, LeadTimeline } from '../../functions/admin/contract';
import type { Interest } from '../../functions/lead/interests';
import type { Lead } from '../../functions/lead/lead';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { sesEvent } from '../../local/simulated-ses-events';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId, testSuppressionHash } from '../support/identity';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { allItems, outbox, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(120_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
let admin: Admin;
let doc: DynamoDBDocumentClient;
const sequence = bundledEmails().sequences['exosome-aftercare']!;

beforeAll(async () => {
  admin = await adminStack();
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
});
afterAll(() => admin.stack.stop());

const table = () => admin.stack.env.TABLE_NAME!;
const DAY = 86_400_000;

/** A lead written as the capture path writes it, but created `daysAgo` days before the stack's clock. */
async function seedLead(options: {
  email: string;
  firstName: string;
  lastName?: string;
  daysAgo: number;
  interests?: Interest[];
  utmSource?: string;
  withoutSearchText?: boolean;
}) {
  const createdAt = new Date(admin.stack.clock.now().getTime() - options.daysAgo * DAY).toISOString();
  const leadId = testLeadId(options.email);
  const attribution = options.utmSource ? { utmSource: options.utmSource } : {};
  const lead: Lead = {
    leadId,
    email: options.email,
    firstName: options.firstName,
    ...(options.lastName ? { lastName: options.lastName } : {}),
    preferredContact: 'email',
    interests: options.interests ?? ['hair-restoration'],
    status: 'active',
    createdAt,
    updatedAt: createdAt,
    submissionCount: 1,
    firstTouch: attribution,
    lastTouch: attribution,
  };
  if (options.withoutSearchText) {
    // A lead stored before searchText existed.
    await doc.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.lead(leadId), type: 'lead', ...lead, ...leadListKeys(createdAt, leadId) },
      }),
    );
    return leadId;
  }
  const submissionId = `${createdAt}#${randomUUID()}`;
  await new DynamoLeadRepository({ client: doc, tableName: table(), dueShards: 4 }).recordSubmission({
    lead,
    returningProfile: 'fill-empty',
    emailSpacing: { visitorEveryMs: 0, staffEveryMs: 0 },
    submission: { ...lead, submissionId, receivedAt: createdAt, attribution },
    consent: {
      leadId,
      submissionId,
      givenAt: createdAt,
      textVersion: '2026-11-01',
      text: 'consent',
      mode: 'single',
      attribution,
    },
    enrolment: {
      leadId,
      sequenceId: sequence.id,
      sequenceVersion: sequence.version,
      status: 'active',
      stepIndex: 2,
      nextSendAt: new Date(Date.parse(createdAt) + 100 * DAY).toISOString(),
      timeZone: 'America/New_York',
      enrolledAt: createdAt,
    },
    emails: [],
    requestToken: randomUUID(),
  });
  return leadId;
}

/** POST /leads/search with the filters a query string would have carried. */
function search<T = LeadPage>(query: string) {
  const body: Record<string, string | number> = Object.fromEntries(new URLSearchParams(query));
  if (typeof body.limit === 'string' && /^\d+$/.test(body.limit)) body.limit = Number(body.limit);
  return admin.asMarketing<T>('POST', '/leads/search', body);
}

async function allPages(query: string, limit: number): Promise<{ pages: LeadPage[]; items: LeadSummary[] }> {
  const pages: LeadPage[] = [];
  let cursor: string | undefined;
  do {
    const response = await search(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    pages.push(response.body);
    cursor = response.body.nextCursor;
  } while (cursor && pages.length < 50);
  return { pages, items: pages.flatMap((page) => page.items) };
}

describe('lead list: search, filters and paging', () => {
  const tag = randomUUID().slice(0, 6);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ids.zeb = await seedLead({
      email: uniqueEmail(`zq-${tag}`),
      firstName: 'Zebulonia',
      lastName: 'Quaxworth',
      daysAgo: 1,
      interests: ['fraxel-aftercare'],
      utmSource: `news-${tag}`,
    });
    ids.older = await seedLead({
      email: uniqueEmail(`zq-${tag}`),
      firstName: 'Imogen',
      lastName: 'Quaxworth',
      daysAgo: 45,
      utmSource: `news-${tag}`,
    });
    ids.oldest = await seedLead({
      email: uniqueEmail(`zq-${tag}`),
      firstName: 'Petra',
      daysAgo: 75,
      interests: ['small-joint-injections'],
    });
    ids.legacy = await seedLead({
      email: uniqueEmail(`zq-${tag}`),
      firstName: 'Legacyname',
      daysAgo: 20,
      withoutSearchText: true,
    });
    for (let index = 0; index < 4; index++) {
      ids[`bulk${index}`] = await seedLead({
        email: uniqueEmail(`zq-${tag}`),
        firstName: `Bulk${index}`,
        daysAgo: 2 + index * 15,
        utmSource: `bulk-${tag}`,
      });
    }
  });

  it('finds leads by part of a name or email, case-insensitively, including leads stored before searchText', async () => {
    const byLastName = await search('q=QUAXW');
    expect(byLastName.status).toBe(200);
    expect(byLastName.body.items.map((item) => item.leadId).sort()).toEqual([ids.zeb, ids.older].sort());
    const byEmail = await search(`q=zq-${tag}`);
    expect(byEmail.body.items).toHaveLength(8);
    const legacy = await search('q=legacyname');
    expect(legacy.body.items.map((item) => item.leadId)).toEqual([ids.legacy]);
  });

  it('pages through months newest first, each lead exactly once', async () => {
    const { pages, items } = await allPages(`q=zq-${tag}`, 3);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(items).toHaveLength(8);
    expect(new Set(items.map((item) => item.leadId)).size).toBe(8);
    const created = items.map((item) => item.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(pages.every((page) => page.items.length <= 3)).toBe(true);
    expect(pages.reduce((sum, page) => sum + page.scanned, 0)).toBeGreaterThanOrEqual(8);
  });

  it('filters by interest, source, status and creation date', async () => {
    const interest = await search(`q=zq-${tag}&interest=small-joint-injections`);
    expect(interest.body.items.map((item) => item.leadId)).toEqual([ids.oldest]);
    const source = await search(`source=news-${tag}`);
    expect(source.body.items.map((item) => item.leadId)).toEqual([ids.zeb, ids.older]);
    // Counted along the lead's path: a Fraxel-only lead gets six of the eight emails.
    expect(source.body.items[0]).toMatchObject({ source: `news-${tag}`, progress: '2 of 6', status: 'active' });
    const direct = await search(`q=zq-${tag}&source=direct`);
    expect(direct.body.items.map((item) => item.leadId).sort()).toEqual([ids.oldest, ids.legacy].sort());

    const now = admin.stack.clock.now().getTime();
    const day = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString().slice(0, 10);
    const window = await search(`q=zq-${tag}&from=${day(50)}&to=${day(10)}`);
    expect(window.body.items.map((item) => item.leadId)).toEqual([
      ids.bulk1,
      ids.legacy,
      ids.bulk2,
      ids.older,
      ids.bulk3,
    ]);

    // A lead whose sequence ended with an unsubscribe is listed with that status.
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.enrolment(ids.bulk3!, sequence.id),
        UpdateExpression: 'SET #status = :exited, exitReason = :reason REMOVE duePk, dueAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':exited': 'exited', ':reason': 'unsubscribed' },
      }),
    );
    const unsubscribed = await search(`q=zq-${tag}&status=unsubscribed`);
    expect(unsubscribed.body.items.map((item) => [item.leadId, item.status, item.progress])).toEqual([
      [ids.bulk3, 'unsubscribed', 'exited: unsubscribed'],
    ]);
  });

  it('answers bad filters and a forged cursor with 400 and the field', async () => {
    for (const [query, field] of <[string, string][]>[
      ['limit=0', 'limit'],
      ['limit=many', 'limit'],
      ['status=sleeping', 'status'],
      ['from=yesterday', 'from'],
      ['cursor=not-a-cursor', 'cursor'],
      ['colour=red', 'colour'],
    ]) {
      const response = await search<{ fields: { field: string }[] }>(query);
      expect(response.status).toBe(400);
      expect(response.body.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    }
  });
});

describe('a lead after a real capture and a drip tick', () => {
  it('shows submission, consent, capture emails, enrolment, the sent step with its delivery and the next scheduled step', async () => {
    const email = uniqueEmail('timeline');
    expect((await postLead(admin.stack.base, validLead(email))).status).toBe(202);
    await control(admin.stack.base, '/__local/drip/tick');
    const leadId = testLeadId(email);

    // SES reports delivery, opens and clicks later; sent here as the ses-events function receives them.
    const tags = { kind: 'step', lead: leadId, sequence: sequence.id, step: 'welcome', variant: 'a' };
    for (const type of ['Delivery', 'Open', 'Click'] as const) {
      await admin.stack.drip.sendToSesEvents(
        sesEvent(type, { messageId: 'm1', to: [email], tags }, admin.stack.clock.now()),
      );
    }
    const timeline = (await admin.asMarketing<LeadTimeline>('GET', `/leads/${leadId}`)).body;
    const kinds = timeline.events.map((event) => event.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'submission',
        'consent',
        'capture-email',
        'enrolled',
        'step-sent',
        'delivered',
        'opened',
        'clicked',
        'step-scheduled',
      ]),
    );
    expect(kinds.filter((kind) => kind === 'capture-email')).toHaveLength(2);
    const sent = timeline.events.find((event) => event.kind === 'step-sent')!;
    expect(sent).toMatchObject({ stepId: 'welcome', sequenceId: sequence.id });
    expect(sent.title).toContain(sequence.steps[0]!.variants[0]!.subject);
    const scheduled = timeline.events.find((event) => event.kind === 'step-scheduled')!;
    expect(scheduled.stepId).toBe('exosomes-explained');
    expect(timeline.lead).toMatchObject({
      leadId,
      email,
      status: 'active',
      progress: '1 of 7',
      source: 'newsletter',
      timeZone: 'America/New_York',
      preferredContact: 'email',
    });
    expect(timeline.enrolments).toEqual([
      expect.objectContaining({
        sequenceId: sequence.id,
        sequenceVersion: sequence.version,
        status: 'active',
        stepIndex: 1,
      }),
    ]);
    const times = timeline.events.map((event) => event.at);
    expect(times).toEqual([...times].sort());
  });

  it('marks a lead booked: the sequence exits with reason booked and the timeline says so', async () => {
    const email = uniqueEmail('booked');
    await postLead(admin.stack.base, validLead(email));
    const leadId = testLeadId(email);

    const booked = await admin.asMarketing('POST', `/leads/${leadId}/booked`);
    const again = await admin.asMarketing('POST', `/leads/${leadId}/booked`);

    expect(booked.body).toEqual({ status: 'booked', leadId });
    expect(again.body).toEqual({ status: 'already-booked', leadId });
    const timeline = (await admin.asMarketing<LeadTimeline>('GET', `/leads/${leadId}`)).body;
    expect(timeline.lead.status).toBe('booked');
    expect(timeline.enrolments[0]).toMatchObject({ status: 'exited', exitReason: 'booked' });
    expect(timeline.events.map((event) => event.kind)).toEqual(expect.arrayContaining(['booked', 'exited']));
    expect((await admin.asMarketing('POST', `/leads/${'B'.repeat(26)}/booked`)).status).toBe(404);
  });

  it('stops one sequence: no later step goes out, and stopping again or an unknown sequence is answered clearly', async () => {
    const email = uniqueEmail('stopped');
    await postLead(admin.stack.base, validLead(email));
    await control(admin.stack.base, '/__local/drip/tick');
    const leadId = testLeadId(email);
    const mailsBefore = (await outbox(email)).length;

    const stopped = await admin.asMarketing('POST', `/leads/${leadId}/stop`, { sequenceId: sequence.id });
    const again = await admin.asMarketing('POST', `/leads/${leadId}/stop`, { sequenceId: sequence.id });
    const unknown = await admin.asMarketing('POST', `/leads/${leadId}/stop`, { sequenceId: 'no-such-sequence' });
    const bad = await admin.asMarketing('POST', `/leads/${leadId}/stop`, { sequence: 'x' });
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P10D' });

    expect(stopped.body).toMatchObject({ status: 'stopped' });
    expect(again.body).toMatchObject({ status: 'already-stopped' });
    expect(unknown.status).toBe(404);
    expect(bad.status).toBe(400);
    expect((await outbox(email)).length).toBe(mailsBefore);
    const timeline = (await admin.asMarketing<LeadTimeline>('GET', `/leads/${leadId}`)).body;
    expect(timeline.enrolments[0]).toMatchObject({ status: 'exited', exitReason: 'stopped' });
    expect(timeline.lead.progress).toBe('exited: stopped');
  });

  it('exports everything held about the person (GDPR access)', async () => {
    const email = uniqueEmail('export');
    await postLead(admin.stack.base, validLead(email));
    await control(admin.stack.base, '/__local/drip/tick');
    const leadId = testLeadId(email);

    const exported = await admin.asMarketing('GET', `/leads/${leadId}/export`);

    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain(`lead-${leadId}.json`);
    expect(exported.body.leadId).toBe(leadId);
    const types = exported.body.items.map((item: { type: string }) => item.type).sort();
    expect(types).toEqual(
      expect.arrayContaining(['capture-email', 'consent', 'enrolment', 'lead', 'send', 'submission']),
    );
    const lead = exported.body.items.find((item: { type: string }) => item.type === 'lead');
    expect(lead).toMatchObject({ email, firstName: 'Dana', lastName: 'Whitfield', phone: '+18135550199' });
    expect(lead.pk).toBeUndefined();
    expect((await admin.asMarketing('GET', `/leads/${'C'.repeat(26)}/export`)).status).toBe(404);
  });
});

describe('GDPR erasure', () => {
  const containsPerson = (items: Record<string, unknown>[], needles: string[]) =>
    items.filter((item) => {
      const text = JSON.stringify(item);
      return needles.some((needle) => text.includes(needle));
    });

  it('leaves nothing with the email, name or phone in the table, keeps only an anonymous suppression, and never emails them again', async () => {
    const email = uniqueEmail('erase');
    await postLead(
      admin.stack.base,
      validLead(email, { firstName: 'Zebulonia', lastName: 'Quaxworth-Erase', phone: '(727) 555-0142' }),
    );
    await control(admin.stack.base, '/__local/drip/tick');
    const leadId = testLeadId(email);
    const needles = [email, 'Quaxworth-Erase', '+17275550142', '555-0142'];
    // They had unsubscribed first: the suppression entry's history goes with the erasure too.
    const welcome = (await outbox(email)).at(-1)!;
    const link = welcome.headers!.find((header) => header.name === 'List-Unsubscribe')!.value.slice(1, -1);
    const unsubscribed = await fetch(link.replace(/^http:\/\/localhost:\d+/, admin.stack.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    const unsubscribedTimeline = await admin.asMarketing<LeadTimeline>('GET', `/leads/${leadId}`);
    expect(unsubscribedTimeline.body.suppressed).toBe('unsubscribed');
    expect(unsubscribedTimeline.body.events.map((event) => event.kind)).toContain('unsubscribed');
    const before = await allItems(doc, table());
    expect(containsPerson(before, needles).length).toBeGreaterThanOrEqual(2);
    expect(before.filter((item) => item.leadId === leadId).length).toBeGreaterThan(5);

    expect((await admin.asMarketing('DELETE', `/leads/${leadId}`)).status).toBe(403);
    const erased = await admin.asAdmin('DELETE', `/leads/${leadId}`);

    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ status: 'erased', leadId });
    const remaining = await allItems(doc, table());
    expect(containsPerson(remaining, needles)).toEqual([]);
    expect(remaining.filter((item) => String(item.pk).startsWith(`LEAD#${leadId}`))).toEqual([]);
    expect(remaining.filter((item) => item.leadId === leadId)).toEqual([]);
    const suppression = remaining.find((item) => item.pk === `SUPPRESSION#${testSuppressionHash(email)}`);
    expect(suppression).toEqual({
      pk: `SUPPRESSION#${testSuppressionHash(email)}`,
      sk: 'SUPPRESSION',
      type: 'suppression',
      reason: 'erased',
      suppressedAt: expect.any(String),
    });
    expect((await admin.asMarketing('GET', `/leads/${leadId}`)).status).toBe(404);
    expect((await admin.asAdmin('DELETE', `/leads/${leadId}`)).status).toBe(404);

    // They fill in the form again: the sequence's emails are still never sent to them.
    const mailsBefore = (await outbox(email)).length;
    await postLead(admin.stack.base, validLead(email));
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P10D' });
    const after = await outbox(email);
    const stepSubjects = new Set(sequence.steps.flatMap((step) => step.variants.map((variant) => variant.subject)));
    expect(after.slice(mailsBefore).filter((mail) => stepSubjects.has(mail.subject))).toEqual([]);
  });

  it('also removes a double opt-in token still waiting to be used', async () => {
    const doubleStack = await localStackForTest({
      CONSENT_MODE: 'double',
      LOCAL_CONSOLE_USERS: 'root@clinic.test:long-password:admin',
    });
    try {
      const email = uniqueEmail('erase-optin');
      await postLead(doubleStack.base, validLead(email));
      const leadId = testLeadId(email);
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
      const tokensOf = async () =>
        (await allItems(client, doubleStack.env.TABLE_NAME!)).filter(
          (item) => item.type === 'opt-in-token' && item.leadId === leadId,
        );
      expect(await tokensOf()).toHaveLength(1);
      const login = await fetch(`${doubleStack.base}/admin/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root@clinic.test', password: 'long-password' }),
      });
      const { token } = (await login.json()) as { token: string };

      const erased = await fetch(`${doubleStack.base}/admin/api/leads/${leadId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(erased.status).toBe(200);
      expect(await tokensOf()).toEqual([]);
    } finally {
      await doubleStack.stop();
    }
  });
});
