import { randomBytes } from 'node:crypto';
import { ADMIN_ROUTES_LIST } from '../../functions/admin/routes';
import { adminEnvSchema, parseEnv } from '../../functions/config/env';
import { makeAdminHandler } from '../../functions/lambdas/admin/handler';
import { adminDeps } from '../../functions/lambdas/admin/wiring';
import { signLocalToken } from '../../local/admin-auth';
import { localEnvironment } from '../../local/local-env';
import { adminStack, CONSOLE_PASSWORD, USERS } from '../support/admin-harness';
import { apiEvent, lambdaContext } from '../support/api-event';
import { testIdentityKey } from '../support/identity';
import { control } from '../support/local-stack-harness';
import { freshTable, testEndpoints } from '../support/services';

jest.setTimeout(60_000);

let admin: Awaited<ReturnType<typeof adminStack>>;
beforeAll(async () => {
  admin = await adminStack();
});
afterAll(() => admin.stack.stop());

const SAMPLE_LEAD = 'AAAAAAAAAAAAAAAAAAAAAAAAAA';
const pathOf = (path: string) =>
  path.replace('/admin/api', '').replace('{leadId}', SAMPLE_LEAD).replace('{sequenceId}', 'exosome-aftercare');

const forged = async () => {
  const token = await signLocalToken(
    {
      sub: 'forged',
      'cognito:groups': ['admin'],
      iss: 'clinic-local-console',
      aud: 'clinic-console',
      exp: Math.floor(Date.now() / 1000) + 600,
    },
    randomBytes(32),
  );
  return token;
};

describe('admin API access', () => {
  it.each(ADMIN_ROUTES_LIST.map((route) => [route.routeKey, route]))(
    '%s: 401 without or with a bad token, 403 for the wrong group',
    async (_key, route) => {
      const path = pathOf(route.path);
      const noToken = await admin.call(undefined, route.method, path);
      const garbage = await admin.call('not-a-jwt', route.method, path);
      const otherKey = await admin.call(await forged(), route.method, path);
      const tampered = await admin.call(`${admin.tokens.admin.slice(0, -2)}xx`, route.method, path);
      const noGroup = await admin.call(admin.tokens.outsider, route.method, path);
      const asMarketing = await admin.call(admin.tokens.marketing, route.method, path);
      const asAdmin = await admin.call(admin.tokens.admin, route.method, path);

      for (const refused of [noToken, garbage, otherKey, tampered]) {
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toMatch(/Bearer/);
      }
      expect(noGroup.status).toBe(403);
      if (route.access === 'admin') expect(asMarketing.status).toBe(403);
      else expect([401, 403]).not.toContain(asMarketing.status);
      expect([401, 403]).not.toContain(asAdmin.status);
      expect(asAdmin.status).toBeLessThan(500);
    },
  );

  it('signs in with the configured password only, and /me names the user and groups', async () => {
    expect((await admin.login(USERS.admin, 'wrong-password')).status).toBe(401);
    expect((await admin.login('someone@else.test', CONSOLE_PASSWORD)).status).toBe(401);
    const signedIn = await admin.login(USERS.admin);
    expect(signedIn.status).toBe(200);
    expect(Date.parse(signedIn.body.expiresAt)).toBeGreaterThan(Date.now());

    const me = await admin.call(signedIn.body.token, 'GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      username: USERS.admin,
      email: USERS.admin,
      groups: ['marketing', 'admin'],
      now: expect.any(String),
    });
    // The stack's clock, which the console's defaults follow: moved forward, it says so.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P2D' });
    const later = await admin.call(signedIn.body.token, 'GET', '/me');
    expect(Date.parse(later.body.now) - Date.now()).toBeGreaterThan(2 * 86_400_000 - 60_000);
  });

  it('answers a malformed login with 400, not 5xx', async () => {
    const response = await fetch(`${admin.stack.base}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(response.status).toBe(400);
  });
});

describe('admin handler without an authorizer in front', () => {
  it('answers 401 when the claims are missing and 403 when the groups are wrong', async () => {
    const { dynamo, ses } = testEndpoints();
    const { tableName } = await freshTable('admin-auth');
    const env = parseEnv(
      adminEnvSchema,
      localEnvironment({ port: 3997, dynamoEndpoint: dynamo, sesEndpoint: ses, tableName }),
    );
    const handler = makeAdminHandler(adminDeps(env, { identityKey: testIdentityKey }));
    const event = apiEvent({ method: 'GET', path: '/admin/api/me' });
    event.routeKey = 'GET /admin/api/me';
    const missing = await handler(event as never, lambdaContext);
    expect(missing.statusCode).toBe(401);

    const withClaims = (claims: Record<string, unknown>) =>
      ({ ...event, requestContext: { ...event.requestContext, authorizer: { jwt: { claims } } } }) as never;
    const wrongGroup = await handler(withClaims({ sub: 'u1', 'cognito:groups': '[viewers]' }), lambdaContext);
    expect(wrongGroup.statusCode).toBe(403);
    // API Gateway flattens the groups array into "[a b]"; a raw array (tests, other authorizers) works too.
    const flattened = await handler(withClaims({ sub: 'u1', 'cognito:groups': '[marketing]' }), lambdaContext);
    const asArray = await handler(withClaims({ sub: 'u1', 'cognito:groups': ['admin'] }), lambdaContext);
    expect(flattened.statusCode).toBe(200);
    expect(JSON.parse(asArray.body!).groups).toEqual(['admin']);
  });
});
