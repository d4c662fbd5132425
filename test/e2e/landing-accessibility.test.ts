import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { SiteServer } from '../../web/dev-server';
import { siteWithBrowser } from '../support/browser';

let site: SiteServer;
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ site, browser, close } = await siteWithBrowser('landing-a11y-'));
});

afterAll(async () => {
  await close?.();
});

async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function openPage(options: { width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 800 } });
  return context.newPage();
}

/**
 * The no-JS form post that the capture Lambda answers with the page and its errors. The page's
 * script is replaced by an empty one rather than disabling JavaScript, because axe runs as script.
 */
async function postEmptyFormWithoutJavaScript(width?: number): Promise<Page> {
  const page = await openPage({ width });
  await page.route('**/assets/app.js', (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
  await page.goto(`${site.url}/`);
  await Promise.all([page.waitForURL(`${site.url}/leads`), page.click('button[type=submit]')]);
  return page;
}

async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

describe('landing page accessibility', () => {
  it('has no axe-core violations', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/`);
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('has no axe-core violations when re-rendered with errors after a no-JS post', async () => {
    const page = await postEmptyFormWithoutJavaScript();
    await expect(page.locator('#error-summary li').count()).resolves.toBeGreaterThan(0);
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('has no axe-core violations after JavaScript shows errors inline', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/`);
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor({ state: 'visible' });
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('has no axe-core violations on the thank-you page', async () => {
    const page = await openPage();
    await page.goto(`${site.url}/thank-you/`);
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('does not overflow horizontally on a 375px phone screen', async () => {
    const landing = await openPage({ width: 375 });
    await landing.goto(`${site.url}/`);
    expect(await overflowsHorizontally(landing)).toBe(false);
    await landing.goto(`${site.url}/thank-you/`);
    expect(await overflowsHorizontally(landing)).toBe(false);
    await landing.context().close();

    const withErrors = await postEmptyFormWithoutJavaScript(375);
    expect(await overflowsHorizontally(withErrors)).toBe(false);
    await withErrors.context().close();
  });
});
