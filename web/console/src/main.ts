import { ApiClient, ApiError } from './api';
import type { AppContext } from './app';
import { type CognitoSessions, cognitoSessions, SignInError } from './cognito';
import { ConfigError, type ConsoleConfig, parseConsoleConfig } from './config';
import { h, replace } from './dom';
import { importPage } from './pages/import';
import { leadPage } from './pages/lead-timeline';
import { leadsPage } from './pages/leads';
import { loginPage, setLoginMessage } from './pages/login';
import { resultsPage } from './pages/results';
import { sequenceEditorPage } from './pages/sequence-editor';
import { sequencesPage } from './pages/sequences';
import { simulatorPage } from './pages/simulator';
import { webhooksPage } from './pages/webhooks';
import { createRouter, type Route } from './router';
import { isAdmin, type LocalSessions, localSessions, rememberReturn, takeReturn } from './session';
import { rememberStackClock } from './stack-clock';
import { confirmDialog } from './ui';

const NAV: { name: string; label: string; adminOnly?: boolean }[] = [
  { name: 'leads', label: 'Leads' },
  { name: 'sequences', label: 'Sequences' },
  { name: 'simulator', label: 'Journey simulator' },
  { name: 'results', label: 'Results' },
  { name: 'import', label: 'Import', adminOnly: true },
  { name: 'webhooks', label: 'Webhooks', adminOnly: true },
];

const ROUTES: Route[] = [
  { name: 'login', page: loginPage, public: true },
  { name: 'leads', page: leadsPage, withParam: leadPage },
  { name: 'sequences', page: sequencesPage, withParam: sequenceEditorPage },
  { name: 'simulator', page: simulatorPage },
  { name: 'results', page: resultsPage },
  { name: 'import', page: importPage, adminOnly: true },
  { name: 'webhooks', page: webhooksPage, adminOnly: true },
];

function configUrl(): string {
  const script = document.querySelector<HTMLScriptElement>('script[data-config]');
  return script?.dataset.config ?? 'console-config.json';
}

async function loadConfig(): Promise<ConsoleConfig> {
  let response: Response;
  try {
    response = await fetch(configUrl(), { cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ConfigError('The console settings could not be loaded. Check the connection and reload.');
  }
  if (!response.ok) throw new ConfigError('The console is not configured (console-config.json is missing).');
  return parseConsoleConfig(await response.json());
}

function renderNav(nav: HTMLElement, ctx: AppContext, currentName: string): void {
  const session = ctx.session();
  if (!session) {
    nav.hidden = true;
    nav.replaceChildren();
    return;
  }
  nav.hidden = false;
  const links = NAV.filter((item) => !item.adminOnly || isAdmin(session)).map((item) =>
    h(
      'li',
      null,
      h('a', { href: `#/${item.name}`, 'aria-current': item.name === currentName ? 'page' : undefined }, item.label),
    ),
  );
  replace(
    nav,
    h('ul', { class: 'nav-links' }, links),
    h(
      'div',
      { class: 'nav-user' },
      h('span', { class: 'nav-name' }, session.user.username, isAdmin(session) ? ' (admin)' : ''),
      h(
        'button',
        { type: 'button', class: 'button button--small button--on-dark', onclick: () => void ctx.signOut() },
        'Sign out',
      ),
    ),
  );
}

async function start(): Promise<void> {
  const container = document.getElementById('page');
  const notice = document.getElementById('notice');
  const nav = document.getElementById('console-nav');
  const main = document.getElementById('main');
  if (!container || !notice || !nav || !main) return;

  // The skip link moves focus without touching the hash, which the router owns.
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });

  let config: ConsoleConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    replace(
      container,
      h('h1', { class: 'page-title' }, 'The console cannot start'),
      h('p', { role: 'alert' }, error instanceof ConfigError ? error.message : 'The console settings are not valid.'),
    );
    return;
  }

  // A notice is for the page shown right after it was raised; the next page clears it.
  let noticeAge = 0;
  // Set when the user has already agreed to leave (signing out at Cognito).
  let leaving = false;
  // Assigned below; the context's callbacks only run after the router exists.
  let router: ReturnType<typeof createRouter> | undefined;
  // Which way staff sign in; replaced by the Cognito one below before anything asks for a token.
  let sessions: LocalSessions | CognitoSessions = localSessions();

  /** The session is over (the API refused its token, or Cognito its refresh token). */
  function sessionEnded(): void {
    const unsaved = router?.canLeave() === false;
    router?.keepForLater();
    void sessions.end();
    rememberReturn(location.hash);
    setLoginMessage(
      unsaved
        ? 'Your session has ended. Please sign in again; your unsaved changes are kept in this tab.'
        : 'Your session has ended. Please sign in again.',
    );
    // No "leave without saving?" here: the changes are kept and come back after signing in.
    router?.leave('#/login');
  }

  const ctx: AppContext = {
    config,
    api: new ApiClient({
      base: config.apiBase ?? '',
      token: () => sessions.token(),
      onUnauthorized: sessionEnded,
    }),
    session: () => sessions.current(),
    navigate(hash: string) {
      if (location.hash === hash) router?.refresh();
      else location.hash = hash;
    },
    notify(text: string) {
      notice.textContent = text;
      noticeAge = 0;
    },
    signIn(session) {
      rememberStackClock(session.user.now);
      if (sessions.mode === 'local') sessions.save(session);
      ctx.navigate(takeReturn());
    },
    startSignIn: () =>
      sessions.mode === 'cognito' ? sessions.startSignIn() : Promise.reject(new Error('Cognito is not configured')),
    async signOut() {
      if (router?.canLeave() === false) {
        const leave = await confirmDialog({
          title: 'Sign out without saving?',
          body: 'Your changes to this page have not been saved. They will be lost if you sign out.',
          confirmLabel: 'Sign out without saving',
          destructive: true,
        });
        if (!leave) return;
      }
      notice.textContent = '';
      if (sessions.mode === 'cognito') {
        leaving = true;
        try {
          // Revokes the refresh token, then leaves for Cognito's /logout.
          await sessions.signOut();
          return;
        } catch {
          leaving = false;
        }
      }
      await sessions.end();
      setLoginMessage('You have signed out.');
      router?.leave('#/login');
    },
  };

  router = createRouter({
    routes: ROUTES,
    container,
    ctx,
    fallback: '#/leads',
    onRender(name) {
      if (noticeAge > 0) notice.textContent = '';
      noticeAge += 1;
      renderNav(nav, ctx, name);
    },
  });

  if (config.auth.mode === 'cognito') {
    sessions = await cognitoSessions(config.auth, { whoAmI: (token) => ctx.api.meWith(token) });
    sessions.onEnded(sessionEnded);
    try {
      if (await sessions.completeSignIn()) {
        rememberStackClock(sessions.current()?.user.now);
        history.replaceState(null, '', takeReturn());
      }
    } catch (error) {
      setLoginMessage(
        error instanceof SignInError || error instanceof ApiError
          ? error.message
          : 'Sign-in could not be completed. Please try again.',
      );
      history.replaceState(null, '', '#/login');
    }
  }

  window.addEventListener('beforeunload', (event) => {
    if (!leaving && router?.canLeave() === false) event.preventDefault();
  });
  router.start();
}

void start();
