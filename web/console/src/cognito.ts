import type { CognitoAuthConfig } from './config';
import { authorizeUrl, callbackParams, codeChallenge, randomVerifier, tokenRequest } from './pkce';

const PENDING_KEY = 'console.pkce';

export class SignInError extends Error {
  override name = 'SignInError';
}

/** Starts the Hosted UI sign-in: remembers the verifier and state for this tab, then leaves. */
export async function startCognitoSignIn(config: CognitoAuthConfig): Promise<void> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  location.assign(authorizeUrl(config, { state, challenge: await codeChallenge(verifier) }));
}

export interface CognitoTokens {
  /** The bearer token for the admin API (Cognito's ID token). */
  token: string;
  expiresAt: string;
}

/**
 * Finishes the sign-in when the page is Cognito's redirect: checks the state, trades the code
 * for tokens, and removes `?code=` from the address bar. Undefined when this is not a redirect.
 */
export async function completeCognitoSignIn(
  config: CognitoAuthConfig,
  now = Date.now(),
): Promise<CognitoTokens | undefined> {
  const params = callbackParams(location.search);
  if (!params) return undefined;
  const pending = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (params.error) throw new SignInError(`Sign-in was not completed: ${params.error}`);
  let expected: { verifier?: string; state?: string } = {};
  try {
    expected = JSON.parse(pending ?? '{}');
  } catch {
    expected = {};
  }
  if (!params.code || !expected.verifier || !params.state || params.state !== expected.state) {
    throw new SignInError('This sign-in link is not valid any more. Please sign in again.');
  }
  const request = tokenRequest(config, params.code, expected.verifier);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: request.body,
      credentials: 'omit',
    });
  } catch {
    throw new SignInError('The sign-in service could not be reached. Please try again.');
  }
  if (!response.ok) throw new SignInError('Sign-in was refused. Please sign in again.');
  const tokens = (await response.json()) as { id_token?: string; access_token?: string; expires_in?: number };
  // The ID token goes to the admin API: it carries `email` (test sends go there) and
  // `cognito:groups`, and its `aud` is the app client, which the JWT authorizer checks.
  // Cognito's access token has no email.
  if (!tokens.id_token) throw new SignInError('Sign-in returned no token. Please sign in again.');
  return {
    token: tokens.id_token,
    expiresAt: new Date(now + (tokens.expires_in ?? 3600) * 1000).toISOString(),
  };
}
