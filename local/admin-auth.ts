import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import {
  ADMIN_API_PREFIX,
  GROUPS,
  type Group,
  type LoginResponse,
  localLoginSchema,
} from '../functions/admin/contract';
import { ADMIN_ROUTES_LIST, type AdminFunctionName } from '../functions/admin/routes';
import { jsonResponse } from '../functions/lambdas/http/responses';
import type { LambdaHttpHandler, Route } from './gateway';

/**
 * The local stack's stand-in for Cognito and API Gateway's JWT authorizer: `POST
 * /admin/api/login` checks a configured user and password and returns an HS256 JWT signed
 * with a local key (by jose); every other /admin/api route verifies the bearer token first, answers 401
 * itself as API Gateway does, and hands the claims to the handler where API Gateway puts them
 * (`requestContext.authorizer.jwt.claims`). Never deployed.
 */

export interface LocalConsoleUser {
  username: string;
  password: string;
  groups: Group[];
}

const ISSUER = 'clinic-local-console';
const AUDIENCE = 'clinic-console';
export const LOCAL_TOKEN_TTL_SECONDS = 8 * 60 * 60;

/**
 * `LOCAL_CONSOLE_USERS="name:password:group+group,..."` (groups: marketing, admin), or two
 * default users, marketing@localhost and admin@localhost, sharing `defaultPassword`.
 */
export function localConsoleUsers(setting: string | undefined, defaultPassword: string): LocalConsoleUser[] {
  if (!setting?.trim()) {
    return [
      { username: 'marketing@localhost', password: defaultPassword, groups: ['marketing'] },
      { username: 'admin@localhost', password: defaultPassword, groups: ['admin', 'marketing'] },
    ];
  }
  return setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [username = '', password = '', groups = ''] = entry.split(':');
      const names = groups.split('+').filter(Boolean);
      const known = names.every((name) => (GROUPS as readonly string[]).includes(name));
      // No group at all is allowed: like a Cognito user outside both groups, it signs in and gets 403.
      if (!username || password.length < 8 || !known) {
        throw new Error(
          'LOCAL_CONSOLE_USERS entries look like name:password:marketing+admin (password at least 8 characters)',
        );
      }
      return { username, password, groups: names as Group[] };
    });
}

/** A password kept in the data folder (created on first start), so it survives restarts. */
export function filePassword(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(12).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

/** An HS256 JWT signed with the local key (jose), as Cognito would issue an ID token. */
export function signLocalToken(claims: JWTPayload, key: Buffer): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

/** The claims of a valid, unexpired token from this stack; undefined for anything else. */
export async function verifyLocalToken(
  token: string,
  key: Buffer,
  nowMs = Date.now(),
): Promise<Record<string, unknown> | undefined> {
  if (token.length > 4096) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp'],
      currentDate: new Date(nowMs),
      clockTolerance: 0,
    });
    return payload;
  } catch {
    return undefined;
  }
}

/**
 * The token a local user gets: the claims a Cognito ID token carries. Tokens live on this
 * machine's time; `stackNow` is the stack's (possibly advanced) clock, which the console reads.
 */
export async function issueLocalToken(
  user: LocalConsoleUser,
  key: Buffer,
  nowMs = Date.now(),
  stackNow = new Date(nowMs),
): Promise<LoginResponse> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + LOCAL_TOKEN_TTL_SECONDS;
  const email = user.username.includes('@') ? user.username : '';
  const token = await signLocalToken(
    {
      sub: `local-${createHash('sha256').update(user.username).digest('hex').slice(0, 24)}`,
      'cognito:username': user.username,
      ...(email ? { email } : {}),
      'cognito:groups': user.groups,
      token_use: 'id',
      iss: ISSUER,
      aud: AUDIENCE,
      iat,
      exp,
    },
    key,
  );
  return {
    token,
    expiresAt: new Date(exp * 1000).toISOString(),
    user: { username: user.username, email, groups: user.groups, now: stackNow.toISOString() },
  };
}

/**
 * API Gateway's JWT authorizer hands claims to Lambda as strings, arrays flattened to
 * "[a b]"; doing the same here means the handler's parsing is exercised locally too.
 */
function asGatewayClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
    ]),
  );
}

const unauthorized = () => jsonResponse(401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });

/** Wraps a handler the way a JWT-authorized API Gateway route does. */
export function withLocalJwtAuthorizer(handler: LambdaHttpHandler, key: Buffer): LambdaHttpHandler {
  return async (event, context) => {
    const header = event.headers?.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const claims = match ? await verifyLocalToken(match[1]!, key) : undefined;
    if (!claims) return unauthorized();
    const authorized = {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { jwt: { claims: asGatewayClaims(claims), scopes: null } },
      },
    } as APIGatewayProxyEventV2;
    return handler(authorized, context);
  };
}

function loginHandler(users: LocalConsoleUser[], key: Buffer, clock: () => Date): LambdaHttpHandler {
  return async (event) => {
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      return jsonResponse(400, { error: 'malformed_body', message: 'Send {"username": "...", "password": "..."}' });
    }
    const parsed = localLoginSchema.safeParse(body);
    if (!parsed.success) {
      return jsonResponse(400, {
        error: 'validation',
        message: 'Some fields need attention',
        fields: parsed.error.issues.map((issue) => ({
          field: String(issue.path[0] ?? 'body'),
          message: issue.message,
        })),
      });
    }
    const user = users.find((candidate) => candidate.username === parsed.data.username);
    const given = createHash('sha256').update(parsed.data.password).digest();
    const expected = createHash('sha256')
      .update(user?.password ?? randomBytes(16))
      .digest();
    if (!user || !timingSafeEqual(given, expected)) {
      return jsonResponse(401, { error: 'unauthorized', message: 'Wrong username or password' });
    }
    return jsonResponse(200, await issueLocalToken(user, key, Date.now(), clock()));
  };
}

/**
 * The local login route plus every admin route behind the same local JWT check, each to the
 * function that serves it in AWS (functions/admin/routes.ts); `clock` is the stack's.
 */
export function localAdminRoutes(
  functions: Record<AdminFunctionName, LambdaHttpHandler>,
  users: LocalConsoleUser[],
  key: Buffer,
  clock: () => Date = () => new Date(),
): Route[] {
  return [
    { method: 'POST', path: `${ADMIN_API_PREFIX}/login`, handler: loginHandler(users, key, clock) },
    ...ADMIN_ROUTES_LIST.map(({ method, path, fn }) => ({
      method,
      path,
      handler: withLocalJwtAuthorizer(functions[fn], key),
    })),
  ];
}
