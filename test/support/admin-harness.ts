import type { Mailer } from '../../functions/mail/outgoing-email';
import { localStackForTest } from './local-stack-harness';

export const CONSOLE_PASSWORD = 'local-test-password';
export const USERS = {
  marketing: 'marketer@clinic.test',
  admin: 'boss@clinic.test',
  outsider: 'nobody@clinic.test',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers.
type Json = any;

export interface ApiResult<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The local stack with three console users (marketing, admin, and one in no console group),
 * signed in through POST /admin/api/login, and a small client for the admin API.
 */
export async function adminStack(
  extraEnv: Record<string, string> = {},
  options: { mailer?: Mailer; tableName?: string } = {},
) {
  const stack = await localStackForTest(
    {
      LOCAL_CONSOLE_USERS: [
        `${USERS.marketing}:${CONSOLE_PASSWORD}:marketing`,
        `${USERS.admin}:${CONSOLE_PASSWORD}:admin+marketing`,
        `${USERS.outsider}:${CONSOLE_PASSWORD}:`,
      ].join(','),
      ...extraEnv,
    },
    options,
  );
  const login = async (username: string, password = CONSOLE_PASSWORD) => {
    const response = await fetch(`${stack.base}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return { status: response.status, body: (await response.json()) as { token: string; expiresAt: string } };
  };
  const tokens = {
    marketing: (await login(USERS.marketing)).body.token,
    admin: (await login(USERS.admin)).body.token,
    outsider: (await login(USERS.outsider)).body.token,
  };
  const call = async <T = Json>(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResult<T>> => {
    const response = await fetch(`${stack.base}/admin/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // a non-JSON answer (the gateway's own 404) stays text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
  return {
    stack,
    login,
    tokens,
    call,
    /** As the marketing user. */
    asMarketing: <T = Json>(method: string, path: string, body?: unknown) =>
      call<T>(tokens.marketing, method, path, body),
    /** As the admin. */
    asAdmin: <T = Json>(method: string, path: string, body?: unknown) => call<T>(tokens.admin, method, path, body),
  };
}
