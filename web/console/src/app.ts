import type { ApiClient } from './api';
import type { ConsoleConfig } from './config';
import type { Session } from './session';

/** What every page gets: the API client, the session and a way to move on. */
export interface AppContext {
  api: ApiClient;
  config: ConsoleConfig;
  session(): Session | undefined;
  navigate(hash: string): void;
  /** A message for the next page ("Lead erased"), shown in the persistent notice region. */
  notify(text: string): void;
  /** The local stack's login form signed in. */
  signIn(session: Session): void;
  /** Cognito: leave for the Hosted UI, which sends the browser back signed in. */
  startSignIn(): Promise<void>;
  /** Asks first when the page has unsaved changes. */
  signOut(): Promise<void>;
}

export interface PageArgs {
  ctx: AppContext;
  /** Path segments after the route's name: `#/leads/abc` → ['abc']. */
  params: string[];
  query: URLSearchParams;
}

export interface Page {
  title: string;
  element: HTMLElement;
  /** Stop timers and requests when the user moves on. */
  cleanup?(): void;
  /** False while there are unsaved changes: the router asks before leaving. */
  canLeave?(): boolean;
  /** The session ended: keep the unsaved changes in this tab, to bring back after signing in. */
  keepForLater?(): void;
}

export type PageFactory = (args: PageArgs) => Page;
