import type { AppContext, Page, PageFactory } from './app';
import { h, replace } from './dom';
import { isAdmin, rememberReturn } from './session';
import { confirmDialog } from './ui';

export interface Route {
  /** First path segment: `leads` matches `#/leads` and `#/leads/{id}`. */
  name: string;
  page: PageFactory;
  /** Reachable signed out (the login page). */
  public?: boolean;
  adminOnly?: boolean;
  /** A page for `#/name/{param}` instead of `#/name`. */
  withParam?: PageFactory;
}

export interface ParsedHash {
  name: string;
  params: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): ParsedHash | undefined {
  if (!hash.startsWith('#/')) return undefined;
  const [path = '', search = ''] = hash.slice(2).split('?', 2);
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  return { name: segments[0] ?? '', params: segments.slice(1), query: new URLSearchParams(search) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const APP_NAME = 'Marketing console';

export function createRouter(options: {
  routes: Route[];
  container: HTMLElement;
  ctx: AppContext;
  fallback: string;
  onRender(name: string): void;
}) {
  let current: Page | undefined;
  let currentHash = '';
  let guarding = false;
  let firstRender = true;

  function notFound(): Page {
    const heading = h('h1', { tabindex: -1, class: 'page-title' }, 'Page not found');
    return {
      title: 'Page not found',
      element: h('div', null, heading, h('p', null, h('a', { href: '#/leads' }, 'Go to leads'))),
    };
  }

  function forbidden(): Page {
    const heading = h('h1', { tabindex: -1, class: 'page-title' }, 'Admins only');
    return {
      title: 'Admins only',
      element: h('div', null, heading, h('p', null, 'This page is for console admins. Ask an admin if you need it.')),
    };
  }

  function resolve(hash: string): { page: Page; name: string } | 'redirect' {
    const parsed = parseHash(hash);
    if (!parsed || parsed.name === '') {
      location.replace(options.fallback);
      return 'redirect';
    }
    const route = options.routes.find((candidate) => candidate.name === parsed.name);
    const session = options.ctx.session();
    if (!route) return { page: notFound(), name: parsed.name };
    if (!route.public && !session) {
      rememberReturn(hash);
      location.replace('#/login');
      return 'redirect';
    }
    if (route.adminOnly && !isAdmin(session)) return { page: forbidden(), name: route.name };
    const factory = parsed.params.length > 0 ? route.withParam : route.page;
    if (!factory) return { page: notFound(), name: route.name };
    return { page: factory({ ctx: options.ctx, params: parsed.params, query: parsed.query }), name: route.name };
  }

  function show(): void {
    const resolved = resolve(location.hash);
    if (resolved === 'redirect') return;
    current?.cleanup?.();
    current = resolved.page;
    currentHash = location.hash;
    replace(options.container, current.element);
    document.title = `${current.title} | ${APP_NAME}`;
    options.onRender(resolved.name);
    // After a move within the console, focus the new page's heading, so a screen reader starts
    // there and Tab continues from it. The first page of a visit keeps the browser's own start
    // (the skip link is the first Tab stop).
    if (!firstRender) options.container.querySelector<HTMLElement>('h1')?.focus();
    firstRender = false;
  }

  let unguarded = false;

  async function onHashChange(): Promise<void> {
    if (guarding) return;
    if (unguarded) {
      unguarded = false;
      show();
      return;
    }
    // In-page anchors (the skip link) are not routes.
    if (!location.hash.startsWith('#/')) return;
    if (current?.canLeave && !current.canLeave() && location.hash !== currentHash) {
      const target = location.hash;
      guarding = true;
      history.replaceState(null, '', currentHash);
      const leave = await confirmDialog({
        title: 'Leave without saving?',
        body: 'Your changes to this page have not been saved. They will be lost if you leave.',
        confirmLabel: 'Leave without saving',
        destructive: true,
      });
      guarding = false;
      if (!leave) return;
      history.replaceState(null, '', target);
    }
    show();
  }

  return {
    start() {
      window.addEventListener('hashchange', () => void onHashChange());
      show();
    },
    /** Re-render the current route (after signing in or out). */
    refresh: show,
    canLeave: () => current?.canLeave?.() ?? true,
    /** The session ended: the current page keeps its unsaved changes for after signing in. */
    keepForLater: () => current?.keepForLater?.(),
    /** Go without asking about unsaved changes (the caller has asked already). */
    leave(hash: string) {
      if (location.hash === hash) {
        show();
        return;
      }
      unguarded = true;
      location.hash = hash;
    },
  };
}
