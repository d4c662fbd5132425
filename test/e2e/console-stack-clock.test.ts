import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { validLead } from '../support/capture-harness';
import {
  consoleLogin,
  openRealConsole,
  type RealConsolePage,
  signInToConsole,
  statusText,
} from '../support/console-real';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/**
 * The console's defaults follow the clock of the stack it talks to. After `npm run drip --
 * advance P35D` the local stack lives 35 days ahead of the browser: the Results page's default
 * range, the simulator's sign-up time and the review date's minimum must be on the stack's days.
 */

jest.setTimeout(90_000);

const BROWSER_ZONE = 'America/New_York';
const SEQUENCE_NAME = 'Exosome aftercare (PBME Topical)';
const admin = consoleLogin('admin@clinic.test', ['marketing', 'admin']);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let ui: RealConsolePage;
let page: Page;

/** YYYY-MM-DD of an instant in the browser's zone. */
function dayInBrowserZone(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: BROWSER_ZONE }).format(instant);
}

/** YYYY-MM-DDTHH:MM of an instant in a zone, as a datetime-local input holds it. */
function localMinute(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const DAY = 86_400_000;

beforeAll(async () => {
  stack = await localStackForTest({ LOCAL_CONSOLE_USERS: admin.setting, CONSENT_MODE: 'single' });
  browser = await launchChromium();
  expect((await postLead(stack.base, validLead(uniqueEmail('clock')))).status).toBe(202);
  await control(stack.base, '/__local/drip/tick');
  ui = await openRealConsole(browser, stack.base, '#/leads');
  page = ui.page;
  // Signed in before the clock moves, as someone who keeps the console open while trying the CLI.
  await signInToConsole(page, admin);
  await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await stack?.stop();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click();

describe('the console on a stack whose clock was moved 35 days forward', () => {
  it('shows Results for the 30 days up to the stack’s today, with the sequence’s last step in them', async () => {
    await nav('Results');
    await statusText(page, /^Results loaded/).waitFor();
    const today = stack.clock.now();
    // In UTC days, as the counters are kept.
    const utcDay = (date: Date) => date.toISOString().slice(0, 10);
    await expect(page.getByLabel('To', { exact: true }).inputValue()).resolves.toBe(utcDay(today));
    await expect(page.getByLabel('From', { exact: true }).inputValue()).resolves.toBe(
      utcDay(new Date(today.getTime() - 29 * DAY)),
    );
    await page.getByRole('region', { name: 'Step meet-the-surgeon', exact: true }).waitFor();
  });

  it('starts the simulator’s sample lead at the stack’s now', async () => {
    await nav('Journey simulator');
    await statusText(page, 'Ready.').waitFor();
    const zone = await page.getByLabel('Lead’s time zone').inputValue();
    const shown = Date.parse(`${await page.getByLabel('Signs up at').inputValue()}:00Z`);
    const expected = Date.parse(`${localMinute(stack.clock.now(), zone)}:00Z`);
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(5 * 60_000);
  });

  it('lets a clinical review run from the stack’s tomorrow, not the browser’s', async () => {
    await nav('Sequences');
    await page.getByRole('region', { name: 'Sequences table' }).getByRole('link', { name: SEQUENCE_NAME }).click();
    await statusText(page, 'Sequence loaded.').waitFor();
    const tomorrow = dayInBrowserZone(new Date(stack.clock.now().getTime() + DAY));
    await expect(page.getByLabel('Valid until').getAttribute('min')).resolves.toBe(tomorrow);
  });

  it('hit no console error or failed admin API call', () => {
    expect(ui.problems).toEqual([]);
  });
});
