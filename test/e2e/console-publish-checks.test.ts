import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  bodyRows,
  consoleLogin,
  openRealConsole,
  type RealConsolePage,
  signInToConsole,
  statusText,
} from '../support/console-real';
import { localStackForTest } from '../support/local-stack-harness';

/**
 * What the sequence editor says stops publishing is what the server refuses a publish for, the
 * clinical review included; and a version nobody reviewed is marked as a warning wherever the
 * console shows it. In Chromium on the real local stack, whose publish rules are the real ones.
 */

jest.setTimeout(90_000);

const SEQUENCE_NAME = 'Exosome aftercare (PBME Topical)';
const REVIEW_NEEDED = 'A clinical review of this draft is needed before it can be published';
const admin = consoleLogin('admin@clinic.test', ['marketing', 'admin']);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let ui: RealConsolePage;
let page: Page;
let bundledVersion = '';

beforeAll(async () => {
  stack = await localStackForTest({ LOCAL_CONSOLE_USERS: admin.setting });
  browser = await launchChromium();
  ui = await openRealConsole(browser, stack.base, '#/sequences');
  page = ui.page;
  await signInToConsole(page, admin);
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await stack?.stop();
});

const problemsPanel = () => page.locator('.problems-panel');
/** The problems the panel lists, as "where: message". */
const listedProblems = () =>
  problemsPanel()
    .locator('ul.problems li')
    .evaluateAll((items) =>
      items.map((item) => `${item.querySelector('.where')?.textContent}: ${item.querySelector('span')?.textContent}`),
    );

describe('publishing a sequence whose shipped version nobody reviewed', () => {
  it('marks the unreviewed published version as a warning in the sequences list', async () => {
    // The shipped sequences: the aftercare story and the short rebook path, neither reviewed.
    await statusText(page, '2 sequences loaded.').waitFor();
    const rows = await bodyRows(page.getByRole('region', { name: 'Sequences table' }));
    const row = rows.find((cells) => cells[0] === SEQUENCE_NAME);
    bundledVersion = row![1]!;
    expect(row![3]).toBe('Warning: no clinical review recorded');
    await expect(page.locator('.review--missing').count()).resolves.toBe(2);
    await expect(page.locator('.warning').textContent()).resolves.toContain(
      `version ${bundledVersion}, which has no clinical review`,
    );
  });

  it('marks it in the editor’s summary and versions table', async () => {
    await page.getByRole('region', { name: 'Sequences table' }).getByRole('link', { name: SEQUENCE_NAME }).click();
    await statusText(page, 'Sequence loaded.').waitFor();
    await expect(page.locator('.details .review--missing').count()).resolves.toBeGreaterThanOrEqual(1);
    const versions = await bodyRows(page.getByRole('region', { name: 'Versions table' }));
    expect(versions.find((version) => version[0] === bundledVersion)?.[4]).toBe('Warning: no clinical review recorded');
  });

  it('lists the missing review among the problems once the draft is saved, as the publish refusal does', async () => {
    const subject = page.locator('[data-field="subject"] input');
    await subject.fill(`${await subject.inputValue()} (edited)`);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await statusText(page, /^Draft saved/).waitFor();
    await expect(problemsPanel().textContent()).resolves.not.toContain('Nothing stops this draft');
    const afterSave = await listedProblems();
    expect(afterSave).toEqual([`review: ${REVIEW_NEEDED}`]);
    await expect(problemsPanel().textContent()).resolves.toContain('a current clinical review');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish the draft?' }).getByRole('button', { name: 'Publish' }).click();
    await statusText(page, /^Publishing was refused/).waitFor();
    expect(await listedProblems()).toEqual(afterSave);
  });

  it('says nothing stops it once the review is recorded, and publishes', async () => {
    const validUntil = `${new Date().getFullYear() + 1}-01-31`;
    await page.getByLabel('Reviewer').fill('Dr. Rowan Example, MD');
    await page.getByLabel('Valid until').fill(validUntil);
    await page.getByRole('button', { name: 'Record clinical review' }).click();
    await page.getByText(`valid until ${validUntil}.`).waitFor();
    await expect(problemsPanel().textContent()).resolves.toContain('Nothing stops this draft from being published.');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish the draft?' }).getByRole('button', { name: 'Publish' }).click();
    await statusText(page, /^Published version [0-9a-f]{12}\.$/).waitFor();
  });

  it('marks the unreviewed version among the simulator’s choices', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Journey simulator' }).click();
    await statusText(page, 'Ready.').waitFor();
    const options = await page
      .getByLabel('Version')
      .locator('option')
      .evaluateAll((items) => items.map((item) => item.textContent));
    expect(options).toContain(`Version ${bundledVersion} (warning: no clinical review)`);
  });

  it('hit no console error on the way; the refused publish is the only failed admin call', () => {
    // Chromium logs every 4xx answer as a console error: that one is the refused publish.
    expect(ui.problems.sort()).toEqual([
      '400 from POST /admin/api/sequences/exosome-aftercare/publish',
      'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });
});
