import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_ROUTES_LIST } from '../../functions/admin/routes';
import { signLocalToken } from '../../local/admin-auth';
import { freePort } from '../../local/ports';
import { fileSigningKey } from '../../local/signing-key';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { testEndpoints } from '../support/services';

/**
 * A console token signed correctly with the local console key, but past its expiry, must get
 * 401 on the admin API of the running local stack, as API Gateway's JWT authorizer answers.
 * The stack keeps its console key in memory unless it has a data folder; with one, the key is
 * the file the stack reads at start, so the test can sign with the very same key.
 */

jest.setTimeout(60_000);

const SAMPLE_LEAD = 'AAAAAAAAAAAAAAAAAAAAAAAAAA';
const pathOf = (path: string) =>
  path.replace('/admin/api', '').replace('{leadId}', SAMPLE_LEAD).replace('{sequenceId}', 'exosome-aftercare');

let dataDir: string;
let stack: LocalStack;
let base: string;
let consoleKey: Buffer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'admin-expired-'));
  // Created here first, so it is the key the stack then reads from its data folder.
  consoleKey = await fileSigningKey(join(dataDir, 'console.key'))();
  const { dynamo, ses } = testEndpoints();
  const port = await freePort();
  stack = await startLocalStack({
    port,
    sesPort: 0,
    dynamoPort: 0,
    dynamoEndpoint: dynamo,
    sesEndpoint: ses,
    dataDir,
    tableName: `admin-expired-${port}-${randomUUID().slice(0, 8)}`,
    extraEnv: { LOCAL_CONSOLE_USERS: 'boss@clinic.test:local-test-password:admin+marketing' },
  });
  base = `http://localhost:${port}`;
});
afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The claims a console token carries (local/admin-auth.ts issueLocalToken), expiring at `exp` (unix seconds). */
async function tokenExpiringAt(exp: number): Promise<string> {
  const iat = exp - 8 * 60 * 60;
  return signLocalToken(
    {
      sub: 'local-expired-test',
      'cognito:username': 'boss@clinic.test',
      email: 'boss@clinic.test',
      'cognito:groups': ['admin', 'marketing'],
      token_use: 'id',
      iss: 'clinic-local-console',
      aud: 'clinic-console',
      iat,
      exp,
    },
    consoleKey,
  );
}

async function call(token: string, method: string, path: string) {
  const response = await fetch(`${base}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    authenticate: response.headers.get('www-authenticate'),
    text: await response.text(),
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('an expired console token', () => {
  it('is refused with 401 on /me, while the same token with a future expiry is let in', async () => {
    const live = await call(await tokenExpiringAt(nowSeconds() + 600), 'GET', '/me');
    const expiredAMinuteAgo = await call(await tokenExpiringAt(nowSeconds() - 60), 'GET', '/me');
    const expiredYesterday = await call(await tokenExpiringAt(nowSeconds() - 24 * 60 * 60), 'GET', '/me');

    // The key and claims are right: only the expiry differs.
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toMatchObject({ username: 'boss@clinic.test', groups: ['marketing', 'admin'] });
    for (const refused of [expiredAMinuteAgo, expiredYesterday]) {
      expect(refused.status).toBe(401);
      expect(refused.authenticate).toMatch(/Bearer/);
      expect(refused.text).not.toContain('boss@clinic.test');
    }
  });

  it.each(ADMIN_ROUTES_LIST.map((route) => [route.routeKey, route]))(
    '%s: 401 for an admin token that expired a second ago',
    async (_key, route) => {
      const response = await call(await tokenExpiringAt(nowSeconds() - 1), route.method, pathOf(route.path));

      expect(response.status).toBe(401);
      expect(response.authenticate).toMatch(/Bearer/);
    },
  );
});
