import type { Group, Me } from './types';

/** The signed-in user, kept for this tab only (sessionStorage): closing the tab signs out. */
export interface Session {
  token: string;
  expiresAt: string;
  user: Me;
  /** The stack's clock minus this browser's (web/console/src/stack-clock.ts). */
  clockOffsetMs?: number;
}

const KEY = 'console.session';
const RETURN_KEY = 'console.returnTo';

export function readSession(now = Date.now()): Session | undefined {
  let session: Session | undefined;
  try {
    session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') ?? undefined;
  } catch {
    session = undefined;
  }
  if (!session || typeof session.token !== 'string' || !session.user) return undefined;
  const expires = Date.parse(session.expiresAt);
  if (Number.isFinite(expires) && expires <= now) {
    clearSession();
    return undefined;
  }
  return session;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
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
