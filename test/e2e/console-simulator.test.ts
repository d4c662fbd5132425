import type { Browser, Page } from 'playwright-core';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { launchChromium } from '../support/browser';
import { validLead } from '../support/capture-harness';
import {
  bodyRows,
  consoleLogin,
  openRealConsole,
  type RealConsolePage,
  signInToConsole,
  statusText,
} from '../support/console-real';
import { testLeadId } from '../support/identity';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/**
 * The journey simulator as staff meet it, in Chromium on the real local stack: opened from a
 * lead's timeline it simulates that lead at once; a click on Simulate before the sequences are
 * in is not lost; the welcome that goes out at once outside the send window says so; every A/B
 * subject is shown; and the count is printed once.
 */

jest.setTimeout(90_000);

const sequence = bundledEmails().sequences['exosome-aftercare']!;
/** The lead's path (Fraxel and hair restoration, from validLead); the general path for a sample without topics. */
const leadPath = () => pathFor(sequence.steps, validLead(email).interests);
const generalPath = pathFor(sequence.steps, []);
const admin = consoleLogin('admin@clinic.test', ['marketing', 'admin']);
const email = uniqueEmail('simulated');

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let ui: RealConsolePage;
let page: Page;

beforeAll(async () => {
  stack = await localStackForTest({ LOCAL_CONSOLE_USERS: admin.setting, CONSENT_MODE: 'single' });
  browser = await launchChromium();
  expect((await postLead(stack.base, validLead(email))).status).toBe(202);
  await control(stack.base, '/__local/drip/tick');
  ui = await openRealConsole(browser, stack.base, '#/leads');
  page = ui.page;
  await signInToConsole(page, admin);
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await stack?.stop();
});

const sends = () => bodyRows(page.getByRole('region', { name: 'Simulated sends' }));

describe('the journey simulator', () => {
  it('simulates a lead at once when opened from their timeline, and prints the count once', async () => {
    await ui.go(`#/leads/${testLeadId(email)}`);
    await page.getByRole('link', { name: 'Simulate this lead’s future emails' }).click();
    // No click on Simulate: the link asked for this lead's journey.
    await statusText(page, `${leadPath().length - 1} emails would be sent.`).waitFor();
    expect((await sends()).map((row) => row[1])).toEqual(
      leadPath()
        .slice(1)
        .map((step) => step.id),
    );
    await expect(page.getByText(/emails? would be sent/).count()).resolves.toBe(1);
  });

  it('shows the subject of every A/B variant', async () => {
    const rows = await sends();
    for (const step of leadPath().slice(1)) {
      const row = rows.find((candidate) => candidate[1] === step.id)!;
      for (const variant of step.variants) expect(row[2]).toContain(variant.subject);
      if (step.variants.length > 1) expect(row[2]).toMatch(/^A: /);
    }
  });

  it('says when the welcome goes out at once, outside the send window', async () => {
    await page.getByLabel('A sample lead').check();
    await page.getByLabel('Lead’s time zone').selectOption('America/New_York');
    // Friday 6 March 2026, 20:00 in New York: after the window closes at 18:00.
    await page.getByLabel('Signs up at').fill('2026-03-06T20:00');
    await page.getByRole('button', { name: 'Simulate' }).click();
    // No topic ticked: the general path.
    await statusText(page, `${generalPath.length} emails would be sent.`).waitFor();
    const [welcome, next] = await sends();
    expect(welcome![1]).toBe('welcome');
    expect(welcome![3]).toBe('Fri 6 Mar 2026, 20:00 EST (at sign-up, outside the send window)');
    expect(next![3]).toBe('Tue 10 Mar 2026, 09:00 EDT');
    await expect(page.locator('.results').textContent()).resolves.toContain(
      'The first email goes out as soon as the lead signs up, even outside the send window',
    );
  });

  it('keeps a click on Simulate made before the sequences are loaded', async () => {
    // The sequences arrive late, as on a slow connection.
    await page.route('**/admin/api/sequences', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leads' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Journey simulator' }).click();
    await page.getByRole('button', { name: 'Simulate' }).click();
    await statusText(page, `${generalPath.length} emails would be sent.`).waitFor();
    await page.unroute('**/admin/api/sequences');
  });

  it('follows a sample behaviour: a booking click brings the nudge and the hot-lead alert 48 hours later', async () => {
    // On the simulator still, its sequences loaded (the test before).
    await page.getByLabel('A sample lead').check();
    await page.getByLabel('Lead’s time zone').selectOption('America/New_York');
    // Monday 2 March 2026, 10:00 in New York.
    await page.getByLabel('Signs up at').fill('2026-03-02T10:00');
    await page.getByLabel('Hair restoration').check();
    await page.getByLabel('What the lead does').selectOption('booking-click');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const regular = pathFor(sequence.steps, ['hair-restoration']).map((step) => step.id);
    await statusText(page, `${regular.length + 1} emails would be sent.`).waitFor();
    const rows = await sends();
    expect(rows.map((row) => row[1])).toEqual([regular[0], 'booking-nudge', ...regular.slice(1)]);
    expect(rows[1]![3]).toBe('Wed 4 Mar 2026, 10:00 EST');
    expect(rows[1]![6]).toBe('Booking-click branch; staff get the hot-lead alert');
    expect(rows[2]![6]).toBe('Path');

    await page.getByLabel('What the lead does').selectOption('opens');
    await page.getByRole('button', { name: 'Simulate' }).click();
    await statusText(page, `${regular.length} emails would be sent.`).waitFor();
    expect((await sends()).map((row) => row[1])).toEqual(regular);
    await page.getByLabel('Hair restoration').uncheck();
  });

  it('hit no console error or failed admin API call', () => {
    expect(ui.problems).toEqual([]);
  });
});
