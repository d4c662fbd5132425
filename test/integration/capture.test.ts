import { apiEvent, formPost, jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, frozenMidMinute, validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { allItems, itemsOfLead, outbox, uniqueEmail } from '../support/services';

type Harness = Awaited<ReturnType<typeof captureHarness>>;
let harness: Harness;

beforeAll(async () => {
  harness = await captureHarness();
});

const post = (body: unknown) => harness.handler(jsonPost('/leads', body), lambdaContext);
const byType = (items: Record<string, unknown>[], type: string) => items.filter((item) => item.type === type);

describe('POST /leads on DynamoDB Local and the local SES', () => {
  it('stores the lead, its submission, consent and one enrolment due now, and answers 202', async () => {
    const email = uniqueEmail();
    const before = Date.now();

    const response = await post(validLead(email));

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!)).toEqual({ status: 'received', message: expect.any(String) });
    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    const [lead] = byType(items, 'lead');
    expect(lead).toMatchObject({
      email,
      firstName: 'Dana',
      phone: '+18135550199',
      submissionCount: 1,
      status: 'active',
    });
    expect(lead!.firstTouch).toMatchObject({ utmSource: 'newsletter', utmCampaign: 'exosomes-nov', landingPath: '/' });
    const [consent] = byType(items, 'consent');
    expect(consent).toMatchObject({ textVersion: '2026-11-01', mode: 'single', sourcePage: '/' });
    expect(consent!.text).toContain('Tampa Bay Plastic Surgery');
    const [enrolment] = byType(items, 'enrolment');
    expect(enrolment).toMatchObject({ sequenceId: 'exosome-aftercare', status: 'active', stepIndex: 0 });
    expect(enrolment!.duePk).toMatch(/^DUE#[0-3]$/);
    expect(enrolment!.dueAt).toBe(enrolment!.nextSendAt);
    expect(Date.parse(String(enrolment!.dueAt))).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(String(enrolment!.dueAt))).toBeLessThanOrEqual(Date.now());
  });

  it('sends the visitor a confirmation with one-click unsubscribe headers, and staff a notification', async () => {
    const email = uniqueEmail();

    await post(validLead(email));

    const [confirmation] = await outbox(email);
    expect(confirmation).toBeDefined();
    expect(confirmation!.from).toBe('"Tampa Bay Plastic Surgery" <care@mail.example.com>');
    expect(confirmation!.headers).toEqual(
      expect.arrayContaining([
        {
          name: 'List-Unsubscribe',
          value: expect.stringMatching(/^<http:\/\/localhost:3999\/u\/u1\.[\w-]+\.[\w-]+>$/),
        },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    expect(confirmation!.body.html).toContain('Dana');
    expect(confirmation!.body.text).toBeTruthy();
    const staff = (await outbox('frontdesk@example.com')).filter((mail) => mail.body.text?.includes(email));
    expect(staff).toHaveLength(1);
    expect(staff[0]!.body.text).toContain('+18135550199');
    const sent = byType(await itemsOfLead(harness.doc, harness.tableName, testLeadId(email)), 'capture-email');
    expect(sent.map((item) => [item.kind, item.status]).sort()).toEqual([
      ['confirmation', 'sent'],
      ['staff-notification', 'sent'],
    ]);
    expect(sent.every((item) => item.duePk === undefined && typeof item.messageId === 'string')).toBe(true);
  });

  it('answers a plain form post with 303 to the thank-you page', async () => {
    const email = uniqueEmail();
    const fields: [string, string][] = [
      ['firstName', 'Lee'],
      ['email', email],
      ['interests', 'hair-restoration'],
      ['interests', 'skin-regeneration'],
      ['consent', 'on'],
      ['consentVersion', '2026-11-01'],
      ['website', ''],
    ];

    const response = await harness.handler(formPost('/leads', fields), lambdaContext);

    expect(response.statusCode).toBe(303);
    expect(response.headers!.location).toBe('http://localhost:3999/thank-you/');
    const [lead] = byType(await itemsOfLead(harness.doc, harness.tableName, testLeadId(email)), 'lead');
    expect(lead!.interests).toEqual(['hair-restoration', 'skin-regeneration']);
  });

  it('keeps one lead and one enrolment when the same person submits twice, with both submissions and consents', async () => {
    const email = uniqueEmail();

    await post(validLead(email));
    await post(validLead(email.toUpperCase(), { firstName: 'Dani', message: 'Second question' }));

    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    expect(byType(items, 'lead')).toHaveLength(1);
    // The profile is the first submission's; the second is kept as it came.
    expect(byType(items, 'lead')[0]).toMatchObject({ firstName: 'Dana', submissionCount: 2 });
    expect(
      byType(items, 'submission')
        .map((item) => item.firstName)
        .sort(),
    ).toEqual(['Dana', 'Dani']);
    expect(byType(items, 'consent')).toHaveLength(2);
    expect(byType(items, 'enrolment')).toHaveLength(1);
    const staff = (await outbox('frontdesk@example.com')).filter((mail) => mail.body.text?.includes(email));
    // Staff hear about the same lead at most once an hour (capture-limits-mail.test.ts).
    expect(staff.map((mail) => mail.subject)).toEqual([expect.stringMatching(/New lead/)]);
  });

  it('creates exactly one lead and one enrolment when 20 identical requests arrive at once', async () => {
    const email = uniqueEmail('burst');

    const responses = await Promise.all(Array.from({ length: 20 }, () => post(validLead(email))));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(202));
    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    expect(byType(items, 'lead')).toHaveLength(1);
    expect(byType(items, 'enrolment')).toHaveLength(1);
    expect(byType(items, 'submission')).toHaveLength(20);
    expect(byType(items, 'lead')[0]!.submissionCount).toBe(20);
  });

  it('keeps one lead and one enrolment for 20 identical requests at once under the deployed rate limits', async () => {
    const deployed = await captureHarness({ limits: 'deployed', clock: frozenMidMinute() });
    expect(deployed.env.RATE_LIMIT_PER_EMAIL).toBe(5);
    const email = uniqueEmail('burst-deployed');

    // From 20 different client addresses, so only the per-person limit applies.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        deployed.handler(
          apiEvent({
            path: '/leads',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validLead(email)),
            sourceIp: `198.51.100.${index + 1}`,
          }),
          lambdaContext,
        ),
      ),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 202)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    const items = await itemsOfLead(deployed.doc, deployed.tableName, testLeadId(email));
    expect(byType(items, 'lead')).toHaveLength(1);
    expect(byType(items, 'enrolment')).toHaveLength(1);
    expect(byType(items, 'submission')).toHaveLength(5);
  });

  it('answers a known email exactly as a new one: same status, headers and body', async () => {
    const known = uniqueEmail('known');
    await post(validLead(known));

    const [repeat, fresh] = await Promise.all([post(validLead(known)), post(validLead(uniqueEmail('fresh')))]);

    expect(repeat.statusCode).toBe(fresh.statusCode);
    expect(repeat.headers).toEqual(fresh.headers);
    expect(repeat.body).toBe(fresh.body);
    const form = (email: string) =>
      formPost('/leads', [
        ['firstName', 'Lee'],
        ['email', email],
        ['interests', 'hair-restoration'],
        ['consent', 'on'],
        ['consentVersion', '2026-11-01'],
        ['website', ''],
      ]);
    const [repeatForm, freshForm] = await Promise.all([
      harness.handler(form(known), lambdaContext),
      harness.handler(form(uniqueEmail('fresh-form')), lambdaContext),
    ]);
    expect(repeatForm.statusCode).toBe(303);
    expect(repeatForm.headers).toEqual(freshForm.headers);
    expect(repeatForm.body).toBe(freshForm.body);
  });

  it('answers a filled honeypot exactly like a real lead and stores nothing', async () => {
    const email = uniqueEmail('bot');
    const realAnswer = await post(validLead(uniqueEmail()));
    const itemsBefore = (await allItems(harness.doc, harness.tableName)).length;

    const response = await post(validLead(email, { website: 'http://spam.example' }));

    expect(response.statusCode).toBe(realAnswer.statusCode);
    expect(response.body).toBe(realAnswer.body);
    expect((await allItems(harness.doc, harness.tableName)).length).toBe(itemsBefore);
    expect(await outbox(email)).toEqual([]);
  });
});
