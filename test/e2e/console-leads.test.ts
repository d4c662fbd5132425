import { CSV_HEADER } from '../../web/console/src/pages/leads';
import { parseCsv } from '../support/console-real';
import { HOSTILE_LEAD, LEAD_COUNT, QUOTED_LEAD } from './console-fake-api';
import { type ConsoleHarness, openSignedIn, readDownload, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

describe('leads list', () => {
  it('filters by status and pages through the results with the cursor', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/leads');
    await page.getByRole('status').filter({ hasText: 'Showing 50 leads on page 1' }).waitFor();
    await page.getByLabel('Status').selectOption('booked');
    await page.getByLabel('Name or email').fill('example.com');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 50 leads on page 1; more on the next page' }).waitFor();

    const first = harness.fake.calls('POST', '/leads/search').at(-1)!;
    expect(first.body).toEqual({ q: 'example.com', status: 'booked', limit: 50 });
    expect(page.url()).toContain('#/leads?q=example.com&status=booked');
    const statuses = await page.locator('table tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(statuses)).toEqual(new Set(['Booked']));

    const links = () => page.locator('table tbody th a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const firstPageLinks = await links();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('status').filter({ hasText: 'on page 2' }).waitFor();
    const second = harness.fake.calls('POST', '/leads/search').at(-1)!;
    expect((second.body as { cursor?: string }).cursor).toBeTruthy();
    expect((second.body as { status?: string }).status).toBe('booked');
    const secondPageLinks = await links();
    expect(secondPageLinks).toHaveLength(50);
    expect(secondPageLinks.filter((href) => firstPageLinks.includes(href))).toEqual([]);

    // To the last page: 1,234 generated leads, one in six booked, 50 a page.
    const booked = harness.fake.leads.filter((lead) => lead.status === 'booked').length;
    const pages = Math.ceil(booked / 50);
    for (let n = 3; n <= pages; n += 1) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `on page ${n}` })
        .waitFor();
    }
    await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    await expect(page.locator('table tbody tr').count()).resolves.toBe(booked - (pages - 1) * 50);

    await page.getByRole('button', { name: 'Previous page' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `on page ${pages - 1}` })
      .waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  it('finds a lead by name or email and says when nothing matches', async () => {
    const { page, close } = await openSignedIn(harness, '#/leads?q=zoe%40example');
    await page.getByRole('link', { name: `${QUOTED_LEAD.firstName} ${QUOTED_LEAD.lastName}` }).waitFor();
    await expect(page.locator('table tbody tr').count()).resolves.toBe(1);
    await page.getByLabel('Name or email').fill('no-such-person');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No leads match these filters.').first().waitFor();
    await page.getByLabel('Created from').fill('2026-05-02');
    await page.getByLabel('Created to').fill('2026-05-01');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('must be on or before');
    await close();
  });

  it('exports every matching lead as CSV with progress, guarding cells against formula injection', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/leads');
    await page.getByRole('status').filter({ hasText: 'Showing 50 leads' }).waitFor();
    // Slow the export's pages down so the progress can be seen between them.
    await page.route('**/admin/api/leads/search', async (route) => {
      if (route.request().postDataJSON()?.limit === 500) await new Promise((resolve) => setTimeout(resolve, 250));
      await route.continue();
    });
    const { name, text } = await readDownload(page, async () => {
      await page.getByRole('button', { name: 'Export CSV' }).click();
      await page.locator('progress').waitFor({ state: 'visible' });
      await page.getByText(/^500 rows so far/).waitFor();
    });
    expect(name).toMatch(/^leads-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/);
    await page.getByText(`${(LEAD_COUNT + 2).toLocaleString('en-US')} rows exported`).waitFor();
    await expect(page.getByRole('link', { name: /^Download leads-.*\.csv/ }).count()).resolves.toBe(1);

    const exportCalls = harness.fake
      .calls('POST', '/leads/search')
      .filter((call) => (call.body as { limit?: number }).limit === 500);
    expect(exportCalls).toHaveLength(3);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(LEAD_COUNT + 3);

    const byId = new Map(rows.map((row) => [row[0], row]));
    const hostile = byId.get(HOSTILE_LEAD.leadId)!;
    expect(hostile.slice(1, 5)).toEqual([
      `'${HOSTILE_LEAD.firstName}`,
      `'${HOSTILE_LEAD.lastName}`,
      HOSTILE_LEAD.email,
      `'${HOSTILE_LEAD.phone}`,
    ]);
    expect(hostile[7]).toBe(`'${HOSTILE_LEAD.source}`);
    // In the file itself: quoted because of the quotes and commas, the apostrophe inside.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const quoted = byId.get(QUOTED_LEAD.leadId)!;
    expect(quoted.slice(1, 4)).toEqual([QUOTED_LEAD.firstName, QUOTED_LEAD.lastName, QUOTED_LEAD.email]);
    expect(quoted[6]).toBe('fraxel-aftercare;skin-regeneration');
    for (const row of rows.slice(1)) expect(row[1]).not.toMatch(/^[=+\-@]/);
    expect(problems).toEqual([]);
    await close();
  });
});

describe('lead timeline', () => {
  it('shows details, enrolments and events, and asks before marking booked', async () => {
    const lead = harness.fake.leads.find((l) => l.email === 'person7@example.com')!;
    const { page, problems, close } = await openSignedIn(harness, '#/leads?q=person7%40');
    await page.getByRole('link', { name: `${lead.firstName} ${lead.lastName}` }).click();
    await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
    expect(page.url()).toContain(`#/leads/${lead.leadId}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      `${lead.firstName} ${lead.lastName}`,
    );
    await expect(page.locator('.details').textContent()).resolves.toContain('person7@example.com');
    await expect(page.locator('ol.events li').count()).resolves.toBeGreaterThanOrEqual(6);
    await expect(page.getByRole('button', { name: 'Erase lead' }).count()).resolves.toBe(0);

    const bookedCalls = () => harness.fake.calls('POST', `/leads/${lead.leadId}/booked`).length;
    await page.getByRole('button', { name: 'Mark booked' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark as booked?' });
    await dialog.waitFor();
    // Keyboard: Escape closes without doing anything, and focus goes back to the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Mark booked');
    expect(bookedCalls()).toBe(0);

    await page.getByRole('button', { name: 'Mark booked' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelled. Nothing was changed.').waitFor();
    expect(bookedCalls()).toBe(0);

    await page.getByRole('button', { name: 'Mark booked' }).click();
    await dialog.getByRole('button', { name: 'Mark booked' }).click();
    await page.getByText('Marked as booked.').waitFor();
    expect(bookedCalls()).toBe(1);
    await expect(page.locator('ol.events').textContent()).resolves.toContain('Marked booked by staff');
    await expect(page.getByRole('button', { name: 'Mark booked' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('stops a sequence and exports the lead’s data after confirming', async () => {
    const lead = harness.fake.leads.find((l) => l.status === 'active' && l.leadId.startsWith('lead-0'))!;
    const { page, close } = await openSignedIn(harness, `#/leads/${lead.leadId}`);
    await page.getByRole('button', { name: 'Stop sequence exosome-aftercare' }).click();
    await page
      .getByRole('dialog', { name: 'Stop this sequence?' })
      .getByRole('button', { name: 'Stop sequence' })
      .click();
    await page.getByText('Sequence exosome-aftercare stopped.').waitFor();
    expect(harness.fake.calls('POST', `/leads/${lead.leadId}/stop`).map((call) => call.body)).toEqual([
      { sequenceId: 'exosome-aftercare' },
    ]);
    await expect(page.getByRole('button', { name: 'Stop sequence exosome-aftercare' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Export data' }).click();
    const { name, text } = await readDownload(page, () =>
      page
        .getByRole('dialog', { name: 'Export this person’s data?' })
        .getByRole('button', { name: 'Export data' })
        .click(),
    );
    expect(name).toBe(`lead-${lead.leadId}.json`);
    expect(JSON.parse(text)).toMatchObject({ leadId: lead.leadId, items: expect.any(Array) });
    await close();
  });

  it('lets an admin erase a lead after a warning, then returns to the list', async () => {
    const lead = harness.fake.leads[10]!;
    const { page, problems, close } = await openSignedIn(harness, `#/leads/${lead.leadId}`, { who: 'admin' });
    await page.getByRole('button', { name: 'Erase lead' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this lead for good?' });
    // A destructive dialog starts on Cancel, so Enter does not erase.
    await expect(
      dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Erase lead' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    await page.getByText('The lead was erased.').waitFor();
    expect(harness.fake.calls('DELETE', `/leads/${lead.leadId}`)).toHaveLength(1);
    expect(harness.fake.leads.some((l) => l.leadId === lead.leadId)).toBe(false);
    expect(problems).toEqual([]);
    await close();
  });
});
