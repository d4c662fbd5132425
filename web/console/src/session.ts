import type { Group, Me } from './types';

/** The signed-in user as the pages see it, whichever way they signed in. */
export interface Session {
  /** The bearer token for the admin API. */
  token: string;
  expiresAt: string;
  user: Me;
}

/**
 * Who is signed in, in this tab: the one seam between the pages and the two ways of signing in
 * (the local stack's password login, or Cognito through oidc-client-ts, see cognito.ts).
 */
export interface Sessions {
  /** The signed-in user, or undefined: read while a page renders, so it does not wait. */
  current(): Session | undefined;
  /**
   * The token for the next API call: renewed first when it is about to run out. Undefined when
   * the session is over.
   */
  token(): Promise<string | undefined>;
  /** Forget the session in this tab (the API refused the token). */
  end(): Promise<void>;
  /** Called when the session ends without an API call noticing (a renewal was refused). */
  onEnded(listener: () => void): void;
}

/** The local stack: `POST /admin/api/login` gives a token for a fixed time, kept here as it came. */
export interface LocalSessions extends Sessions {
  mode: 'local';
  save(session: Session): void;
}

const KEY = 'console.session';
const RETURN_KEY = 'console.returnTo';

/** Kept for this tab only (sessionStorage): closing the tab signs out. */
export function localSessions(clock: () => number = Date.now): LocalSessions {
  function read(): Session | undefined {
    let session: Session | undefined;
    try {
      session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') ?? undefined;
    } catch {
      session = undefined;
    }
    if (!session || typeof session.token !== 'string' || !session.user) return undefined;
    const expires = Date.parse(session.expiresAt);
    if (Number.isFinite(expires) && expires <= clock()) {
      sessionStorage.removeItem(KEY);
      return undefined;
    }
    return session;
  }
  return {
    mode: 'local',
    current: read,
    token: async () => read()?.token,
    save: (session) => sessionStorage.setItem(KEY, JSON.stringify(session)),
    end: async () => sessionStorage.removeItem(KEY),
    // A local token is not renewed: its end is noticed by the next API call.
    onEnded: () => undefined,
  };
}

export const hasGroup = (session: Session | undefined, group: Group): boolean =>
  session?.user.groups.includes(group) ?? false;

export const isAdmin = (session: Session | undefined): boolean => hasGroup(session, 'admin');

/** Where to go after signing in: the page the user asked for before the login page. */
export function rememberReturn(hash: string): void {
  if (hash && !hash.startsWith('#/login')) sessionStorage.setItem(RETURN_KEY, hash);
}

export function takeReturn(): string {
  const hash = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return hash?.startsWith('#/') && !hash.startsWith('#/login') ? hash : '#/leads';
}
