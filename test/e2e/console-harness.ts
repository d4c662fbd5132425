import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../web/build';
import { launchChromium } from '../support/browser';
import { type FakeApi, startFakeApi, USERS } from './console-fake-api';

/** The built console served by the fake admin API, and one Chromium for a test file. */
export interface ConsoleHarness {
  fake: FakeApi;
  browser: Browser;
  outDir: string;
  close(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const outDir = await mkdtemp(join(tmpdir(), 'console-'));
  // No console-config.json from the build: the fake answers it, so a test can switch to Cognito.
  await buildConsole(outDir, { config: false });
  const fake = await startFakeApi({ root: outDir });
  const browser = await launchChromium();
  return {
    fake,
    browser,
    outDir,
    close: async () => {
      await browser.close();
      await fake.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

export interface OpenPage {
  page: Page;
  /** CSP violations and uncaught errors seen so far: each test expects none. */
  problems: string[];
  close(): Promise<void>;
}

export async function openConsole(
  harness: ConsoleHarness,
  options: { hash?: string; width?: number; height?: number } = {},
): Promise<OpenPage> {
  const context = await harness.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    timezoneId: 'America/New_York',
    locale: 'en-US',
    acceptDownloads: true,
  });
  // Shorter than jest's 30 s, so a failing wait names its locator instead of timing the test out.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text().slice(0, 200)}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message.slice(0, 200)}`));
  await page.goto(`${harness.fake.url}/console/${options.hash ?? ''}`);
  return { page, problems, close: () => context.close() };
}

export async function signIn(page: Page, who: keyof typeof USERS = 'marketer'): Promise<void> {
  const user = USERS[who];
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Opens the console at `hash`, signed in. */
export async function openSignedIn(
  harness: ConsoleHarness,
  hash: string,
  options: { who?: keyof typeof USERS; width?: number } = {},
): Promise<OpenPage> {
  const opened = await openConsole(harness, { hash, width: options.width });
  await signIn(opened.page, options.who);
  return opened;
}

/**
 * axe-core on the page. The email preview frames are left out: they are sandboxed without
 * scripts, and axe cannot run in a frame whose scripting is disabled (its timers never fire, so
 * the run would hang). Their one rule that lives in this page, a title for each frame, is
 * checked here instead; the emails' own markup belongs to the emails build.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).exclude('iframe.email-frame').analyze();
  const untitled = await page
    .locator('iframe.email-frame')
    .evaluateAll((frames) => frames.filter((frame) => !frame.getAttribute('title')?.trim()).length);
  return [
    ...results.violations.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')})`,
    ),
    ...(untitled > 0 ? [`frame-title: ${untitled} email preview frame(s) without a title`] : []),
  ];
}

export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

export async function readDownload(
  page: Page,
  trigger: () => Promise<unknown>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}
