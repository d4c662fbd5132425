import { USERS } from './console-fake-api';
import { type ConsoleHarness, openSignedIn, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

const withTask = () => harness.fake.leads.filter((lead) => (lead.openTasks?.length ?? 0) > 0);

describe('staff follow-up in the console', () => {
  it('"My open tasks" lists only the signed-in user’s leads with an open task', async () => {
    const mine = withTask().filter((lead) => lead.owner === USERS.marketer.username);
    expect(mine.length).toBeGreaterThan(0);
    const { page, problems, close } = await openSignedIn(harness, '#/leads');
    await page.locator('table tbody tr').first().waitFor();

    await page.getByRole('button', { name: 'My open tasks' }).click();
    await page.waitForFunction(() => window.location.hash.includes('openTask=yes'));
    await page.locator('table tbody tr').first().waitFor();

    expect(harness.fake.calls('POST', '/leads/search').at(-1)!.body).toMatchObject({ owner: 'me', openTask: true });
    const names = mine.slice(0, 50).map((lead) => `${lead.firstName} ${lead.lastName}`);
    await page.waitForFunction((count) => document.querySelectorAll('table tbody tr').length === count, names.length);
    await expect(page.locator('table tbody tr th a').allTextContents()).resolves.toEqual(names);
    const followUp = await page.locator('table tbody tr td:last-child').allTextContents();
    expect(new Set(followUp)).toEqual(new Set([`New, owner ${USERS.marketer.username}, 1 open task`]));
    expect(problems).toEqual([]);
    await close();
  });

  it('marks a task done only after it is confirmed, and saves the pipeline stage, owner and a note', async () => {
    const lead = withTask().find((candidate) => candidate.owner === undefined)!;
    const { page, problems, close } = await openSignedIn(harness, `#/leads/${lead.leadId}`);
    const panel = page.getByRole('region', { name: 'Follow-up' });
    await panel.getByText('Call them').waitFor();
    const doneCalls = () => harness.fake.calls('POST', `/leads/${lead.leadId}/tasks/contact/done`);

    await panel.getByRole('button', { name: 'Mark done' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark this task done?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelled. Nothing was changed.').waitFor();
    expect(doneCalls()).toHaveLength(0);

    await panel.getByRole('button', { name: 'Mark done' }).click();
    await dialog.getByRole('button', { name: 'Mark done' }).click();
    await page.getByRole('status').filter({ hasText: 'Task done.' }).waitFor();
    expect(doneCalls()).toHaveLength(1);
    await page.getByRole('region', { name: 'Follow-up' }).getByText('No open task.').waitFor();

    await page.getByLabel('Pipeline stage').selectOption('contacted');
    await page.getByLabel('Owner').fill('admin');
    await page.getByLabel('Add a note').fill('Left a voicemail');
    await page.getByRole('button', { name: 'Save follow-up' }).click();
    await page.getByRole('status').filter({ hasText: 'Follow-up saved.' }).waitFor();

    expect(harness.fake.calls('POST', `/leads/${lead.leadId}/pipeline`).map((call) => call.body)).toEqual([
      { status: 'contacted', owner: 'admin', note: 'Left a voicemail' },
    ]);
    await expect(page.getByLabel('Pipeline stage').inputValue()).resolves.toBe('contacted');
    await expect(page.getByLabel('Owner').inputValue()).resolves.toBe('admin');
    expect(problems).toEqual([]);
    await close();
  });
});
