import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { clinicConfig } from '../../config/clinic';
import { CURRENT_CONSENT_VERSION, consentText } from '../../functions/consent/consent-text';
import { renderLandingPage } from '../../functions/pages/landing';
import { renderThankYouPage } from '../../functions/pages/thank-you';
import type { SiteServer } from '../../web/dev-server';
import { siteWithBrowser } from '../support/browser';

const { practice } = clinicConfig;

describe('landing page markup', () => {
  it('escapes every value and message it shows again', () => {
    const page = renderLandingPage({
      practice,
      values: { firstName: '"><script>alert(1)</script>', message: '</textarea><img src=x onerror=alert(1)>' },
      errors: [{ field: 'firstName', message: '<b>bold</b>' }],
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>bold');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('shows the current consent wording and sends its version', () => {
    const page = renderLandingPage({ practice });
    expect(page).toContain(consentText(CURRENT_CONSENT_VERSION, practice.name));
    expect(page).toContain(`<input type="hidden" name="consentVersion" value="${CURRENT_CONSENT_VERSION}">`);
  });

  it('hides the honeypot from people and assistive technology without making it type=hidden', () => {
    const page = renderLandingPage({ practice, values: { website: 'spam' } });
    expect(page).toMatch(
      /<div class="hp" aria-hidden="true">[\s\S]*?<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">/,
    );
  });

  it('shows the practice details and echoes no visitor data on the thank-you page', () => {
    const page = renderThankYouPage({ practice });
    expect(page).toContain(practice.name);
    expect(page).toContain(practice.postalAddress);
    expect(page).not.toMatch(/<form|<input/);
  });
});

describe('landing form in Chromium', () => {
  let site: SiteServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ site, browser, close } = await siteWithBrowser('landing-form-'));
  });

  afterAll(async () => {
    await close?.();
  });

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ timezoneId: 'America/Chicago', ...options });
    return context.newPage();
  }

  async function fillValidForm(page: Page): Promise<void> {
    await page.fill('#firstName', 'Ann');
    await page.fill('#email', 'ann@example.com');
    await page.check('#interests-fraxel-aftercare');
    await page.check('#interests-hair-restoration');
    await page.check('#consent');
  }

  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

  it('draws a border round each text field and none round the groups of choices', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/`);
    const border = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => getComputedStyle(el).borderTopWidth);
    await expect(border('input#email')).resolves.toBe('2px');
    await expect(border('textarea#message')).resolves.toBe('2px');
    await expect(border('.choices')).resolves.toBe('0px');
    await expect(border('.choice')).resolves.toBe('0px');
    await page.context().close();
  });

  it('posts JSON with the time zone, UTM parameters and landing path, then shows the thank-you page', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`, {
      referer: 'https://search.example/',
    });
    await fillValidForm(page);
    await Promise.all([page.waitForURL(`${site.url}/thank-you/`), page.click('button[type=submit]')]);

    const lead = site.received.at(-1);
    expect(lead?.kind).toBe('json');
    expect(lead?.body).toMatchObject({
      firstName: 'Ann',
      email: 'ann@example.com',
      interests: ['fraxel-aftercare', 'hair-restoration'],
      preferredContact: 'email',
      consent: true,
      consentVersion: CURRENT_CONSENT_VERSION,
      timeZone: 'America/Chicago',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      landingPath: '/',
      referrer: 'https://search.example/',
      website: '',
    });
    await page.context().close();
  });

  it('shows field errors inline and moves focus to the error summary', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/`);
    await page.fill('#firstName', 'Ann');
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor({ state: 'visible' });

    expect(await focusedId(page)).toBe('error-summary');
    expect(await page.title()).toMatch(/^Error: /);
    await expect(page.getAttribute('#email', 'aria-invalid')).resolves.toBe('true');
    await expect(page.getAttribute('#email', 'aria-describedby')).resolves.toBe('email-hint email-error');
    await expect(page.getAttribute('[data-field=interests]', 'aria-describedby')).resolves.toBe(
      'interests-hint interests-error',
    );
    await expect(page.textContent('#consent-error')).resolves.toContain('Tick the box');
    await expect(page.getAttribute('#firstName', 'aria-invalid')).resolves.toBeNull();

    await page.click('#error-summary a[href="#email"]');
    expect(await focusedId(page)).toBe('email');

    await fillValidForm(page);
    await Promise.all([page.waitForURL(`${site.url}/thank-you/`), page.click('button[type=submit]')]);
    await page.context().close();
  });

  it('clears each field’s error as soon as the field is valid, and the summary with the last one', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/`);
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor({ state: 'visible' });
    const summaryItems = () => page.locator('#error-summary li').count();
    const before = await summaryItems();
    await expect(page.locator('#email-error').count()).resolves.toBe(1);

    // Not yet an address: the error stays.
    await page.fill('#email', 'ann@');
    await expect(page.locator('#email-error').count()).resolves.toBe(1);
    await page.fill('#email', 'ann@example.com');
    await expect(page.locator('#email-error').count()).resolves.toBe(0);
    await expect(page.getAttribute('#email', 'aria-invalid')).resolves.toBeNull();
    await expect(page.getAttribute('#email', 'aria-describedby')).resolves.toBe('email-hint');
    await expect(page.locator('[data-field=email].field--error').count()).resolves.toBe(0);
    expect(await summaryItems()).toBe(before - 1);

    await page.check('#interests-hair-restoration');
    await expect(page.locator('#interests-error').count()).resolves.toBe(0);
    await page.fill('#firstName', 'Ann');
    await page.check('#consent');
    await expect(page.locator('.field-error').count()).resolves.toBe(0);
    await expect(page.locator('#error-summary').isHidden()).resolves.toBe(true);
    expect(await page.title()).not.toMatch(/^Error: /);
    await page.context().close();
  });

  it.each([
    ['429', { status: 429, body: '{"error":"rate_limited"}' }, /wait a minute/],
    ['503', { status: 503, body: '' }, /try again/],
    ['a network failure', undefined, /try again/],
  ])('asks politely to retry after %s and keeps the answers', async (_name, reply, expected) => {
    const page = await openPage();
    await page.route('**/leads', (route) => (reply ? route.fulfill(reply) : route.abort('failed')));
    await page.goto(`${site.url}/`);
    await fillValidForm(page);
    await page.click('button[type=submit]');

    await page.locator('#form-status', { hasText: expected }).waitFor({ timeout: 5000 });
    await expect(page.getAttribute('#form-status', 'role')).resolves.toBe('status');
    await expect(page.inputValue('#firstName')).resolves.toBe('Ann');
    expect(page.url()).toBe(`${site.url}/`);
    await page.context().close();
  });

  it('works without JavaScript: a failed post shows the form again, a valid one reaches the thank-you page', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto(`${site.url}/`);
    await page.fill('#firstName', 'Ann <b>');
    await page.fill('#email', 'not-an-email');
    await page.check('#interests-skin-regeneration');
    const [failed] = await Promise.all([
      page.waitForResponse((response) => response.url() === `${site.url}/leads`),
      page.click('button[type=submit]'),
    ]);
    expect(failed.status()).toBe(400);
    await page.waitForURL(`${site.url}/leads`);
    await page.locator('#error-summary:focus').waitFor({ timeout: 5000 });

    await expect(page.inputValue('#firstName')).resolves.toBe('Ann <b>');
    await expect(page.isChecked('#interests-skin-regeneration')).resolves.toBe(true);
    await expect(page.getAttribute('#email', 'aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#error-summary a[href="#consent"]').count()).resolves.toBe(1);
    await expect(page.inputValue('input[name=landingPath]')).resolves.toBe('/');

    await page.fill('#email', 'ann@example.com');
    await page.check('#consent');
    await Promise.all([page.waitForURL(`${site.url}/thank-you/`), page.click('button[type=submit]')]);
    const lead = site.received.at(-1);
    expect(lead?.kind).toBe('form');
    expect(lead?.body).toMatchObject({ firstName: 'Ann <b>', consent: 'on', landingPath: '/', website: '' });
    await page.context().close();
  });

  it('runs under the strict Content-Security-Policy without violations', async () => {
    const page = await openPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // Chromium logs every 4xx fetch; the 400 answer to an invalid form is expected here.
      if (message.type() === 'error' && !message.text().includes('status of 400')) problems.push(message.text());
    });
    const response = await page.goto(`${site.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor({ state: 'visible' });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
