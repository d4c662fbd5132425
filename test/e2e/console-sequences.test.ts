import type { Frame, Page } from 'playwright-core';
import { SEQUENCE_ID } from './console-fake-api';
import { type ConsoleHarness, openSignedIn, signIn, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

const previewCalls = () => harness.fake.calls('POST', `/sequences/${SEQUENCE_ID}/preview`);

async function previewFrame(page: Page, title: string): Promise<Frame> {
  const handle = await page.locator(`iframe[title="${title}"]`).elementHandle();
  const frame = await handle!.contentFrame();
  return frame!;
}

async function waitForPreview(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('.preview[aria-busy]').length === 0 && n > 0, count);
  await page
    .getByRole('status')
    .filter({ hasText: /^Preview updated/ })
    .waitFor();
}

describe('sequences list', () => {
  it('shows versions, drafts and reviews, with a warning for an expired clinical review', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/sequences');
    const banner = page.getByRole('region', { name: 'Clinical review expired' });
    await banner.waitFor();
    // The published version's review ran out, and leads are still on two older versions never reviewed.
    const items = banner.getByRole('listitem');
    await expect(items.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Exosome aftercare \(PBME Topical\) – review by Dr\. Example Reviewer, MD ran out on /),
      'Exosome aftercare (PBME Topical) – 12 leads are still on version 1, which has no clinical review',
      'Exosome aftercare (PBME Topical) – 40 leads are still on version 2, which has no clinical review',
    ]);
    await expect(banner.getByRole('link', { name: 'Exosome aftercare (PBME Topical)' }).count()).resolves.toBe(3);
    const rows = page.locator('table tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).textContent()).resolves.toMatch(/Unpublished draft.*Expired/);
    await expect(rows.nth(1).textContent()).resolves.toMatch(/Valid until/);
    expect(problems).toEqual([]);
    await close();
  });
});

describe('sequence editor', () => {
  beforeEach(() => harness.fake.resetSequences());

  it('previews the selected step in sandboxed frames with its styles, text and subject', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await page.getByRole('heading', { level: 1, name: 'Sequence: Exosome aftercare (PBME Topical)' }).waitFor();
    await waitForPreview(page, 1);
    const steps = page.getByRole('region', { name: 'Steps table' });
    await expect(steps.locator('tbody tr').count()).resolves.toBe(3);
    await expect(steps.textContent()).resolves.toContain(
      'b: What exactly are exosomes? A plain-English answer (weight 1)',
    );

    for (const title of ['Email preview at desktop width', 'Email preview at phone width']) {
      const frame = page.locator(`iframe[title="${title}"]`);
      await expect(frame.getAttribute('sandbox')).resolves.toBe('allow-same-origin');
      await expect(frame.getAttribute('srcdoc')).resolves.toContain('Welcome, and what to expect');
      const inner = await previewFrame(page, title);
      // Styles arrive through the CSSOM: the heading is coloured and the responsive sheet applies.
      await expect(inner.locator('h1').evaluate((el) => getComputedStyle(el.closest('div')!).color)).resolves.toBe(
        'rgb(7, 58, 68)',
      );
      await expect(inner.evaluate(() => document.adoptedStyleSheets.length)).resolves.toBeGreaterThan(0);
      await expect(inner.locator('[style]').count()).resolves.toBeGreaterThan(5);
      await expect(inner.locator('script').count()).resolves.toBe(0);
    }
    const widths = await page
      .locator('iframe.email-frame')
      .evaluateAll((frames) => frames.map((f) => f.getBoundingClientRect().width));
    expect(widths).toEqual([640, 375]);
    await expect(page.locator('.email-text').textContent()).resolves.toContain('Hi Alex,');
    await expect(page.locator('.preview-subject').textContent()).resolves.toBe(
      'Subject: Welcome: what to expect from us this month',
    );

    // Another step and its B variant.
    await page.getByRole('button', { name: 'Edit step exosomes-explained' }).click();
    await waitForPreview(page, 2);
    await page.getByLabel('Subject variant').selectOption('b');
    await page.locator('.preview-subject').filter({ hasText: 'What exactly are exosomes?' }).waitFor();
    expect(previewCalls().at(-1)!.body).toMatchObject({ stepId: 'exosomes-explained', variantId: 'b' });
    expect(problems).toEqual([]);
    await close();
  });

  it('shows MJML errors and a long subject inline, and jumps to the line', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    const before = previewCalls().length;
    const mjml = page.getByLabel('MJML of template “welcome”');
    const source = await mjml.inputValue();
    const lines = source.split('\n');
    lines.splice(8, 0, '        <mj-bogus>oops</mj-bogus>');
    await mjml.fill(lines.join('\n'));
    await page.getByRole('status').filter({ hasText: 'Preview updated with 1 problem.' }).waitFor();
    // Debounced: one preview for the whole edit.
    expect(previewCalls().length).toBe(before + 1);
    const list = page.locator('.preview-problems');
    await expect(list.textContent()).resolves.toMatch(/templates\.welcome line 9.*mj-bogus/);
    const fieldError = page.locator('[data-field="mjml"] .field-error');
    await expect(fieldError.textContent()).resolves.toMatch(/^Error: Line 9: .*mj-bogus/);
    await expect(mjml.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(mjml.getAttribute('aria-describedby')).resolves.toContain(await fieldError.getAttribute('id'));

    await list.getByRole('button', { name: /Show/ }).click();
    const selection = await mjml.evaluate((el: HTMLTextAreaElement) => [
      document.activeElement === el,
      el.value.slice(el.selectionStart, el.selectionEnd),
    ]);
    expect(selection).toEqual([true, '        <mj-bogus>oops</mj-bogus>']);

    const subject = page.getByLabel('Subject', { exact: true });
    await subject.fill('A subject line that is much too long to fit into sixty characters at all');
    await page.getByText('72 of 60 characters – 12 too many').waitFor();
    await page.locator('[data-field="subject"] .field-error').filter({ hasText: 'at most 60 characters' }).waitFor();
    await expect(subject.getAttribute('aria-invalid')).resolves.toBe('true');
    // The shared field style (web/styles/base.css) must not override the console's own: the
    // invalid field's border is the error colour, the MJML editor is monospace.
    const errorColour = await page
      .locator('[data-field="subject"] .field-error')
      .evaluate((el) => getComputedStyle(el).color);
    await expect(subject.evaluate((el) => getComputedStyle(el).borderTopColor)).resolves.toBe(errorColour);
    await expect(mjml.evaluate((el) => getComputedStyle(el).fontFamily)).resolves.toMatch(/mono/i);
    expect(problems).toEqual([]);
    await close();
  });

  it('refuses to save a draft of the wrong shape and says which field', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    const puts = harness.fake.calls('PUT', `/sequences/${SEQUENCE_ID}/draft`).length;
    await page.getByLabel('Delay').fill('three days');
    await page.getByRole('button', { name: 'Save draft' }).click();
    const refused = page.getByRole('region', { name: 'The draft was not saved' });
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toMatch(/definition\.steps\[0\]\.delay.*ISO-8601/);
    expect(harness.fake.calls('PUT', `/sequences/${SEQUENCE_ID}/draft`)).toHaveLength(puts + 1);
    await page.locator('[data-field="delay"] .field-error').filter({ hasText: 'ISO-8601' }).waitFor();
    await expect(page.getByText('Unsaved changes.').count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await close();
  });

  it('saves the draft, shows what stops publishing, and shows the server’s refusal', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    const mjml = page.getByLabel('MJML of template “welcome”');
    await mjml.fill((await mjml.inputValue()).replace('Unsubscribe: {{unsubscribeUrl}}', 'No link here'));
    await page.getByText('Unsaved changes.').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved with 1 problem that stops publishing.' }).waitFor();
    await expect(page.getByText('Unsaved changes.').count()).resolves.toBe(0);
    const put = harness.fake.calls('PUT', `/sequences/${SEQUENCE_ID}/draft`).at(-1)!;
    expect((put.body as { templates: Record<string, string> }).templates.welcome).toContain('No link here');
    const panel = page.getByRole('region', { name: 'Problems that stop publishing' });
    await expect(panel.textContent()).resolves.toContain('templates.welcome the unsubscribe link is missing');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('dialog', { name: 'Publish the draft?' }).getByRole('button', { name: 'Publish' }).click();
    const refused = page.getByRole('region', { name: 'Publishing was refused' });
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('the unsubscribe link is missing');
    await expect(refused.textContent()).resolves.toContain('publishing needs a current clinical review');
    await expect(page.evaluate(() => document.activeElement?.classList.contains('problems-panel'))).resolves.toBe(true);
    await expect(
      page.getByRole('status').filter({ hasText: 'Publishing was refused: 2 problems.' }).count(),
    ).resolves.toBe(1);
    // Only an admin has the review form to go to.
    await expect(refused.getByRole('button', { name: 'Show review' }).count()).resolves.toBe(0);
    // "Show" on a problem goes to where it is.
    await refused.getByRole('button', { name: 'Show templates.welcome' }).click();
    await expect(mjml.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    expect(harness.fake.sequences.get(SEQUENCE_ID)!.versions).toHaveLength(3);
    expect(problems).toEqual([]);
    await close();
  });

  it('sends a test to the signed-in user after confirming', async () => {
    const { page, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    await page.getByRole('button', { name: 'Send test to me' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test email?' });
    await expect(dialog.textContent()).resolves.toContain('marketer@clinic.example');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(harness.fake.testSends).toHaveLength(0);
    await page.getByRole('button', { name: 'Send test to me' }).click();
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test email for step welcome sent to marketer@clinic.example.').waitFor();
    expect(harness.fake.testSends).toEqual([
      { sequenceId: SEQUENCE_ID, stepId: 'welcome', to: 'marketer@clinic.example' },
    ]);
    await close();
  });

  it('asks before leaving with unsaved changes', async () => {
    const { page, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    await page.getByLabel('Preheader').fill('Changed preheader');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leads' }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByLabel('Preheader').inputValue()).resolves.toBe('Changed preheader');
    expect(page.url()).toContain(`#/sequences/${SEQUENCE_ID}`);
    // Signing out asks too, once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    const signOut = page.getByRole('dialog', { name: 'Sign out without saving?' });
    await signOut.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.not.toBeNull();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signOut.getByRole('button', { name: 'Sign out without saving' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(page.evaluate(() => sessionStorage.getItem('console.session'))).resolves.toBeNull();
    await close();
  });

  it('leaves without saving when asked to, and the changes stay gone', async () => {
    const { page, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    const original = await page.getByLabel('Preheader').inputValue();
    await page.getByLabel('Preheader').fill('Changed preheader');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leads' }).click();
    await page
      .getByRole('dialog', { name: 'Leave without saving?' })
      .getByRole('button', { name: 'Leave without saving' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    await page.goto(`${harness.fake.url}/console/#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    await expect(page.getByLabel('Preheader').inputValue()).resolves.toBe(original);
    await expect(page.getByText('Unsaved changes.').count()).resolves.toBe(0);
    await close();
  });

  it('keeps unsaved changes through a session that ends, and brings them back after signing in again', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
    await waitForPreview(page, 1);
    await page.getByLabel('Preheader').fill('Kept through a new sign-in');
    harness.fake.revokeTokens();
    await page.getByRole('button', { name: 'Save draft' }).click();

    // Straight to the login page: no "leave without saving?", since nothing is lost.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(page.getByText(/your unsaved changes are kept in this tab/).count()).resolves.toBe(1);
    await signIn(page);
    await page.getByText('Your unsaved changes from before you were signed out are back.', { exact: false }).waitFor();
    await expect(page.getByLabel('Preheader').inputValue()).resolves.toBe('Kept through a new sign-in');
    await expect(page.getByText('Unsaved changes.').count()).resolves.toBe(1);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved/ })
      .waitFor();
    expect(harness.fake.sequences.get(SEQUENCE_ID)!.draft!.draft.definition.steps[0]!.preheader).toBe(
      'Kept through a new sign-in',
    );
    expect(problems).toEqual([]);
    await close();
  });

  it('does not bring kept edits back over a draft someone saved meanwhile, or to another user', async () => {
    for (const change of ['colleague saved', 'other user'] as const) {
      harness.fake.resetSequences();
      const { page, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`);
      await waitForPreview(page, 1);
      const original = await page.getByLabel('Preheader').inputValue();
      await page.getByLabel('Preheader').fill('Edits that must not come back');
      harness.fake.revokeTokens();
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      if (change === 'colleague saved') {
        harness.fake.sequences.get(SEQUENCE_ID)!.draft!.savedAt = new Date().toISOString();
      }
      await signIn(page, change === 'other user' ? 'admin' : 'marketer');
      await page
        .getByText(
          change === 'other user'
            ? 'Unsaved changes another user left in this tab were not restored.'
            : 'Your unsaved changes from before you were signed out were not restored: the draft was saved again meanwhile.',
        )
        .waitFor();
      await expect(page.getByLabel('Preheader').inputValue()).resolves.toBe(original);
      await expect(page.getByText('Unsaved changes.').count()).resolves.toBe(0);
      await close();
    }
  });

  it('records a clinical review, publishes a new version, and moves pinned leads after a dry run', async () => {
    const { page, problems, close } = await openSignedIn(harness, `#/sequences/${SEQUENCE_ID}`, { who: 'admin' });
    await waitForPreview(page, 1);
    await page.getByLabel('Subject', { exact: true }).fill('Welcome: what to expect from us');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved\.$/ })
      .waitFor();
    await expect(page.getByRole('region', { name: 'Problems that stop publishing' }).textContent()).resolves.toContain(
      'Nothing stops',
    );

    await page.getByLabel('Reviewer').fill('Dr. Example Reviewer, MD');
    const nextYear = `${new Date().getFullYear() + 1}-01-31`;
    await page.getByLabel('Valid until').fill(nextYear);
    await page.getByRole('button', { name: 'Record clinical review' }).click();
    await page.getByText(`Review by Dr. Example Reviewer, MD recorded, valid until ${nextYear}.`).waitFor();
    expect(harness.fake.calls('POST', `/sequences/${SEQUENCE_ID}/review`).at(-1)!.body).toEqual({
      reviewer: 'Dr. Example Reviewer, MD',
      validUntil: nextYear,
    });

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('dialog', { name: 'Publish the draft?' }).getByRole('button', { name: 'Publish' }).click();
    await page.getByText(/^Published version 4 /).waitFor();
    const versions = harness.fake.sequences.get(SEQUENCE_ID)!.versions;
    expect(versions.at(-1)!.draft.definition.steps[0]!.subject).toBe('Welcome: what to expect from us');

    const migrate = page.getByRole('region', { name: 'Move enrolled leads' });
    await migrate.getByLabel('Move leads on').selectOption('1');
    await migrate.getByLabel('To version').selectOption('4');
    await migrate.getByRole('button', { name: 'Preview the move' }).click();
    await migrate.getByText('12 leads would move from version 1 to 4.').waitFor();
    await expect(migrate.locator('.migration li').count()).resolves.toBe(2);
    expect(harness.fake.calls('POST', `/sequences/${SEQUENCE_ID}/migrate`).map((c) => c.body)).toEqual([
      { fromVersion: '1', toVersion: '4', dryRun: true },
    ]);
    await migrate.getByRole('button', { name: 'Move 12 leads' }).click();
    await page.getByRole('dialog', { name: 'Move 12 leads?' }).getByRole('button', { name: 'Move leads' }).click();
    await page.getByText('Moved 12 leads to version 4.').waitFor();
    expect(versions.find((v) => v.version === '4')!.active).toBe(12);
    expect(problems).toEqual([]);
    await close();
  });
});
