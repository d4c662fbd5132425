/**
 * OAuth 2.0 authorization code flow with PKCE (RFC 7636) for Cognito's Hosted UI. Pure
 * functions over Web Crypto, so they run the same in the browser and in Node's tests.
 */
import type { CognitoAuthConfig } from './config';

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 43 to 128 characters from the unreserved set; 32 random bytes give 43. */
export function randomVerifier(
  fill: (bytes: Uint8Array<ArrayBuffer>) => void = (bytes) => {
    crypto.getRandomValues(bytes);
  },
): string {
  const bytes = new Uint8Array(32);
  fill(bytes);
  return base64Url(bytes);
}

export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(config: CognitoAuthConfig, params: { state: string; challenge: string }): string {
  const url = new URL('/oauth2/authorize', config.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: (config.scopes ?? DEFAULT_SCOPES).join(' '),
    state: params.state,
    code_challenge: params.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

export function tokenRequest(config: CognitoAuthConfig, code: string, verifier: string): { url: string; body: string } {
  return {
    url: new URL('/oauth2/token', config.domain).href,
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: verifier,
    }).toString(),
  };
}

export function logoutUrl(config: CognitoAuthConfig): string {
  const url = new URL('/logout', config.domain);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    logout_uri: config.logoutUri ?? config.redirectUri,
  }).toString();
  return url.href;
}

export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
}

/** What Cognito put on the redirect URI, if anything. */
export function callbackParams(search: string): CallbackParams | undefined {
  const params = new URLSearchParams(search);
  const code = params.get('code') ?? undefined;
  const error = params.get('error_description') ?? params.get('error') ?? undefined;
  if (!code && !error) return undefined;
  return { code, state: params.get('state') ?? undefined, error };
}
