import type { SimulatedSend } from '../../functions/admin/contract';
import { IMPORT_CHUNK_ROWS } from '../../web/console/src/pages/import';
import { SEQUENCE_ID } from './console-fake-api';
import { type ConsoleHarness, openSignedIn, startConsoleHarness } from './console-harness';

let harness: ConsoleHarness;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

describe('journey simulator', () => {
  it('lists every send of a sample lead with its exact local time, across a daylight-saving change', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/simulator');
    await page.getByRole('status').filter({ hasText: 'Ready.' }).waitFor();
    await expect(page.getByLabel('Version').inputValue()).resolves.toBe('3');
    await page.getByLabel('Version').selectOption('draft');
    await page.getByLabel('Lead’s time zone').selectOption('America/New_York');
    // Friday 6 March 2026, 20:00 in New York (EST): clocks go forward on Sunday 8 March.
    await page.getByLabel('Signs up at').fill('2026-03-06T20:00');
    await page.getByRole('button', { name: 'Simulate' }).click();
    await page.getByRole('status').filter({ hasText: '3 emails would be sent.' }).waitFor();

    const call = harness.fake.calls('POST', '/simulate').at(-1)!;
    expect(call.body).toEqual({
      sequenceId: SEQUENCE_ID,
      version: 'draft',
      timeZone: 'America/New_York',
      start: '2026-03-07T01:00:00.000Z',
      // No topic ticked (the general path); the default behaviour, opening every email.
      topics: [],
      behaviour: 'opens',
    });
    const rows = await page
      .locator('table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((cell) => cell.textContent)));
    const sends = (await (
      await fetch(`${harness.fake.url}/admin/api/simulate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: call.authorization! },
        body: JSON.stringify(call.body),
      })
    ).json()) as SimulatedSend[];
    // Each A/B subject on its own line, lettered.
    const subjects = (s: SimulatedSend) =>
      s.variants.length > 1 ? s.variants.map((v) => `${v.id.toUpperCase()}: ${v.subject}`).join('') : s.subject;
    expect(rows.map((row) => row.slice(1, 5))).toEqual(
      sends.map((s) => [s.stepId, subjects(s), s.localTime, s.timeZone]),
    );
    // Saturday 09:00 EST, then Tuesday and Saturday 09:00 EDT: the send window, not the clock, decides.
    expect(sends.map((s) => s.sendAt)).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
      '2026-03-14T13:00:00.000Z',
    ]);
    await expect(page.locator('table tbody time').first().getAttribute('datetime')).resolves.toBe(
      '2026-03-07T14:00:00.000Z',
    );
    expect(problems).toEqual([]);
    await close();
  });

  it('simulates a real lead, opened from its timeline', async () => {
    const lead = harness.fake.leads[20]!;
    const { page, close } = await openSignedIn(harness, `#/leads/${lead.leadId}`);
    const before = harness.fake.calls('POST', '/simulate').length;
    await page.getByRole('link', { name: 'Simulate this lead’s future emails' }).click();
    // The link asked for this lead's journey: it runs without a click on Simulate.
    await page
      .getByRole('status')
      .filter({ hasText: /emails? would be sent/ })
      .waitFor();
    await expect(page.getByLabel('Lead id').inputValue()).resolves.toBe(lead.leadId);
    await expect(page.getByLabel('An existing lead').isChecked()).resolves.toBe(true);
    expect(harness.fake.calls('POST', '/simulate')).toHaveLength(before + 1);
    expect(harness.fake.calls('POST', '/simulate').at(-1)!.body).toEqual({
      sequenceId: SEQUENCE_ID,
      version: '3',
      leadId: lead.leadId,
    });
    await close();
  });
});

describe('results', () => {
  it('draws a funnel per step and variant, and warns when the bounce rate is over its alarm', async () => {
    const { page, problems, close } = await openSignedIn(harness, '#/results');
    await page.getByRole('status').filter({ hasText: 'Results loaded for 4 step variants.' }).waitFor();
    const query = harness.fake.calls('GET', '/results').at(-1)!.query;
    expect(query.sequenceId).toBe(SEQUENCE_ID);
    expect(query.from! <= query.to!).toBe(true);

    const funnels = page.locator('figure.funnel');
    await expect(funnels.count()).resolves.toBe(4);
    await expect(page.locator('figure.funnel[data-step="exosomes-explained"]').count()).resolves.toBe(2);
    const welcome = page.locator('figure.funnel[data-step="welcome"][data-variant="a"]');
    const widths = await welcome
      .locator('rect.bar-fill')
      .evaluateAll((rects) =>
        Object.fromEntries(
          rects.map((rect) => [rect.getAttribute('data-measure'), Number(rect.getAttribute('width'))]),
        ),
      );
    expect(widths).toEqual({
      sent: 100,
      delivered: 96,
      opened: 52,
      clicked: 11,
      booked: 4,
      cancelled: 0.5,
      unsubscribed: 1,
      bounced: 3.1,
      complained: 0,
    });
    await expect(welcome.locator('tbody tr').filter({ hasText: 'Opened' }).textContent()).resolves.toContain('52.0%');
    // Each step says whose figures they are: its path or its branch.
    await expect(page.getByRole('region', { name: 'Step welcome', exact: true }).textContent()).resolves.toContain(
      'Who gets it: Everyone.',
    );
    await expect(page.getByRole('region', { name: 'Step why-pbme', exact: true }).textContent()).resolves.toContain(
      'Who gets it: Leads who chose Hair restoration; or leads who chose none of this sequence’s topics (the general path).',
    );
    // A step shared by several paths shows each path's figures under its funnel, the old rows apart.
    const whyPbme = page.getByRole('region', { name: 'Step why-pbme, variant A: by path', exact: true });
    const pathRows = await whyPbme
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-path'),
          row.querySelector('th')?.textContent,
          row.querySelector('[data-measure="sent"]')?.textContent,
          row.querySelector('[data-measure="opened"]')?.textContent,
        ]),
      );
    expect(pathRows).toEqual([
      ['hair-restoration', 'Hair restoration', '400', '208 (52.0%)'],
      ['general', 'General path', '250', '130 (52.0%)'],
      ['before-paths', 'Before paths were recorded', '50', '26 (52.0%)'],
    ]);
    // The funnel above is the sum of the paths.
    await expect(
      page
        .locator('figure.funnel[data-step="why-pbme"] .funnel-main tr')
        .filter({ hasText: 'Sent' })
        .first()
        .textContent(),
    ).resolves.toContain('700');
    await expect(
      page.getByRole('region', { name: 'Step welcome, variant A: by path', exact: true }).textContent(),
    ).resolves.toContain('General path');
    // Bars carry no inline style: CSP would refuse it.
    await expect(page.locator('[style]').count()).resolves.toBe(0);

    const bounce = page.locator('[data-rate="bounce-rate"]');
    await expect(bounce.textContent()).resolves.toContain('Warning: over the alarm threshold.');
    await expect(bounce.textContent()).resolves.toContain('3.10%');
    await expect(page.locator('[data-rate="complaint-rate"] .rate-warning').count()).resolves.toBe(0);
    await expect(page.locator('.warning').textContent()).resolves.toContain(
      'bounce rate 3.10% is over the alarm threshold',
    );
    await expect(page.getByRole('status').filter({ hasText: 'Warning: bounce rate 3.10%' }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await close();
  });
});

describe('import', () => {
  const header = 'email,first_name,last_name,consent_source,consent_date';

  it('reports every refused row and the duplicates in a dry run, then imports after confirming', async () => {
    const existing = harness.fake.leads.find((lead) => lead.leadId === 'lead-00005')!.email;
    const csv = [
      header,
      'new.one@example.com,Nia,Stone,clinic paper form,2025-06-01',
      'not-an-email,Bad,Row,paper form,2025-06-01',
      `${existing},Already,Here,paper form,2025-06-01`,
      'new.two@example.com,"Lee, Jr",Park,event,2025-07-15',
      'new.three@example.com,Ana,Ruiz,,2025-07-15',
      'new.four@example.com,Tom,Fox,event,2099-01-01',
      'new.one@example.com,Nia,Again,paper form,2025-06-01',
    ].join('\n');
    const { page, problems, close } = await openSignedIn(harness, '#/import', { who: 'admin' });
    await page
      .getByLabel('CSV file of contacts who have consented')
      .setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check file' }).click();
    const report = page.getByRole('region', { name: 'Check of contacts.csv: nothing imported yet' });
    await report.waitFor();
    await expect(report.locator('[data-count="accepted"]').textContent()).resolves.toBe('2');
    await expect(report.locator('[data-count="duplicates"]').textContent()).resolves.toBe('2');
    const refused = await report.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
    expect(refused).toEqual([
      '3email is not a valid address',
      '6consent_source is empty',
      '7consent_date is in the future',
    ]);
    expect(harness.fake.calls('POST', '/imports').map((c) => (c.body as { dryRun: boolean }).dryRun)).toEqual([true]);
    const before = harness.fake.leads.length;

    await page.getByRole('button', { name: 'Import 2 contacts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import 2 contacts?' });
    await expect(dialog.textContent()).resolves.toContain('3 refused rows will be skipped');
    await dialog.getByRole('button', { name: 'Import' }).click();
    const done = page.getByRole('region', { name: 'Imported from contacts.csv' });
    await done.waitFor();
    await expect(done.locator('[data-count="accepted"]').textContent()).resolves.toBe('2');
    await expect(done.locator('[data-count="last-first-email"] time').getAttribute('datetime')).resolves.toMatch(
      /^\d{4}-\d{2}-\d{2}T/,
    );
    await expect(page.locator('progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).resolves.toEqual([
      7, 7,
    ]);
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: /^Import finished: 2 contacts imported\. The last first email goes out/ })
        .count(),
    ).resolves.toBe(1);
    expect(harness.fake.leads.length).toBe(before + 2);
    expect(problems).toEqual([]);
    await close();
  });

  it('sends a large file in parts with real progress, and numbers refused rows as in the file', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) =>
      i === 1500 ? 'broken,No,Email,event,2025-01-01' : `bulk${i}@example.com,Bulk,Contact,event,2025-01-01`,
    );
    const csv = `${header}\r\n${rows.join('\r\n')}\r\n`;
    const { page, close } = await openSignedIn(harness, '#/import', { who: 'admin' });
    const calls = harness.fake.calls('POST', '/imports').length;
    await page
      .getByLabel('CSV file of contacts who have consented')
      .setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByRole('button', { name: 'Import 2,499 contacts' }).click();
    await page.getByRole('dialog', { name: 'Import 2,499 contacts?' }).getByRole('button', { name: 'Import' }).click();
    const done = page.getByRole('region', { name: 'Imported from bulk.csv' });
    await done.waitFor();
    const bodies = harness.fake
      .calls('POST', '/imports')
      .slice(calls)
      .map((c) => c.body as { csv: string; dryRun: boolean });
    expect(bodies.map((b) => b.dryRun)).toEqual([true, false, false, false]);
    expect(bodies.slice(1).map((b) => b.csv.trim().split('\r\n').length - 1)).toEqual([
      IMPORT_CHUNK_ROWS,
      IMPORT_CHUNK_ROWS,
      500,
    ]);
    for (const body of bodies.slice(1)) expect(body.csv.startsWith(`${header}\r\n`)).toBe(true);
    await expect(done.locator('[data-count="accepted"]').textContent()).resolves.toBe('2,499');
    await expect(done.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent))).resolves.toEqual(
      ['1502email is not a valid address'],
    );
    await expect(page.locator('#import-progress-text').textContent()).resolves.toBe('2,500 of 2,500 rows');
    await close();
  });

  it('checks the header before sending anything', async () => {
    const { page, close } = await openSignedIn(harness, '#/import', { who: 'admin' });
    const calls = harness.fake.calls('POST', '/imports').length;
    await page
      .getByLabel('CSV file of contacts who have consented')
      .setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('email,name\na@example.com,A\n') });
    await page.getByRole('button', { name: 'Check file' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'lacks the required columns: first_name, consent_source, consent_date',
    );
    expect(harness.fake.calls('POST', '/imports')).toHaveLength(calls);
    await close();
  });
});
