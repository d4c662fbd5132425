import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { ADMIN_ROUTES_LIST } from '../../functions/admin/routes';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { allItems, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(240_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
let admin: Admin;
let doc: DynamoDBDocumentClient;
let leadId: string;

beforeAll(async () => {
  admin = await adminStack();
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
  const email = uniqueEmail('fuzzed');
  await postLead(admin.stack.base, validLead(email));
  await control(admin.stack.base, '/__local/drip/tick');
  leadId = testLeadId(email);
  await new Promise((resolve) => setTimeout(resolve, 200)); // simulated delivery events settle
});
afterAll(() => admin.stack.stop());

const snapshot = async () =>
  new Map(
    (await allItems(doc, admin.stack.env.TABLE_NAME!)).map((item) => [`${item.pk}|${item.sk}`, JSON.stringify(item)]),
  );

/** Hostile or malformed input for every route: bodies, path parameters and query strings. */
const body = fc.oneof(
  fc.anything(),
  fc.json().map((text) => ({ raw: text })),
  fc.record({
    sequenceId: fc.oneof(fc.string(), fc.constant('exosome-aftercare')),
    stepId: fc.oneof(fc.string(), fc.constant('welcome')),
    version: fc.string(),
    fromVersion: fc.string(),
    toVersion: fc.string(),
    dryRun: fc.anything(),
    csv: fc.oneof(fc.string(), fc.constant('email,first_name,consent_source,consent_date\n"')),
    reviewer: fc.string(),
    validUntil: fc.string(),
    draft: fc.anything(),
    definition: fc.anything(),
    templates: fc.dictionary(fc.string(), fc.string()),
    leadId: fc.string(),
    timeZone: fc.string(),
    start: fc.string(),
  }),
);
const param = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('exosome-aftercare', 'A'.repeat(26), '..', '%', ''),
);
const query = fc.dictionary(
  fc.constantFrom('q', 'status', 'interest', 'source', 'from', 'to', 'cursor', 'limit', 'sequenceId', 'x'),
  fc.string({ maxLength: 40 }),
);

describe('admin API under malformed input', () => {
  it.each(ADMIN_ROUTES_LIST.map((route) => [route.routeKey, route]))(
    '%s never answers 5xx, and a refused request changes nothing stored',
    async (_key, route) => {
      await fc.assert(
        fc.asyncProperty(body, param, param, query, fc.boolean(), async (payload, p1, p2, params, rawText) => {
          const path =
            route.path
              .replace('/admin/api', '')
              .replace('{leadId}', encodeURIComponent(p1 || leadId))
              .replace('{sequenceId}', encodeURIComponent(p2 || 'exosome-aftercare')) +
            (Object.keys(params).length > 0 ? `?${new URLSearchParams(params)}` : '');
          const before = await snapshot();
          const response = await fetch(`${admin.stack.base}/admin/api${path}`, {
            method: route.method,
            headers: {
              authorization: `Bearer ${admin.tokens.admin}`,
              'content-type': rawText ? 'text/plain' : 'application/json',
            },
            body:
              route.method === 'GET'
                ? undefined
                : rawText
                  ? `{not json ${typeof payload}`
                  : JSON.stringify(payload ?? null),
          });
          await response.text();
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(await snapshot()).toEqual(before);
        }),
        { numRuns: 25 },
      );
    },
  );
});
