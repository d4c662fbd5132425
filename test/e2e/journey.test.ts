import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { localStackForTest } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

jest.setTimeout(90_000);

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

async function fillForm(page: Page, email: string, options: { consent: boolean }) {
  await page.fill('#firstName', 'Morgan');
  await page.fill('#email', email);
  await page.check('#interests-fraxel-aftercare');
  if (options.consent) await page.check('#consent');
}

async function waitForMail(recipient: string, count: number): Promise<Awaited<ReturnType<typeof outbox>>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const mails = await outbox(recipient);
    if (mails.length >= count) return mails;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return outbox(recipient);
}

describe('a visitor in Chromium against the local stack', () => {
  it.each([
    ['with JavaScript', true],
    ['without JavaScript', false],
  ])(
    'submits the form %s, lands on the thank-you page, and both emails reach the outbox',
    async (_label, javaScriptEnabled) => {
      const context = await browser.newContext({ javaScriptEnabled, timezoneId: 'America/Chicago' });
      const page = await context.newPage();
      const email = uniqueEmail(javaScriptEnabled ? 'js' : 'nojs');
      await page.goto(`${stack.base}/?utm_source=article&utm_campaign=exosomes`);

      await fillForm(page, email, { consent: true });
      await Promise.all([page.waitForURL(`${stack.base}/thank-you/`), page.click('button[type=submit]')]);

      expect(await page.textContent('h1')).toBeTruthy();
      expect(await page.textContent('main')).toMatch(/received/i);
      const [confirmation] = await waitForMail(email, 1);
      expect(confirmation?.body.html).toContain('Morgan');
      const staff = (await outbox('frontdesk@example.com')).filter((mail) => mail.body.text?.includes(email));
      expect(staff).toHaveLength(1);
      if (javaScriptEnabled) {
        // The enhanced form adds the visitor's time zone and the page's UTM parameters.
        expect(staff[0]!.body.text).toContain('America/Chicago');
        expect(staff[0]!.body.text).toContain('article');
      }
      await context.close();
    },
  );

  it('shows the problems inline when the form is sent without consent and without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const email = uniqueEmail('noconsent');
    await page.goto(`${stack.base}/`);

    await fillForm(page, email, { consent: false });
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

    expect(response?.status()).toBe(400);
    expect(await page.textContent('#error-summary')).toMatch(/agree/);
    expect(await page.inputValue('#email')).toBe(email);
    expect(await outbox(email)).toHaveLength(0);
    await context.close();
  });

  it('serves a landing page with zero axe-core violations and the security headers', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${stack.base}/`);

    const results = await new AxeBuilder({ page }).analyze();

    expect(results.violations).toEqual([]);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBeDefined();
    await context.close();
  });
});
