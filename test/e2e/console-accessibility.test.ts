import type { Page } from 'playwright-core';
import { SEQUENCE_ID } from './console-fake-api';
import {
  axeViolations,
  type ConsoleHarness,
  type OpenPage,
  openConsole,
  openSignedIn,
  overflowsHorizontally,
  startConsoleHarness,
} from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => harness.fake.resetSequences());

interface Scenario {
  name: string;
  open(width: number): Promise<OpenPage>;
}

const ready = (page: Page, text: string | RegExp) =>
  page.getByRole('status').filter({ hasText: text }).first().waitFor();

const SCENARIOS: Scenario[] = [
  {
    name: 'login',
    open: async (width) => {
      const opened = await openConsole(harness, { hash: '#/login', width });
      await opened.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      return opened;
    },
  },
  {
    name: 'login with an error',
    open: async (width) => {
      const opened = await openConsole(harness, { hash: '#/login', width });
      await opened.page.getByRole('button', { name: 'Sign in' }).click();
      await opened.page.getByRole('alert').filter({ hasText: 'Enter your username' }).waitFor();
      return opened;
    },
  },
  {
    name: 'leads with an export',
    open: async (width) => {
      const opened = await openSignedIn(harness, '#/leads?status=active', { width });
      await ready(opened.page, /Showing 50 leads/);
      await opened.page.getByRole('button', { name: 'Export CSV' }).click();
      await opened.page.getByText(/rows exported/).waitFor();
      return opened;
    },
  },
  {
    name: 'lead timeline (admin)',
    open: async (width) => {
      const opened = await openSignedIn(harness, `#/leads/${harness.fake.leads[30]!.leadId}`, { who: 'admin', width });
      await opened.page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
      return opened;
    },
  },
  {
    name: 'confirm dialog',
    open: async (width) => {
      const opened = await openSignedIn(harness, `#/leads/${harness.fake.leads[31]!.leadId}`, { who: 'admin', width });
      await opened.page.getByRole('button', { name: 'Erase lead' }).click();
      await opened.page.getByRole('dialog').waitFor();
      return opened;
    },
  },
  {
    name: 'sequences',
    open: async (width) => {
      const opened = await openSignedIn(harness, '#/sequences', { width });
      await ready(opened.page, '2 sequences loaded.');
      return opened;
    },
  },
  {
    name: 'sequence editor with problems (admin)',
    open: async (width) => {
      const opened = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`, { who: 'admin', width });
      await ready(opened.page, /^Preview updated/);
      const mjml = opened.page.getByLabel('MJML of template “welcome”');
      await mjml.fill((await mjml.inputValue()).replace('</mj-column>', '<mj-bogus>x</mj-bogus></mj-column>'));
      await ready(opened.page, 'Preview updated with 1 problem.');
      await opened.page.getByRole('button', { name: 'Publish' }).click();
      await opened.page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
      await opened.page.getByRole('region', { name: 'Publishing was refused' }).waitFor();
      await opened.page.getByRole('button', { name: 'Preview the move' }).click();
      await opened.page.getByRole('button', { name: /^Move \d+ leads?$/ }).waitFor();
      return opened;
    },
  },
  {
    name: 'journey simulator with sends',
    open: async (width) => {
      const opened = await openSignedIn(harness, '#/simulator', { width });
      await ready(opened.page, 'Ready.');
      await opened.page.getByRole('button', { name: 'Simulate' }).click();
      await ready(opened.page, /emails would be sent/);
      return opened;
    },
  },
  {
    name: 'results with a warning',
    open: async (width) => {
      const opened = await openSignedIn(harness, '#/results', { width });
      await ready(opened.page, /^Results loaded/);
      return opened;
    },
  },
  {
    name: 'import with a dry-run report (admin)',
    open: async (width) => {
      const opened = await openSignedIn(harness, '#/import', { who: 'admin', width });
      await opened.page.getByLabel('CSV file of contacts who have consented').setInputFiles({
        name: 'c.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          'email,first_name,consent_source,consent_date\nok@example.com,A,form,2025-01-01\nbad,B,form,2025-01-01\n',
        ),
      });
      await opened.page.getByRole('button', { name: 'Check file' }).click();
      await opened.page.getByRole('button', { name: 'Import 1 contact' }).waitFor();
      return opened;
    },
  },
];

describe.each([
  ['desktop', 1280],
  ['phone', 375],
])('console accessibility at %s width', (_label, width) => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    '%s has no axe-core violations, no CSP violations, and fits the screen',
    async (_name, scenario) => {
      const { page, problems, close } = await scenario.open(width);
      expect(await axeViolations(page)).toEqual([]);
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(problems).toEqual([]);
      await close();
    },
    60_000,
  );
});

describe('console keyboard use', () => {
  it('signs in and reaches a lead with the keyboard alone, with a visible focus on every stop', async () => {
    const { page, close } = await openConsole(harness, { hash: '#/login' });
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to main content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).name)).resolves.toBe('username');
    await page.keyboard.type('marketer');
    await page.keyboard.press('Tab');
    await page.keyboard.type('marketer-pass');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1');

    // Every control the Tab key reaches shows the focus ring.
    const unfocusedStyle: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      await page.keyboard.press('Tab');
      const style = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const css = getComputedStyle(el);
        return {
          label: `${el.tagName} ${el.getAttribute('name') ?? el.textContent?.slice(0, 30) ?? ''}`,
          outline: css.outlineStyle,
          shadow: css.boxShadow,
          // A date input's calendar button is Chromium's own control, with Chromium's own focus ring.
          nativePart: !el.matches(':focus'),
        };
      });
      if (!style.nativePart && style.outline === 'none' && style.shadow === 'none') unfocusedStyle.push(style.label);
    }
    expect(unfocusedStyle).toEqual([]);

    await page.locator('table tbody th a').first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
    await close();
  });
});
