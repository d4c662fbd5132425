import type { SequenceDraft } from '../../functions/sequence/draft';
import { SEQUENCE_ID } from './console-fake-api';
import { type ConsoleHarness, openSignedIn, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => harness.fake.resetSequences());

describe('sequence editor: who gets each step', () => {
  it('shows each step’s condition in the list and edits it as topics and a branch, saved in the draft', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    const steps = page.getByRole('region', { name: 'Steps table' });
    await steps.waitFor();
    await expect(steps.locator('thead').textContent()).resolves.toContain('Who gets it');
    await expect(steps.locator('tbody tr').nth(2).textContent()).resolves.toContain('Everyone.');

    await page.getByRole('button', { name: 'Edit step why-pbme' }).click();
    const who = page.getByRole('group', { name: 'Who gets this step' });
    await who.getByLabel('Chose Hair restoration').check();
    await who.getByLabel('Chose Aftercare after Fraxel (non-ablative laser)').check();
    await who.getByText('Leads who chose Aftercare after Fraxel (non-ablative laser) or Hair restoration.').waitFor();
    await expect(steps.locator('tbody tr').nth(2).textContent()).resolves.toContain(
      'Leads who chose Aftercare after Fraxel (non-ablative laser) or Hair restoration.',
    );
    await who.getByLabel('Engagement branch').selectOption('booking-click');
    await expect(steps.locator('tbody tr').nth(2).textContent()).resolves.toContain(
      'Only when: Clicked “Book a consultation” and did not book in time.',
    );

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved/ })
      .waitFor();
    const put = harness.fake.calls('PUT', `/sequences/${SEQUENCE_ID}/draft`).at(-1)!;
    const saved = (put.body as SequenceDraft).definition.steps[2]!;
    expect(saved.when).toEqual({ topics: ['fraxel-aftercare', 'hair-restoration'], engagement: 'booking-click' });
    expect(problems).toEqual([]);
    await close();
  });
});
