import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { parseCsv as parseServerCsv } from '../../functions/admin/csv';
import { outbox, type StoredEmail } from './services';

/**
 * Helpers for driving the built marketing console against the real local stack (the gateway
 * with the real admin handler, local login and JWT check), as opposed to the fake API that
 * test/e2e/console-harness.ts serves.
 */

export interface ConsoleLogin {
  username: string;
  password: string;
  /** The `LOCAL_CONSOLE_USERS` entry that creates this user (local/admin-auth.ts). */
  setting: string;
}

/** A console user with a fresh password, for `LOCAL_CONSOLE_USERS` (name:password:group+group). */
export function consoleLogin(username: string, groups: ('marketing' | 'admin')[]): ConsoleLogin {
  const password = randomBytes(12).toString('base64url');
  return { username, password, setting: `${username}:${password}:${groups.join('+')}` };
}

export interface RealConsolePage {
  page: Page;
  /** CSP violations, console errors, uncaught errors and failed admin API calls seen so far. */
  problems: string[];
  /** Goes to a route of the console (a hash such as `#/leads`) in the same page. */
  go(hash: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens `/console/` of the stack in a fresh browser context, collecting every problem it hits. */
export async function openRealConsole(browser: Browser, base: string, hash = '#/leads'): Promise<RealConsolePage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/New_York',
    locale: 'en-US',
    acceptDownloads: true,
  });
  // Shorter than jest's timeout, so a failing wait names its locator instead of timing the test out.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text().slice(0, 200);
    problems.push(/Content Security Policy|Refused to/i.test(text) ? `CSP: ${text}` : `console error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message.slice(0, 200)}`));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/admin/api/') && response.status() >= 400) {
      problems.push(`${response.status()} from ${response.request().method()} ${url.pathname}`);
    }
  });
  const consoleUrl = `${base}/console/`;
  await page.goto(`${consoleUrl}${hash}`);
  return {
    page,
    problems,
    go: async (next) => {
      await page.goto(`${consoleUrl}${next}`);
    },
    close: () => context.close(),
  };
}

/** Signs in on the console's local login form and waits until the session is in place. */
export async function signInToConsole(page: Page, login: ConsoleLogin): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A status message (role=status) with exactly this text, or matching this pattern. */
export function statusText(page: Page, text: string | RegExp): Locator {
  const pattern = typeof text === 'string' ? new RegExp(`^${escapeRegExp(text)}$`) : text;
  return page.getByRole('status').filter({ hasText: pattern });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The cells of every body row of the tables inside `scope`, as the user reads them. */
export function bodyRows(scope: Locator): Promise<string[][]> {
  return scope
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );
}

export interface ShownEvent {
  title: string;
  detail: string;
  where: string;
}

/** The events of a lead's timeline page, newest first as shown. */
export function timelineEvents(page: Page): Promise<ShownEvent[]> {
  return page.locator('ol.events li').evaluateAll((items) =>
    items.map((item) => ({
      title: item.querySelector('.event-title')?.textContent ?? '',
      detail: item.querySelector('.event-detail')?.textContent ?? '',
      where: item.querySelector('.event-where')?.textContent ?? '',
    })),
  );
}

/** The local outbox's mail to one address whose subject is one of `subjects`. */
export async function mailWithSubject(recipient: string, subjects: readonly string[]): Promise<StoredEmail[]> {
  return (await outbox(recipient)).filter((mail) => subjects.includes(mail.subject));
}

/** The console's CSV as rows of cells, read with the server's own parser (the one imports use). */
export function parseCsv(text: string): string[][] {
  return parseServerCsv(text).map((record) => record.fields);
}
