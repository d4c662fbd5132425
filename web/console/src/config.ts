/**
 * `console-config.json`, read by the console at start-up. The build writes the local one; the
 * deploy writes the Cognito one. Parsed by hand (no zod in the browser bundle).
 */
export interface LocalAuthConfig {
  mode: 'local';
}

export interface CognitoAuthConfig {
  mode: 'cognito';
  /** The Hosted UI domain, e.g. `https://clinic.auth.us-east-1.amazoncognito.com` (https:// optional). */
  domain: string;
  /**
   * The user pool's issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of its
   * tokens, and the key under which the signed-in user is stored.
   */
  issuer: string;
  clientId: string;
  /** Where Cognito sends the browser back with `?code=`: the console's own URL. */
  redirectUri: string;
  /** Where Cognito sends the browser after signing out; the redirect URI when omitted. */
  logoutUri?: string;
  scopes?: string[];
}

export interface ConsoleConfig {
  auth: LocalAuthConfig | CognitoAuthConfig;
  /** Origin (and path) in front of `/admin/api`; empty when the API is routed through the site's own origin. */
  apiBase?: string;
}

export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { auth: { mode: 'local' } };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(`console-config.json: auth.${name} is missing`);
  return value.trim();
}

/** A URL the browser may be sent to or fetch from: https, or http on this machine only. */
export function checkedUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`console-config.json: ${what} is not a URL`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new ConfigError(`console-config.json: ${what} must use https`);
  }
  return url;
}

export function parseConsoleConfig(input: unknown): ConsoleConfig {
  if (!isRecord(input) || !isRecord(input.auth)) throw new ConfigError('console-config.json: auth is missing');
  const auth = input.auth;
  const apiBase = typeof input.apiBase === 'string' ? input.apiBase.replace(/\/+$/, '') : '';
  if (apiBase) checkedUrl(apiBase, 'apiBase');
  if (auth.mode === 'local') return { auth: { mode: 'local' }, apiBase };
  if (auth.mode !== 'cognito') throw new ConfigError('console-config.json: auth.mode must be "local" or "cognito"');
  const domain = text(auth, 'domain');
  const cognito: CognitoAuthConfig = {
    mode: 'cognito',
    domain: checkedUrl(/^https?:\/\//.test(domain) ? domain : `https://${domain}`, 'auth.domain').origin,
    issuer: checkedUrl(text(auth, 'issuer'), 'auth.issuer').href.replace(/\/+$/, ''),
    clientId: text(auth, 'clientId'),
    redirectUri: checkedUrl(text(auth, 'redirectUri'), 'auth.redirectUri').href,
  };
  if (typeof auth.logoutUri === 'string') cognito.logoutUri = checkedUrl(auth.logoutUri, 'auth.logoutUri').href;
  if (Array.isArray(auth.scopes) && auth.scopes.every((scope) => typeof scope === 'string')) {
    cognito.scopes = auth.scopes as string[];
  }
  return { auth: cognito, apiBase };
}
