import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { clinicConfig } from '../../config/clinic';
import { ROOT } from '../../local/paths';
import { launchChromium } from '../support/browser';
import { validLead } from '../support/capture-harness';
import { localStackForTest, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/**
 * The pages behind an email's unsubscribe link, in Chromium on the real local stack: the
 * site's own header, footer and styles at desktop and phone widths, no horizontal scroll on a
 * phone, no axe violations, and a link used before says so instead of asking again.
 */

jest.setTimeout(60_000);

const { practice } = clinicConfig;
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let link: string;

/** Signs a person up and takes the unsubscribe link from their confirmation email. */
async function unsubscribeLinkForNewLead(): Promise<string> {
  const email = uniqueEmail('unsubscribe');
  expect((await postLead(stack.base, validLead(email))).status).toBe(202);
  const [confirmation] = await outbox(email);
  const href = /href="([^"]*\/u\/[^"]+)"/.exec(confirmation?.body.html ?? '')?.[1];
  if (!href) throw new Error('The confirmation email has no unsubscribe link');
  return href.replace(/&amp;/g, '&');
}

interface OpenedPage {
  page: Page;
  /** Console errors (a CSP refusal among them) and failed requests. */
  problems: string[];
}

async function open(url: string, width: number): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text().slice(0, 200));
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(url);
  return { page, problems };
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The width of a full-page screenshot: wider than the viewport means the page scrolls sideways. */
async function fullPageScreenshotWidth(page: Page, name: string): Promise<number> {
  const png = await page.screenshot({ fullPage: true });
  await mkdir(SCREENSHOTS, { recursive: true });
  await writeFile(join(SCREENSHOTS, `${name}.png`), png);
  // PNG: the IHDR chunk's width is the big-endian word at byte 16.
  return png.readUInt32BE(16);
}

/** What the site's layout puts on every page, read as a visitor sees it. */
async function expectSiteLayout(page: Page, width: number): Promise<void> {
  await expect(page.getByRole('banner').getByRole('link', { name: practice.name }).isVisible()).resolves.toBe(true);
  await expect(page.getByRole('contentinfo').textContent()).resolves.toContain(practice.postalAddress);
  // The site's stylesheet applies: the header has its dark band, and the text keeps off the edge.
  const headerBackground = await page
    .locator('.site-header')
    .evaluate((header) => getComputedStyle(header).backgroundColor);
  expect(headerBackground).not.toBe('rgba(0, 0, 0, 0)');
  const heading = await page.getByRole('heading', { level: 1 }).boundingBox();
  expect(heading!.x).toBeGreaterThanOrEqual(16);
  if (width >= 1000) expect(heading!.x).toBeGreaterThan(40);
}

beforeAll(async () => {
  stack = await localStackForTest({ CONSENT_MODE: 'single' });
  browser = await launchChromium();
  link = await unsubscribeLinkForNewLead();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the unsubscribe pages', () => {
  it.each([1280, 390])(
    'ask in the site’s layout at %i px, with no axe violation and no sideways scroll',
    async (width) => {
      const { page, problems } = await open(link, width);
      await page.getByRole('heading', { level: 1, name: `Stop emails from ${practice.name}?` }).waitFor();
      await expectSiteLayout(page, width);
      expect(await fullPageScreenshotWidth(page, `unsubscribe-confirm-${width}`)).toBe(width);
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.context().close();
    },
  );

  it('confirm in the same layout once the button is pressed', async () => {
    const { page, problems } = await open(link, 390);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }).waitFor();
    await expectSiteLayout(page, 390);
    expect(await fullPageScreenshotWidth(page, 'unsubscribe-done-390')).toBe(390);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('say "You are already unsubscribed" for a link used before, instead of asking again', async () => {
    const { page, problems } = await open(link, 1280);
    await page.getByRole('heading', { level: 1, name: 'You are already unsubscribed' }).waitFor();
    await expect(page.getByRole('button', { name: 'Unsubscribe' }).count()).resolves.toBe(0);
    await expectSiteLayout(page, 1280);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
