import { apiEvent, formPost, jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { allItems, uniqueEmail } from '../support/services';

type Harness = Awaited<ReturnType<typeof captureHarness>>;
let harness: Harness;

beforeAll(async () => {
  harness = await captureHarness();
});

async function expectNothingStored(): Promise<void> {
  expect(await allItems(harness.doc, harness.tableName)).toEqual([]);
}

describe('POST /leads with bad input', () => {
  it('lists every invalid field with what is wrong, and stores nothing', async () => {
    const response = await harness.handler(
      jsonPost('/leads', {
        firstName: '',
        email: 'not-an-email',
        interests: [],
        consent: false,
        consentVersion: '2026-11-01',
      }),
      lambdaContext,
    );

    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body!);
    expect(body.error).toBe('validation');
    expect(body.fields.map((problem: { field: string }) => problem.field).sort()).toEqual(
      ['consent', 'email', 'firstName', 'interests'].sort(),
    );
    for (const problem of body.fields) expect(problem.message.length).toBeGreaterThan(5);
    await expectNothingStored();
  });

  it('re-renders the form with inline errors (status 400, HTML) for a form post without JavaScript', async () => {
    const email = uniqueEmail();
    const response = await harness.handler(
      formPost('/leads', [
        ['firstName', 'Sam'],
        ['email', email],
        ['consentVersion', '2026-11-01'],
      ]),
      lambdaContext,
    );

    expect(response.statusCode).toBe(400);
    expect(response.headers!['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('Choose at least one topic');
    expect(response.body).toContain(`value="${email}"`);
    await expectNothingStored();
  });

  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"firstName": ', 400],
    ['a wrong content type', { 'content-type': 'text/plain' }, 'hello', 415],
    ['no content type', {}, '{}', 415],
    ['a non-UTF-8 charset', { 'content-type': 'application/json; charset=latin1' }, '{}', 415],
    [
      'a body over 16 KB',
      { 'content-type': 'application/json' },
      JSON.stringify({ message: 'x'.repeat(17 * 1024) }),
      413,
    ],
    ['a JSON array', { 'content-type': 'application/json' }, '[1,2,3]', 400],
    ['JSON null', { 'content-type': 'application/json' }, 'null', 400],
  ])('answers %s with %i and stores nothing', async (_label, headers, body, status) => {
    const response = await harness.handler(apiEvent({ path: '/leads', headers, body }), lambdaContext);

    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body!).message).toEqual(expect.any(String));
    await expectNothingStored();
  });

  it.each(['firstName', 'lastName', 'email', 'utm_source', 'referrer', 'timeZone'])(
    'refuses CR or LF in %s, which could reach an email header',
    async (field) => {
      const email = uniqueEmail();
      const value = field === 'email' ? `${email}\r\nBcc: victim@example.com` : 'Dana\r\nBcc: victim@example.com';

      const response = await harness.handler(jsonPost('/leads', validLead(email, { [field]: value })), lambdaContext);

      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body!).fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      await expectNothingStored();
    },
  );

  it('refuses unknown fields, including __proto__ and constructor, without touching prototypes', async () => {
    const body = `{"firstName":"Al","email":"${uniqueEmail()}","interests":["hair-restoration"],"consent":true,"consentVersion":"2026-11-01","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;

    const response = await harness.handler(
      apiEvent({ path: '/leads', headers: { 'content-type': 'application/json' }, body }),
      lambdaContext,
    );

    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectNothingStored();
  });

  it('refuses an unknown time zone and a message over 1000 characters', async () => {
    const response = await harness.handler(
      jsonPost('/leads', validLead(uniqueEmail(), { timeZone: 'Mars/Olympus_Mons', message: 'x'.repeat(1001) })),
      lambdaContext,
    );

    expect(response.statusCode).toBe(400);
    expect(
      JSON.parse(response.body!)
        .fields.map((problem: { field: string }) => problem.field)
        .sort(),
    ).toEqual(['message', 'timeZone']);
    await expectNothingStored();
  });
});
