import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorize, groupsFromClaims } from '../../functions/admin/auth';
import { errorStatus } from '../../functions/http/error-status';
import {
  issueLocalToken,
  localConsoleUsers,
  signLocalToken,
  verifyLocalToken,
  withLocalJwtAuthorizer,
} from '../../local/admin-auth';
import { apiEvent, lambdaContext } from '../support/api-event';

const key = randomBytes(32);
const user = { username: 'ops@clinic.test', password: 'long-enough', groups: ['marketing' as const] };

describe('local console tokens', () => {
  it('verifies its own tokens and refuses altered, foreign and expired ones', async () => {
    const now = Date.now();
    const { token } = await issueLocalToken(user, key, now);
    expect(await verifyLocalToken(token, key, now)).toMatchObject({ 'cognito:groups': ['marketing'] });
    expect(await verifyLocalToken(token, randomBytes(32), now)).toBeUndefined();
    const [header, payload, signature] = token.split('.');
    const widened = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), 'cognito:groups': ['admin'] }),
    ).toString('base64url');
    expect(await verifyLocalToken(`${header}.${widened}.${signature}`, key, now)).toBeUndefined();
    expect(await verifyLocalToken(token, key, now + 9 * 60 * 60 * 1000)).toBeUndefined();
    const none = (await signLocalToken({ iss: 'clinic-local-console', aud: 'clinic-console', exp: 9e9 }, key)).replace(
      /^[^.]+/,
      Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url'),
    );
    expect(await verifyLocalToken(none, key, now)).toBeUndefined();
    const unsigned = `${none.split('.').slice(0, 2).join('.')}.`;
    expect(await verifyLocalToken(unsigned, key, now)).toBeUndefined();
  });

  it('answers 401 itself, as API Gateway does, and passes the claims flattened as API Gateway does', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    const wrapped = withLocalJwtAuthorizer(async (event) => {
      seen.push(event);
      return { statusCode: 200 };
    }, key);
    const call = (authorization?: string) =>
      wrapped(
        apiEvent({ method: 'GET', path: '/admin/api/me', headers: authorization ? { authorization } : {} }),
        lambdaContext,
      );
    const expired = await signLocalToken(
      { sub: 'x', iss: 'clinic-local-console', aud: 'clinic-console', exp: Math.floor(Date.now() / 1000) - 1 },
      key,
    );

    expect((await call())?.statusCode).toBe(401);
    expect((await call('Basic abc'))?.statusCode).toBe(401);
    expect((await call(`Bearer ${expired}`))?.statusCode).toBe(401);
    expect(seen).toHaveLength(0);
    expect((await call(`Bearer ${(await issueLocalToken(user, key)).token}`))?.statusCode).toBe(200);
    const claims = (seen[0]!.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, string> } } })
      .authorizer.jwt.claims;
    expect(claims['cognito:groups']).toBe('[marketing]');
    expect(authorize(claims, 'staff').groups).toEqual(['marketing']);
  });

  it('reads users from LOCAL_CONSOLE_USERS or falls back to the two default users', () => {
    expect(localConsoleUsers(undefined, 'secret-pass').map((u) => [u.username, u.groups])).toEqual([
      ['marketing@localhost', ['marketing']],
      ['admin@localhost', ['admin', 'marketing']],
    ]);
    expect(localConsoleUsers('a:12345678:admin+marketing', 'x')).toEqual([
      { username: 'a', password: '12345678', groups: ['admin', 'marketing'] },
    ]);
    expect(() => localConsoleUsers('a:short:admin', 'x')).toThrow(/LOCAL_CONSOLE_USERS/);
    expect(() => localConsoleUsers('a:12345678:root', 'x')).toThrow(/LOCAL_CONSOLE_USERS/);
  });
});

describe('groups from JWT claims', () => {
  it.each([
    [
      ['admin', 'marketing'],
      ['marketing', 'admin'],
    ],
    ['[admin marketing]', ['marketing', 'admin']],
    ['marketing,viewers', ['marketing']],
    ['["marketing"]', ['marketing']],
    [undefined, []],
  ])('%j → %j', (raw, groups) => {
    expect(groupsFromClaims({ 'cognito:groups': raw as never })).toEqual(groups);
  });

  it('refuses missing claims (401), no console group (403) and marketing on admin routes (403)', () => {
    const statusOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return errorStatus(error)?.statusCode;
      }
      return 'no error';
    };
    expect(statusOf(() => authorize(undefined, 'staff'))).toBe(401);
    expect(statusOf(() => authorize({ 'cognito:groups': 'admin' }, 'staff'))).toBe(401);
    expect(statusOf(() => authorize({ sub: 'u', 'cognito:groups': 'viewers' }, 'staff'))).toBe(403);
    expect(statusOf(() => authorize({ sub: 'u', 'cognito:groups': '[marketing]' }, 'admin'))).toBe(403);
    expect(authorize({ sub: 'u', 'cognito:groups': '[admin]', email: 'a@b.test' }, 'admin')).toMatchObject({
      email: 'a@b.test',
      username: 'u',
    });
  });
});
