import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { localStackForTest } from '../support/local-stack-harness';
import { testEndpoints } from '../support/services';

/**
 * No page a newcomer opens on the local stack shows a failed favicon request in the browser's
 * console: the site's pages, the console, the pages behind emailed links, a missing page, and
 * the local SES outbox, whose own server refused /favicon.ico with 403.
 */

jest.setTimeout(60_000);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await localStackForTest();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('favicons', () => {
  it('are answered with an icon on the stack and on the outbox', async () => {
    for (const origin of [stack.base, testEndpoints().ses]) {
      const response = await fetch(`${origin}/favicon.ico`);
      expect({ origin, status: response.status, type: response.headers.get('content-type') }).toEqual({
        origin,
        status: 200,
        type: 'image/svg+xml',
      });
    }
  });

  it('never fail to load on the pages a newcomer opens', async () => {
    const pages = [
      `${stack.base}/`,
      `${stack.base}/thank-you/`,
      `${stack.base}/console/`,
      `${stack.base}/u/not-a-token`,
      `${stack.base}/confirm/not-a-token`,
      `${stack.base}/no-such-page`,
      `${testEndpoints().ses}/`,
    ];
    const failures: string[] = [];
    for (const url of pages) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && /Failed to load resource/.test(message.text())) failed.push(message.text());
      });
      const response = await page.goto(url);
      // Long enough for the browser to ask for the icon once the page has loaded.
      await page.waitForTimeout(1000);
      // A page that is itself an error (the unknown token, the missing page) logs that one failure.
      const expected = (response?.status() ?? 0) >= 400 ? 1 : 0;
      if (failed.length !== expected) failures.push(`${url}: ${failed.join(' | ')}`);
      await context.close();
    }
    expect(failures).toEqual([]);
  });
});
