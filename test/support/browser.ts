import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium with the flags this offline machine needs (no background network, no sandbox as root). */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(CHROMIUM_LAUNCH);
}

/** A built landing site on a free port with a browser, for the page-level browser tests. */
export async function siteWithBrowser(prefix: string) {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { buildSite } = await import('../../web/build');
  const { startSiteServer } = await import('../../web/dev-server');
  const outDir = await buildSite({ outDir: await mkdtemp(join(tmpdir(), prefix)) });
  const site = await startSiteServer({ root: outDir });
  const browser = await launchChromium();
  return {
    site,
    browser,
    async close() {
      await browser.close();
      await site.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
