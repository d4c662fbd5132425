import type { Browser, Page } from 'playwright-core';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { pathFor } from '../../functions/sequence/paths';
import { guardCell } from '../../web/console/src/csv';
import { launchChromium } from '../support/browser';
import { validLead } from '../support/capture-harness';
import {
  bodyRows,
  consoleLogin,
  mailWithSubject,
  openRealConsole,
  parseCsv,
  type RealConsolePage,
  signInToConsole,
  statusText,
  timelineEvents,
} from '../support/console-real';
import { testLeadId } from '../support/identity';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { registerPersonalData } from '../support/personal-data';
import { outbox, uniqueEmail } from '../support/services';
import { axeViolations, readDownload } from './console-harness';

/**
 * The marketing console in Chromium against the real local stack: the gateway with the real
 * capture, drip and admin handlers, the local login and JWT check, DynamoDB Local and the
 * local SES. One story, step by step: leads come in and get their welcome; an admin filters
 * them, reads a timeline, rewords a later step, records the clinical review and publishes; a
 * lead who signs up afterwards gets the new wording while the earlier leads stay pinned to the
 * version they started on; the simulator lists the new version's sends; the list exports as CSV.
 */

jest.setTimeout(60_000);

const SEQUENCE_ID = 'exosome-aftercare';
const SEQUENCE_NAME = 'Exosome aftercare (PBME Topical)';
const WELCOME_SUBJECT = 'Welcome: what to expect from us this month';
const STEP = 'exosomes-explained';
const NEW_SUBJECT_A = 'Exosomes, simply: the letters your cells send';
const NEW_SUBJECT_B = 'A plain-English guide to exosomes, in one email';
const REVIEWER = 'Dr. Rowan Example, MD';
/** The export's columns, written out here rather than imported, so a change to them shows. */
const CSV_HEADER = [
  'lead_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'status',
  'interests',
  'source',
  'created_at',
  'submissions',
  'progress',
] as const;
const admin = consoleLogin('admin@clinic.test', ['marketing', 'admin']);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let browser: Browser;
let ui: RealConsolePage;
let page: Page;
/** Problems the browser reported, each labelled with the step it happened in. */
const problemsByStep: string[] = [];

interface TestLead {
  firstName: string;
  lastName: string;
  email: string;
  interests: string[];
  source: string;
}

const person = (firstName: string, lastName: string, interests: string[], source: string): TestLead => {
  registerPersonalData(firstName, lastName);
  return { firstName, lastName, email: uniqueEmail(firstName.toLowerCase()), interests, source };
};

// Before the publish: three leads, two of them named Quinn, from two sources.
const avery = person('Avery', 'Quinn', ['fraxel-aftercare'], 'newsletter');
const blake = person('Blake', 'Rivers', ['hair-restoration'], 'instagram');
const casey = person('Casey', 'Quinn', ['hair-restoration', 'skin-regeneration'], 'instagram');
// After the publish.
const drew = person('Drew', 'Newman', ['fraxel-aftercare'], 'newsletter');
const OLD_LEADS = [avery, blake, casey];
/** Progress counts along each lead's path of the bundled sequence. */
const bundledSteps = () => bundledEmails().sequences[SEQUENCE_ID]!.steps;

/** What the story learns as it goes. */
const seen = {
  oldVersion: '',
  newVersion: '',
  oldSubjects: [] as string[],
};

async function submit(lead: TestLead): Promise<void> {
  const response = await postLead(
    stack.base,
    validLead(lead.email, {
      firstName: lead.firstName,
      lastName: lead.lastName,
      interests: lead.interests,
      utm_source: lead.source,
      utm_medium: 'social',
    }),
  );
  expect(response.status).toBe(202);
}

async function expectNoAxeViolations(): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** Opens a lead's timeline from the list, by searching for their email. */
async function openTimeline(lead: TestLead): Promise<void> {
  await ui.go(`#/leads?q=${encodeURIComponent(lead.email)}`);
  await statusText(page, 'Showing 1 lead on page 1.').waitFor();
  await page.getByRole('link', { name: `${lead.firstName} ${lead.lastName}` }).click();
  await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
  await page.getByRole('heading', { level: 1, name: `${lead.firstName} ${lead.lastName}` }).waitFor();
}

/** The Sequences table of the open timeline: [sequence, version, status, next step, next send, action]. */
function enrolmentRows(): Promise<string[][]> {
  return bodyRows(page.getByRole('region', { name: 'Sequences table' }));
}

/** Waits until the sequence editor's live preview has finished updating. */
async function previewSettled(): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.preview[aria-busy]').length === 0);
  await statusText(page, /^Preview updated/).waitFor();
}

beforeAll(async () => {
  stack = await localStackForTest({ LOCAL_CONSOLE_USERS: admin.setting, CONSENT_MODE: 'single' });
  browser = await launchChromium();
  ui = await openRealConsole(browser, stack.base, '#/leads');
  page = ui.page;
});

afterEach(() => {
  const step = expect.getState().currentTestName ?? '?';
  for (const problem of ui?.problems.splice(0) ?? []) problemsByStep.push(`${step}: ${problem}`);
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the marketing console on the real local stack', () => {
  it('takes three leads through POST /leads and sends each its welcome on the next tick', async () => {
    for (const lead of OLD_LEADS) await submit(lead);
    await control(stack.base, '/__local/drip/tick');
    for (const lead of OLD_LEADS) {
      expect((await mailWithSubject(lead.email, [WELCOME_SUBJECT])).length).toBe(1);
    }
  });

  it('signs an admin in and filters the leads by search and interest', async () => {
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectNoAxeViolations();
    await signInToConsole(page, admin);
    await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
    await statusText(page, 'Showing 3 leads on page 1.').waitFor();

    await page.getByLabel('Name or email').fill('quinn');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await statusText(page, 'Showing 2 leads on page 1.').waitFor();
    const leadsTable = page.getByRole('region', { name: 'Leads table' });
    const names = (await bodyRows(leadsTable)).map((row) => row[0]);
    // Newest first.
    expect(names).toEqual(['Casey Quinn', 'Avery Quinn']);

    await page.getByLabel('Interest').selectOption('hair-restoration');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await statusText(page, 'Showing 1 lead on page 1.').waitFor();
    expect(page.url()).toContain('#/leads?q=quinn&interest=hair-restoration');
    const [row, ...others] = await bodyRows(leadsTable);
    expect(others).toEqual([]);
    expect(row!.slice(0, 5)).toEqual([
      'Casey Quinn',
      casey.email,
      'Active',
      'Hair restoration, General skin regeneration',
      'instagram',
    ]);
    // The welcome has gone out: step 1 of Casey's path (hair restoration and general skin regeneration).
    expect(row![6]).toBe(`1 of ${pathFor(bundledSteps(), casey.interests).length}`);
    await expectNoAxeViolations();
  });

  it('opens a timeline with the submission, the consent and the welcome that was sent', async () => {
    await page.getByRole('link', { name: 'Casey Quinn' }).click();
    await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
    expect(page.url()).toContain(`#/leads/${testLeadId(casey.email)}`);
    await expect(page.locator('.details').textContent()).resolves.toContain(casey.email);

    const [enrolment, ...more] = await enrolmentRows();
    expect(more).toEqual([]);
    expect(enrolment!.slice(0, 4)).toEqual([SEQUENCE_ID, expect.stringMatching(/^[0-9a-f]{12}$/), 'active', '2']);
    seen.oldVersion = enrolment![1]!;

    const events = await timelineEvents(page);
    const titles = events.map((event) => event.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Consultation form sent',
        'Consent given',
        'Confirmation email sent',
        `Enrolled in ${SEQUENCE_NAME}`,
        `Sent: ${WELCOME_SUBJECT}`,
      ]),
    );
    const byTitle = (title: string) => events.find((event) => event.title === title)!;
    expect(byTitle('Consultation form sent').detail).toMatch(/^Source: instagram \/ social \//);
    expect(byTitle('Consent given').detail).toContain('single opt-in');
    expect(byTitle(`Enrolled in ${SEQUENCE_NAME}`).detail).toBe(`Version ${seen.oldVersion}`);
    expect(byTitle(`Sent: ${WELCOME_SUBJECT}`).detail).toBe(`Variant a, version ${seen.oldVersion}`);
    expect(byTitle(`Sent: ${WELCOME_SUBJECT}`).where).toBe(`${SEQUENCE_ID} · welcome`);
    // Newest first: the next step is scheduled after everything that happened.
    expect(events[0]!.title).toMatch(/^Scheduled: /);
    expect(events[0]!.where).toBe(`${SEQUENCE_ID} · ${STEP}`);
    await expectNoAxeViolations();
  });

  it('rewords a later step, records the clinical review and publishes a new version', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Sequences' }).click();
    // The shipped sequences: the aftercare story and the short rebook path after a cancellation.
    await statusText(page, '2 sequences loaded.').waitFor();
    const listed = (await bodyRows(page.getByRole('region', { name: 'Sequences table' }))).find(
      (cells) => cells[0] === SEQUENCE_NAME,
    );
    expect(listed![1]).toBe(seen.oldVersion);
    expect(listed![4]).toBe(`v${seen.oldVersion}: 3 active`);
    await expectNoAxeViolations();

    await page.getByRole('region', { name: 'Sequences table' }).getByRole('link', { name: SEQUENCE_NAME }).click();
    await page.getByRole('heading', { level: 1, name: `Sequence: ${SEQUENCE_NAME}` }).waitFor();
    await statusText(page, 'Sequence loaded.').waitFor();
    await page.getByRole('button', { name: `Edit step ${STEP}` }).click();
    await page.getByRole('heading', { level: 2, name: `Step 2: ${STEP}` }).waitFor();
    await previewSettled();

    const subjectA = page.locator('[data-field="subject"] input');
    const subjectB = page.getByRole('group', { name: 'Variant b' }).getByLabel('Subject');
    seen.oldSubjects = [await subjectA.inputValue(), await subjectB.inputValue()];
    expect(seen.oldSubjects).not.toContain('');
    expect(seen.oldSubjects).not.toContain(NEW_SUBJECT_A);
    await subjectA.fill(NEW_SUBJECT_A);
    await subjectB.fill(NEW_SUBJECT_B);
    await page.getByText('Unsaved changes.').waitFor();
    await page.locator('.preview-subject').filter({ hasText: NEW_SUBJECT_A }).waitFor();

    await page.getByRole('button', { name: 'Save draft' }).click();
    await statusText(page, 'Draft saved with 1 problem that stops publishing.').waitFor();
    // The reworded draft has not been reviewed: that alone stops it, until the review is recorded.
    const problems = page.getByRole('region', { name: 'Problems that stop publishing' });
    await expect(problems.textContent()).resolves.toContain(
      'A clinical review of this draft is needed before it can be published',
    );

    const validUntil = `${new Date().getFullYear() + 1}-01-31`;
    await page.getByLabel('Reviewer').fill(REVIEWER);
    await page.getByLabel('Valid until').fill(validUntil);
    await page.getByRole('button', { name: 'Record clinical review' }).click();
    await statusText(page, `Review by ${REVIEWER} recorded, valid until ${validUntil}.`).waitFor();
    await expect(problems.textContent()).resolves.toContain('Nothing stops this draft from being published.');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog', { name: 'Publish the draft?' }).getByRole('button', { name: 'Publish' }).click();
    const published = statusText(page, /^Published version [0-9a-f]{12}\.$/);
    await published.waitFor();
    seen.newVersion = /([0-9a-f]{12})/.exec((await published.textContent()) ?? '')![1]!;
    expect(seen.newVersion).not.toBe(seen.oldVersion);

    // The versions table: the earlier leads are still on the old version, nobody on the new one yet.
    await page.getByRole('region', { name: 'Versions table' }).getByText(seen.newVersion).waitFor();
    const versions = await bodyRows(page.getByRole('region', { name: 'Versions table' }));
    const version = (id: string) => versions.find((row) => row[0] === id);
    expect(version(seen.oldVersion)?.slice(3)).toEqual(['3', 'Warning: no clinical review recorded']);
    expect(version(seen.newVersion)?.slice(2, 4)).toEqual([admin.username, '0']);
    expect(version(seen.newVersion)?.[4]).toBe(`Valid until Jan 31, ${validUntil.slice(0, 4)} (${REVIEWER})`);
    await previewSettled();
    await expectNoAxeViolations();
  });

  it('enrols a lead who signs up after the publish on the new version, and leaves the earlier leads pinned', async () => {
    // New leads read the published pointer at most once a minute (PublishedSequenceCatalog):
    // let a minute pass on the stack's clock, as it would between publishing and the next visitor.
    await control(stack.base, '/__local/drip/advance', { duration: 'PT2M' });
    await submit(drew);
    await control(stack.base, '/__local/drip/tick');
    expect((await mailWithSubject(drew.email, [WELCOME_SUBJECT])).length).toBe(1);

    await openTimeline(drew);
    expect((await enrolmentRows())[0]!.slice(0, 4)).toEqual([SEQUENCE_ID, seen.newVersion, 'active', '2']);
    const drewEvents = await timelineEvents(page);
    expect(drewEvents.find((event) => event.title === `Enrolled in ${SEQUENCE_NAME}`)?.detail).toBe(
      `Version ${seen.newVersion}`,
    );
    // What comes next for Drew is the reworded step (subject A of the new version).
    expect(drewEvents[0]).toMatchObject({ title: `Scheduled: ${NEW_SUBJECT_A}`, where: `${SEQUENCE_ID} · ${STEP}` });

    await openTimeline(avery);
    expect((await enrolmentRows())[0]!.slice(0, 4)).toEqual([SEQUENCE_ID, seen.oldVersion, 'active', '2']);
    expect((await timelineEvents(page))[0]).toMatchObject({ title: `Scheduled: ${seen.oldSubjects[0]}` });
  });

  it('after five days the new lead got the new subject of the step and the pinned leads the old one', async () => {
    // The step follows the welcome by three days, moved into Mon–Sat 09:00–18:00 New York time:
    // at most 4 days 15 hours (Saturday 18:00 to Monday 09:00). Five days cover it, whatever the
    // day and hour this runs, and stop before the next step (four days after this one).
    const advanced = await control(stack.base, '/__local/drip/advance', { duration: 'P5D' });
    expect(advanced.deadLetters).toBe(0);

    const newSubjects = [NEW_SUBJECT_A, NEW_SUBJECT_B];
    const everySubject = [...seen.oldSubjects, ...newSubjects];
    const [drewMail, ...drewMore] = await mailWithSubject(drew.email, everySubject);
    expect(drewMore).toEqual([]);
    expect(newSubjects).toContain(drewMail!.subject);
    for (const lead of OLD_LEADS) {
      const [mail, ...more] = await mailWithSubject(lead.email, everySubject);
      expect(more).toEqual([]);
      expect(seen.oldSubjects).toContain(mail?.subject);
    }
    // Nothing else reached them: confirmation, welcome, and that one step.
    for (const lead of [...OLD_LEADS, drew]) {
      expect((await outbox(lead.email)).map((mail) => mail.subject)).toHaveLength(3);
    }

    // The console's timeline says the same, with the version each send came from.
    await openTimeline(drew);
    const sent = (await timelineEvents(page)).filter(
      (event) => event.where === `${SEQUENCE_ID} · ${STEP}` && event.title.startsWith('Sent: '),
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      title: `Sent: ${drewMail!.subject}`,
      detail: expect.stringMatching(new RegExp(`^Variant [ab], version ${seen.newVersion}$`)),
    });
  });

  it('simulates the new version for a sample lead with exact local times across a daylight-saving change', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Journey simulator' }).click();
    await statusText(page, 'Ready.').waitFor();
    await expect(page.getByLabel('Sequence').inputValue()).resolves.toBe(SEQUENCE_ID);
    await expect(page.getByLabel('Version').inputValue()).resolves.toBe(seen.newVersion);
    await page.getByLabel('Lead’s time zone').selectOption('America/New_York');
    // Friday 6 March 2026, 20:00 in New York (EST); clocks go forward on Sunday 8 March.
    await page.getByLabel('Signs up at').fill('2026-03-06T20:00');
    // Only hair restoration: the path leaves out the laser aftercare emails.
    await page.getByLabel('Hair restoration').check();
    await page.getByRole('button', { name: 'Simulate' }).click();
    await statusText(page, '5 emails would be sent.').waitFor();
    const hairOnly = await bodyRows(page.getByRole('region', { name: 'Simulated sends' }));
    expect(hairOnly.map((row) => row[1])).toEqual([
      'welcome',
      STEP,
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
    // Fraxel and hair restoration: the whole aftercare story, then hair restoration.
    await page.getByLabel('Aftercare after Fraxel (non-ablative laser)').check();
    await page.getByRole('button', { name: 'Simulate' }).click();
    await statusText(page, '7 emails would be sent.').waitFor();

    const rows = await bodyRows(page.getByRole('region', { name: 'Simulated sends' }));
    // The welcome goes at sign-up, outside the window; each later step follows the previous one
    // by its delay, moved into Mon–Sat 09:00–18:00 New York time: 3 days after Fri 20:00 is Mon
    // 20:00, too late, so Tue 09:00 (now EDT); then 4, 5 and 5 days, each inside the window; 5
    // days after Tue 24 Mar is a Sunday (closed), so Mon 30 Mar; then 7 days.
    expect(rows.map((row) => [row[1], row[3], row[4]])).toEqual([
      ['welcome', 'Fri 6 Mar 2026, 20:00 EST (at sign-up, outside the send window)', 'America/New_York'],
      [STEP, 'Tue 10 Mar 2026, 09:00 EDT', 'America/New_York'],
      ['why-pbme', 'Sat 14 Mar 2026, 09:00 EDT', 'America/New_York'],
      ['laser-rf-aftercare', 'Thu 19 Mar 2026, 09:00 EDT', 'America/New_York'],
      ['what-exosomes-dont-replace', 'Tue 24 Mar 2026, 09:00 EDT', 'America/New_York'],
      ['hair-restoration', 'Mon 30 Mar 2026, 09:00 EDT', 'America/New_York'],
      ['meet-the-surgeon', 'Mon 6 Apr 2026, 09:00 EDT', 'America/New_York'],
    ]);
    expect(rows[1]![2]).toContain(`A: ${NEW_SUBJECT_A}`);
    expect(rows[1]![2]).toContain(`B: ${NEW_SUBJECT_B}`);
    await expect(
      page
        .getByRole('region', { name: 'Simulated sends' })
        .locator('time')
        .evaluateAll((times) => times.map((time) => time.getAttribute('datetime'))),
    ).resolves.toEqual([
      '2026-03-07T01:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
      '2026-03-14T13:00:00.000Z',
      '2026-03-19T13:00:00.000Z',
      '2026-03-24T13:00:00.000Z',
      '2026-03-30T13:00:00.000Z',
      '2026-04-06T13:00:00.000Z',
    ]);
    await expectNoAxeViolations();
  });

  it('exports the leads as CSV from the leads page', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leads' }).click();
    await statusText(page, 'Showing 4 leads on page 1.').waitFor();
    const { name, text } = await readDownload(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    await page.getByText('4 rows exported').waitFor();
    expect(name).toMatch(/^leads-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/);
    expect(text.startsWith('\uFEFF')).toBe(true);

    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(CSV_HEADER);
    const column = (row: string[], name: (typeof CSV_HEADER)[number]) => row[CSV_HEADER.indexOf(name)];
    // Newest first, one row per lead, the columns as submitted.
    expect(rows.map((row) => column(row, 'email'))).toEqual([drew, casey, blake, avery].map((lead) => lead.email));
    for (const lead of [drew, casey, blake, avery]) {
      const row = rows.find((candidate) => column(candidate, 'email') === lead.email)!;
      expect(row).toHaveLength(CSV_HEADER.length);
      // Ids are base64url, so about one in 64 starts with "-" and is guarded like any other cell.
      expect(column(row, 'lead_id')).toBe(guardCell(testLeadId(lead.email)));
      expect([column(row, 'first_name'), column(row, 'last_name')]).toEqual([lead.firstName, lead.lastName]);
      // A leading "+" would make a spreadsheet read a formula: the export guards it.
      expect(column(row, 'phone')).toBe("'+18135550199");
      expect(column(row, 'status')).toBe('active');
      expect(column(row, 'interests')).toBe(lead.interests.join(';'));
      expect(column(row, 'source')).toBe(lead.source);
      expect(Number.isNaN(Date.parse(column(row, 'created_at')!))).toBe(false);
      expect(column(row, 'submissions')).toBe('1');
      expect(column(row, 'progress')).toBe(`2 of ${pathFor(bundledSteps(), lead.interests).length}`);
    }
    await expectNoAxeViolations();
  });

  it('hit no CSP violation, console error, page error or failed admin API call on the way', () => {
    expect(problemsByStep).toEqual([]);
  });
});
