import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { clinicConfig } from '../../config/clinic';
import { PREVIEW_SECURITY_HEADERS, writePreview } from '../../emails/preview';
import { createLinkBuilder } from '../../functions/mail/links';
import type { EmailBundle } from '../../functions/sequence/compiled';
import { createGateway } from '../../local/gateway';
import { ROOT } from '../../local/paths';
import { freePort } from '../../local/ports';
import { launchChromium } from '../support/browser';

/**
 * The email gallery (`/preview/`, as the local stack serves it) on a phone: the page fits the
 * screen, each email's frame is as tall as the email (its footer shows), and the sample links
 * have the shape the real link builder gives them.
 */

jest.setTimeout(90_000);

const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const bundle = JSON.parse(readFileSync(join(ROOT, 'emails/dist/bundle.json'), 'utf8')) as EmailBundle;

let outDir: string;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'preview-e2e-'));
  await writePreview(outDir, { bundle });
  server = createGateway({
    routes: [],
    staticMounts: [{ prefix: '/preview', dir: outDir, headers: PREVIEW_SECURITY_HEADERS }],
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, resolve));
  base = `http://localhost:${port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await rm(outDir, { recursive: true, force: true });
});

async function openOnPhone(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text().slice(0, 200));
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${base}/preview/`);
  return { page, problems };
}

describe('the email preview gallery on a phone', () => {
  it('fits 390 px: no sideways scroll, the step table inside the screen', async () => {
    const { page, problems } = await openOnPhone();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      tables: Array.from(document.querySelectorAll('table')).map((table) => table.getBoundingClientRect().right),
    }));
    expect(widths.page).toBe(390);
    for (const right of widths.tables) expect(right).toBeLessThanOrEqual(390);
    const png = await page.screenshot({ fullPage: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    await writeFile(join(SCREENSHOTS, 'preview-390.png'), png);
    expect(png.readUInt32BE(16)).toBe(390);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows each email whole: every frame is as tall as the email in it', async () => {
    const { page, problems } = await openOnPhone();
    const frames = page.locator('iframe');
    const count = await frames.count();
    expect(count).toBeGreaterThanOrEqual(2 * (bundle.sequences['exosome-aftercare']!.steps.length + 3));
    const cut: string[] = [];
    for (let index = 0; index < count; index++) {
      const frame = frames.nth(index);
      await frame.scrollIntoViewIfNeeded();
      const content = await (await frame.elementHandle())!.contentFrame();
      await content!.waitForLoadState('load');
      const emailHeight = await content!.evaluate(() => document.documentElement.scrollHeight);
      // A frame may be sized just after its email loads: give it a moment.
      let frameHeight = 0;
      for (let tries = 0; tries < 20 && frameHeight < emailHeight; tries++) {
        if (tries > 0) await page.waitForTimeout(100);
        frameHeight = await frame.evaluate((element) => element.clientHeight);
      }
      if (frameHeight < emailHeight) cut.push(`${await frame.getAttribute('title')}: ${frameHeight} < ${emailHeight}`);
    }
    expect(cut).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('links as real emails do: the same link builder makes the sample links', async () => {
    const site = clinicConfig.practice.siteUrl;
    const links = createLinkBuilder({ siteUrl: site, publicApiUrl: site, signingKey: async () => Buffer.alloc(32) });
    const hrefs = async (page: string) =>
      [...(await readFile(join(outDir, `${page}.html`), 'utf8')).matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)].map((match) =>
        match[1]!.replace(/&amp;/g, '&'),
      );
    const welcome = await hrefs('exosome-aftercare/welcome');
    const booking = new URL(links.bookingUrl);
    expect(
      welcome.map((href) => new URL(href)).some((url) => url.hash === booking.hash && url.origin === booking.origin),
    ).toBe(true);
    const unsubscribe = new URL(await links.unsubscribeUrl('sample-lead-0001'));
    expect(welcome.some((href) => href.startsWith(`${unsubscribe.origin}/u/`))).toBe(true);
    const optIn = new URL(links.optInUrl('sample'));
    expect((await hrefs('transactional/opt-in')).some((href) => href.startsWith(`${optIn.origin}/confirm/`))).toBe(
      true,
    );
    const console = links.consoleUrl('sample');
    expect(
      (await hrefs('transactional/staff-notification')).some((href) => href.startsWith(console.replace(/sample$/, ''))),
    ).toBe(true);
  });
});
