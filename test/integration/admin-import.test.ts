import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSuppressionList } from '../../functions/adapters/dynamodb/suppression-list';
import type { ImportReport, LeadTimeline } from '../../functions/admin/contract';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testAddressIds, testLeadId } from '../support/identity';
import { postLead } from '../support/local-stack-harness';
import { allItems, itemsOfLead, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(120_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
let admin: Admin;
let doc: DynamoDBDocumentClient;
const sequence = bundledEmails().sequences['exosome-aftercare']!;
/** The account's rate in this stack, and the share an import may use (the default, 0.5): 2 per second. */
const MAX_SEND_RATE = 4;
const PER_SECOND = MAX_SEND_RATE * 0.5;

beforeAll(async () => {
  admin = await adminStack({ MAX_SEND_RATE: String(MAX_SEND_RATE) });
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
});
afterAll(() => admin.stack.stop());

const runImport = (csv: string, dryRun: boolean) => admin.asAdmin<ImportReport>('POST', '/imports', { csv, dryRun });
const csvOf = (rows: string[]) =>
  ['email,first_name,last_name,consent_source,consent_date,interests,time_zone,notes', ...rows].join('\r\n');

async function enrolmentsOf(emails: string[]) {
  const items = await Promise.all(
    emails.map(async (email) =>
      (await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, testLeadId(email))).find(
        (item) => item.type === 'enrolment',
      ),
    ),
  );
  return items.filter((item): item is Record<string, unknown> => item !== undefined);
}

describe('contact import', () => {
  const good = Array.from({ length: 12 }, (_, index) => uniqueEmail(`import${index}`));
  const existing = uniqueEmail('already');
  const suppressed = uniqueEmail('suppressed');
  const rows = [
    ...good.map(
      (email, index) =>
        `${email},Imported${index},Lastname,"Clinic newsletter, spring 2025",2025-04-0${(index % 9) + 1},hair-restoration;fraxel-aftercare,,"a note, with a comma"`,
    ),
    'not-an-email,Ann,,Newsletter,2025-01-01,,,',
    `${uniqueEmail('nosource')},Ben,,,2025-01-01,,,`,
    `${uniqueEmail('nodate')},Cat,,Newsletter,,,,`,
    `${uniqueEmail('future')},Dee,,Newsletter,2999-01-01,,,`,
    `${good[0]!.toUpperCase()},Eve,,Newsletter,2025-01-01,,,`,
    `${uniqueEmail('badzone')},Fay,,Newsletter,2025-01-01,,Mars/Olympus,`,
    `${uniqueEmail('badinterest')},Gus,,Newsletter,2025-01-01,tattoos,,`,
    `${uniqueEmail('short')},Hal,,Newsletter`,
    `${existing},Ida,,Newsletter,2025-01-01,,,`,
    `${suppressed},Jon,,Newsletter,2025-01-01,,,`,
  ];
  const firstRefusedRow = good.length + 2;

  beforeAll(async () => {
    await postLead(admin.stack.base, validLead(existing));
    const table = {
      client: doc,
      tableName: admin.stack.env.TABLE_NAME!,
      dueShards: Number(admin.stack.env.DUE_SHARDS),
    };
    await new DynamoSuppressionList(table, testAddressIds(table)).suppress(
      suppressed,
      'unsubscribed',
      new Date().toISOString(),
    );
  });

  it('reports every row it would refuse and why in a dry run, and stores nothing', async () => {
    const itemsBefore = (await allItems(doc, admin.stack.env.TABLE_NAME!)).length;

    const report = await runImport(csvOf(rows), true);

    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ rows: rows.length, accepted: good.length, duplicates: 1 });
    expect(report.body.refused).toEqual([
      { row: firstRefusedRow, reason: expect.stringMatching(/^bad email/) },
      { row: firstRefusedRow + 1, reason: 'missing consent source' },
      { row: firstRefusedRow + 2, reason: 'missing consent date' },
      { row: firstRefusedRow + 3, reason: 'consent date is in the future' },
      { row: firstRefusedRow + 4, reason: 'duplicate in file: same email as row 2' },
      { row: firstRefusedRow + 5, reason: expect.stringMatching(/time zone/) },
      { row: firstRefusedRow + 6, reason: expect.stringMatching(/unknown interest "tattoos"/) },
      { row: firstRefusedRow + 7, reason: 'has 4 fields; the header has 8' },
      { row: firstRefusedRow + 9, reason: expect.stringMatching(/suppression list/) },
    ]);
    expect(Date.parse(report.body.lastFirstEmailAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await allItems(doc, admin.stack.env.TABLE_NAME!)).length).toBe(itemsBefore);
  });

  it('imports with a consent record, enrols on the published version and staggers first emails under the send rate', async () => {
    const report = await runImport(csvOf(rows), false);

    expect(report.body).toMatchObject({ rows: rows.length, accepted: good.length, duplicates: 1 });
    const enrolments = await enrolmentsOf(good);
    expect(enrolments).toHaveLength(good.length);
    expect(enrolments.every((item) => item.sequenceVersion === sequence.version && item.stepIndex === 0)).toBe(true);
    const times = enrolments.map((item) => Date.parse(String(item.nextSendAt))).sort((a, b) => a - b);
    // Never more than the import's share of the send rate in any one-second window.
    for (let i = 0; i + PER_SECOND < times.length; i++) {
      expect(times[i + PER_SECOND]! - times[i]!).toBeGreaterThanOrEqual(1000);
    }
    expect(new Date(times.at(-1)!).toISOString()).toBe(report.body.lastFirstEmailAt);

    const items = await itemsOfLead(doc, admin.stack.env.TABLE_NAME!, testLeadId(good[3]!));
    expect(items.find((item) => item.type === 'lead')).toMatchObject({
      firstName: 'Imported3',
      interests: ['hair-restoration', 'fraxel-aftercare'],
      firstTouch: { utmSource: 'import', utmMedium: 'csv' },
    });
    expect(items.find((item) => item.type === 'consent')).toMatchObject({
      mode: 'import',
      consentSource: 'Clinic newsletter, spring 2025',
      consentDate: '2025-04-04T00:00:00.000Z',
    });
    const timeline = await admin.asMarketing<LeadTimeline>('GET', `/leads/${testLeadId(good[3]!)}`);
    expect(timeline.body.events.map((event) => event.title)).toEqual(
      expect.arrayContaining(['Imported from a contact list', 'Consent recorded by import']),
    );
  });

  it('counts contacts already imported as duplicates and does not enrol them again', async () => {
    const before = await enrolmentsOf(good);

    const again = await runImport(csvOf(rows), false);

    expect(again.body).toMatchObject({ accepted: 0, duplicates: good.length + 1 });
    expect(again.body.lastFirstEmailAt).toBeUndefined();
    expect(await enrolmentsOf(good)).toEqual(before);
  });

  it('schedules a later import after the first one, so two imports never share send slots', async () => {
    const first = await enrolmentsOf(good);
    const lastOfFirst = Math.max(...first.map((item) => Date.parse(String(item.nextSendAt))));
    const more = Array.from({ length: 3 }, (_, index) => uniqueEmail(`later${index}`));

    const report = await runImport(csvOf(more.map((email) => `${email},Later,,Event,2025-05-01,,,`)), false);

    expect(report.body.accepted).toBe(3);
    const times = (await enrolmentsOf(more)).map((item) => Date.parse(String(item.nextSendAt)));
    expect(Math.min(...times) - lastOfFirst).toBeGreaterThanOrEqual(1000 / PER_SECOND);
  });

  it('refuses a file without the required columns, or that cannot be read, with 400', async () => {
    const noConsent = await admin.asAdmin('POST', '/imports', {
      csv: 'email,first_name\nx@example.com,X',
      dryRun: true,
    });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.fields).toEqual([
      { field: 'csv', message: expect.stringMatching(/consent_source, consent_date/) },
    ]);
    const unclosed = await runImport(
      'email,first_name,consent_source,consent_date\n"x@example.com,X,Y,2025-01-01',
      true,
    );
    expect(unclosed.status).toBe(400);
    expect((await admin.asAdmin('POST', '/imports', { csv: '', dryRun: true })).status).toBe(400);
  });
});
