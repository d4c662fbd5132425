/**
 * Signing in with Cognito's Hosted UI, through oidc-client-ts: the authorization code flow with
 * PKCE, then renewal with the refresh token before the tokens run out, so staff stay signed in
 * for the refresh token's lifetime instead of the ID token's hour.
 */
import {
  ErrorResponse,
  ErrorTimeout,
  type User,
  UserManager,
  type UserManagerSettings,
  WebStorageStateStore,
} from 'oidc-client-ts';
import type { CognitoAuthConfig } from './config';
import type { Session, Sessions } from './session';
import type { Me } from './types';

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * Renewal starts this long before the tokens run out: in the background (oidc-client-ts's
 * `accessTokenExpiring`), and before an API call when the background timer was late (a sleeping
 * laptop, a throttled background tab).
 */
export const RENEW_BEFORE_SECONDS = 60;

export class SignInError extends Error {
  override name = 'SignInError';
}

/**
 * The UserManager's settings. Cognito's endpoints are named here rather than read from its
 * discovery document: no request before the first page, no second origin (cognito-idp) in the
 * console's CSP, and the logout endpoint, which the discovery document does not list.
 */
export function cognitoSettings(config: CognitoAuthConfig, storage: Storage): UserManagerSettings {
  const endpoint = (path: string) => new URL(path, config.domain).href;
  const store = new WebStorageStateStore({ store: storage, prefix: 'console.oidc.' });
  return {
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: (config.scopes ?? DEFAULT_SCOPES).join(' '),
    metadata: {
      issuer: config.issuer,
      authorization_endpoint: endpoint('/oauth2/authorize'),
      token_endpoint: endpoint('/oauth2/token'),
      revocation_endpoint: endpoint('/oauth2/revoke'),
      end_session_endpoint: endpoint('/logout'),
    },
    // The user (with its refresh token) and the pending sign-in's verifier live in this tab only.
    userStore: store,
    stateStore: store,
    // Renewal uses the refresh token (grant_type=refresh_token at /oauth2/token); Cognito has no
    // prompt=none, so there is no iframe fallback (no silent_redirect_uri).
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
    // Cognito can revoke refresh tokens only; revoking one also ends the tokens issued from it.
    revokeTokenTypes: ['refresh_token'],
    // The ID token carries what the console shows; the admin API's /me says the rest.
    loadUserInfo: false,
    monitorSession: false,
    fetchRequestCredentials: 'omit',
    requestTimeoutInSeconds: 20,
  };
}

/** What the user sees when the redirect back from the Hosted UI cannot be completed. */
export function signInFailure(error: unknown, callback: URLSearchParams): string {
  const refusedThere = callback.get('error_description') ?? callback.get('error');
  if (refusedThere) return `Sign-in was not completed: ${refusedThere}`;
  if (error instanceof ErrorResponse) return 'Sign-in was refused. Please sign in again.';
  if (error instanceof ErrorTimeout || error instanceof TypeError) {
    return 'The sign-in service could not be reached. Please try again.';
  }
  // No pending sign-in in this tab matches the state: an old, reused or forged link.
  return 'This sign-in link is not valid any more. Please sign in again.';
}

/** The redirect back from the Hosted UI carries `state` and either `code` or `error`. */
export function isSignInCallback(search: string): boolean {
  const params = new URLSearchParams(search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

export interface CognitoSessions extends Sessions {
  mode: 'cognito';
  /** Leaves for the Hosted UI; Cognito sends the browser back to the console with `?code=`. */
  startSignIn(): Promise<void>;
  /**
   * When this page is the Hosted UI's redirect: trades the code for tokens, asks the admin API who
   * this is, and removes `?code=` from the address bar. False when the page is no redirect.
   * Throws SignInError with a message for the user.
   */
  completeSignIn(): Promise<boolean>;
  /** Revokes the refresh token, forgets the user and leaves for Cognito's /logout. */
  signOut(): Promise<void>;
}

export interface CognitoSessionOptions {
  /** The admin API's view of the user (`GET /me` with this ID token). */
  whoAmI(idToken: string): Promise<Me>;
  storage?: Storage;
}

/** The admin API's answer to /me at sign-in, kept beside the tokens for the same user (`sub`). */
const ME_KEY = 'console.me';

const secondsLeft = (user: User): number => user.expires_in ?? 0;

export async function cognitoSessions(
  config: CognitoAuthConfig,
  options: CognitoSessionOptions,
): Promise<CognitoSessions> {
  const storage = options.storage ?? sessionStorage;
  const manager = new UserManager(cognitoSettings(config, storage));
  let user = await manager.getUser();
  const ended: (() => void)[] = [];

  function meOf(of: User | null): Me | undefined {
    try {
      const kept = JSON.parse(storage.getItem(ME_KEY) ?? 'null') as { sub?: string; me?: Me } | null;
      return kept?.me && of?.profile.sub && kept.sub === of.profile.sub ? kept.me : undefined;
    } catch {
      return undefined;
    }
  }

  manager.events.addUserLoaded((loaded) => {
    user = loaded;
  });
  // A refresh token that Cognito refuses (expired, revoked, user disabled) ends the session now;
  // an unreachable Cognito does not: the next API call tries again.
  manager.events.addSilentRenewError((error) => {
    if (error instanceof ErrorResponse && user) for (const listener of ended) listener();
  });

  let renewing: Promise<unknown> | undefined;
  async function renew(): Promise<'renewed' | 'refused' | 'unreachable'> {
    if (!user?.refresh_token) return 'refused';
    renewing ??= manager.signinSilent().finally(() => {
      renewing = undefined;
    });
    try {
      await renewing;
      return 'renewed';
    } catch (error) {
      return error instanceof ErrorResponse ? 'refused' : 'unreachable';
    }
  }

  async function forget(): Promise<void> {
    // Synchronously first: the login page renders before the storage is cleared.
    user = null;
    storage.removeItem(ME_KEY);
    await manager.removeUser();
  }

  return {
    mode: 'cognito',
    current(): Session | undefined {
      const me = meOf(user);
      if (!user?.id_token || !me) return undefined;
      if (user.expired && !user.refresh_token) return undefined;
      return { token: user.id_token, expiresAt: new Date((user.expires_at ?? 0) * 1000).toISOString(), user: me };
    },
    async token() {
      if (!user?.id_token || !meOf(user)) return undefined;
      // The admin API takes the ID token. Cognito's ID and access tokens are issued with the same
      // validity (infra/constructs/console-auth.ts), so the access token's expiry, which drives
      // oidc-client-ts, is the ID token's too.
      if (secondsLeft(user) > RENEW_BEFORE_SECONDS) return user.id_token;
      const outcome = await renew();
      if (outcome === 'refused') return undefined;
      // Renewed; or Cognito could not be reached, and the API decides whether the old token still works.
      return user?.id_token;
    },
    end: forget,
    onEnded(listener) {
      ended.push(listener);
    },
    async startSignIn() {
      await manager.signinRedirect();
    },
    async completeSignIn() {
      if (!isSignInCallback(location.search)) return false;
      const callback = new URLSearchParams(location.search);
      const url = location.href;
      history.replaceState(null, '', `${location.pathname}${location.hash}`);
      let signedIn: User;
      try {
        signedIn = await manager.signinRedirectCallback(url);
      } catch (error) {
        throw new SignInError(signInFailure(error, callback));
      }
      if (!signedIn.id_token) {
        await forget();
        throw new SignInError('Sign-in returned no token. Please sign in again.');
      }
      let me: Me;
      try {
        me = await options.whoAmI(signedIn.id_token);
      } catch (error) {
        await forget();
        throw error;
      }
      storage.setItem(ME_KEY, JSON.stringify({ sub: signedIn.profile.sub, me }));
      return true;
    },
    async signOut() {
      try {
        await manager.revokeTokens();
      } catch {
        // Best effort: signing out at Cognito and forgetting the tokens here still happen.
      }
      await forget();
      // Cognito's /logout takes client_id and logout_uri, not OIDC's id_token_hint: with the user
      // already forgotten, oidc-client-ts adds no token to this URL.
      await manager.signoutRedirect({
        extraQueryParams: { client_id: config.clientId, logout_uri: config.logoutUri ?? config.redirectUri },
      });
    },
  };
}
