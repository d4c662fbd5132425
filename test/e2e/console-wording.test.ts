import type { Browser, Page } from 'playwright-core';
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
 * Small things a user notices in the console, in Chromium on the real local stack: a count of
 * one reads as one, an empty list says so once, and a finished sequence has no next step.
 */

jest.setTimeout(90_000);

const admin = consoleLogin('admin@clinic.test', ['marketing', 'admin']);
const finished = uniqueEmail('finished');

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let ui: RealConsolePage;
let page: Page;

beforeAll(async () => {
  stack = await localStackForTest({ LOCAL_CONSOLE_USERS: admin.setting, CONSENT_MODE: 'single' });
  browser = await launchChromium();
  expect((await postLead(stack.base, validLead(finished))).status).toBe(202);
  // Only the welcome has gone out: one step, one variant.
  await control(stack.base, '/__local/drip/tick');
  ui = await openRealConsole(browser, stack.base, '#/results');
  page = ui.page;
  await signInToConsole(page, admin);
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the console’s wording', () => {
  it('says "1 step variant", not "1 step variants"', async () => {
    await ui.go('#/results');
    await statusText(page, 'Results loaded for 1 step variant.').waitFor();
  });

  it('says once that no lead matches the filters', async () => {
    await ui.go('#/leads?q=nobody-has-this-name');
    await statusText(page, 'No leads match these filters.').waitFor();
    await expect(page.getByText('No leads match these filters.').count()).resolves.toBe(1);
  });

  it('shows no next step for a sequence that has finished', async () => {
    await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
    await ui.go(`#/leads/${testLeadId(finished)}`);
    await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
    const [enrolment] = await bodyRows(page.getByRole('region', { name: 'Sequences table' }));
    expect(enrolment![2]).toBe('completed');
    expect(enrolment![3]).toBe('–');
    expect(enrolment![4]).toBe('');
  });

  it('hit no console error or failed admin API call', () => {
    expect(ui.problems).toEqual([]);
  });
});
