import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { PublishedSequenceCatalog, pointerKey } from '../../functions/adapters/dynamodb/published-sequences';
import type {
  DraftSaved,
  MigrationPreview,
  PreviewResponse,
  SequenceDetail,
  SequenceListItem,
} from '../../functions/admin/contract';
import { draftHash } from '../../functions/admin/sequences/drafts';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { SequenceDraft } from '../../functions/sequence/draft';
import { adminStack, USERS } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { control, postLead } from '../support/local-stack-harness';
import { freshTable, outbox, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(180_000);

type Admin = Awaited<ReturnType<typeof adminStack>>;
let admin: Admin;
let doc: DynamoDBDocumentClient;
const bundled = bundledEmails().sequences['exosome-aftercare']!;
const ID = 'exosome-aftercare';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  admin = await adminStack();
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: testEndpoints().dynamo }));
});
afterAll(() => admin.stack.stop());

async function publishedSource(): Promise<SequenceDraft> {
  const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
  expect(detail.status).toBe(200);
  return structuredClone(detail.body.published.draft);
}

/** What a save lists until the draft's content has a current review: publishing checks that too. */
const REVIEW_NEEDED = {
  where: 'review',
  message: 'A clinical review of this draft is needed before it can be published',
};
const saveDraft = (draft: SequenceDraft) => admin.asMarketing<DraftSaved>('PUT', `/sequences/${ID}/draft`, draft);
const review = () =>
  admin.asAdmin('POST', `/sequences/${ID}/review`, { reviewer: 'Dr. Reviewer', validUntil: inAYear() });
const publish = () => admin.asMarketing('POST', `/sequences/${ID}/publish`);
const enrolmentOf = async (email: string) =>
  (
    await doc.send(
      new GetCommand({ TableName: admin.stack.env.TABLE_NAME!, Key: keys.enrolment(testLeadId(email), ID) }),
    )
  ).Item;

describe('sequence drafts and publishing', () => {
  it('starts from the bundled version, whose source compiles to the same version', async () => {
    const list = await admin.asMarketing<SequenceListItem[]>('GET', '/sequences');
    expect(list.body).toEqual([
      expect.objectContaining({ sequenceId: ID, publishedVersion: bundled.version, hasDraft: false }),
      // The short path after a cancelled consultation (Calendly, Acuity), shipped alongside.
      expect.objectContaining({ sequenceId: 'rebook-after-cancellation', hasDraft: false }),
    ]);
    const saved = await saveDraft(await publishedSource());
    expect(saved.status).toBe(200);
    expect(saved.body.problems).toEqual([REVIEW_NEEDED]);
    expect(saved.body.checks).toContain('a current clinical review of exactly this content');
  });

  it('shows strict MJML errors with their line, saves the draft anyway, previews it, and refuses to publish it', async () => {
    const draft = await publishedSource();
    draft.templates.welcome = draft.templates.welcome!.replace('<mj-button href', '<mj-button foo="x" href');

    const saved = await saveDraft(draft);
    const preview = await admin.asMarketing<PreviewResponse>('POST', `/sequences/${ID}/preview`, {
      draft,
      stepId: 'welcome',
    });
    await review();
    const refused = await publish();

    expect(saved.status).toBe(200);
    const strictMjml = {
      where: expect.stringMatching(/^templates\.welcome line \d+$/),
      message: expect.stringMatching(/foo/),
    };
    expect(saved.body.problems).toEqual([strictMjml, REVIEW_NEEDED]);
    expect(preview.status).toBe(200);
    expect(preview.body.problems).toEqual([strictMjml]);
    expect(preview.body.html).toContain('Maria');
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual(expect.arrayContaining([strictMjml]));
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    expect(detail.body.draft?.draft.templates.welcome).toContain('foo="x"');
    expect(detail.body.published.version).toBe(bundled.version);
  });

  it('refuses to publish an email without the unsubscribe link', async () => {
    const draft = await publishedSource();
    draft.templates.welcome = draft.templates.welcome!.replace('footer-nurture.mjml', 'footer-staff.mjml');
    const saved = await saveDraft(draft);
    await review();
    const refused = await publish();

    const noUnsubscribe = {
      where: 'templates.welcome',
      message: 'missing a visible unsubscribe link to {{unsubscribeUrl}}',
    };
    expect(saved.body.problems).toEqual([noUnsubscribe, REVIEW_NEEDED]);
    expect(refused.status).toBe(400);
    // Reviewed since: the rest of what the save listed is what the publish refuses.
    expect(refused.body.problems).toEqual([noUnsubscribe]);
  });

  it('refuses to publish an email that compiles but could never be filled in for a lead', async () => {
    const draft = await publishedSource();
    draft.templates.welcome = draft.templates.welcome!.replace(
      '<mj-button href="{{bookingUrl}}"',
      '<mj-button href="{{firstName}}"',
    );
    await saveDraft(draft);
    const preview = await admin.asMarketing<PreviewResponse>('POST', `/sequences/${ID}/preview`, {
      draft,
      stepId: 'welcome',
    });
    await review();
    const refused = await publish();

    expect(preview.body.problems).toEqual([
      { where: 'templates.welcome', message: expect.stringMatching(/firstName/) },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([{ where: 'steps[0]', message: expect.stringMatching(/firstName/) }]);
  });

  it('refuses a subject over 60 characters: as a field when saving, and on publish if one was stored', async () => {
    const draft = await publishedSource();
    draft.definition.steps[2]!.subject = 'x'.repeat(61);

    const saved = await admin.asMarketing('PUT', `/sequences/${ID}/draft`, draft);
    expect(saved.status).toBe(400);
    expect(saved.body.fields).toEqual([
      { field: 'definition.steps[2].subject', message: 'subjects can be at most 60 characters' },
    ]);

    // A draft stored by an older console, with a current review: the server still checks.
    await doc.send(
      new PutCommand({
        TableName: admin.stack.env.TABLE_NAME!,
        Item: {
          pk: `SEQUENCE#${ID}`,
          sk: 'DRAFT',
          type: 'sequence-draft',
          sequenceId: ID,
          body: gzipSync(JSON.stringify(draft)),
          savedAt: new Date().toISOString(),
          savedBy: 'older-console',
          contentHash: draftHash(draft),
          review: {
            reviewer: 'Dr. Reviewer',
            reviewedAt: new Date().toISOString(),
            validUntil: inAYear(),
            recordedBy: 'x',
            contentHash: draftHash(draft),
          },
        },
      }),
    );
    const refused = await publish();
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual(
      expect.arrayContaining([{ where: 'definition.steps[2].subject', message: expect.stringMatching(/60/) }]),
    );
  });

  it('refuses to publish without a current clinical review of exactly this content', async () => {
    const draft = await publishedSource();
    draft.definition.steps[2]!.subject = 'Where exosomes come from matters: PBME';
    const saved = await saveDraft(draft);
    const noReview = await publish();

    expect(noReview.status).toBe(400);
    expect(noReview.body.problems).toEqual([REVIEW_NEEDED]);
    expect(saved.body.problems).toEqual(noReview.body.problems);
    expect(
      (await admin.asMarketing('POST', `/sequences/${ID}/review`, { reviewer: 'Dr. X', validUntil: inAYear() })).status,
    ).toBe(403);
    const past = await admin.asAdmin('POST', `/sequences/${ID}/review`, {
      reviewer: 'Dr. X',
      validUntil: '2020-01-01',
    });
    expect(past.status).toBe(400);
    expect((await review()).body).toMatchObject({ reviewer: 'Dr. Reviewer', expired: false });

    // Saving the same content keeps the review; an edit after it voids it.
    await saveDraft(draft);
    expect((await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`)).body.draft?.review).toBeDefined();
    draft.definition.steps[2]!.subject = 'Where exosomes come from matters: PBME!';
    await saveDraft(draft);
    expect((await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`)).body.draft?.review).toBeUndefined();
    const edited = await publish();
    expect(edited.status).toBe(400);
    expect(edited.body.problems).toEqual([{ where: 'review', message: expect.stringMatching(/clinical review/) }]);
  });

  it('previews one step with sample data and test-sends the saved draft to the signed-in user', async () => {
    const draft = await publishedSource();
    draft.definition.steps[0]!.subject = 'Welcome, {{firstName|there}}: the month ahead';
    await saveDraft(draft);

    const preview = await admin.asMarketing<PreviewResponse>('POST', `/sequences/${ID}/preview`, {
      draft,
      stepId: 'welcome',
    });
    const unknownStep = await admin.asMarketing('POST', `/sequences/${ID}/preview`, { draft, stepId: 'nope' });
    const sent = await admin.asMarketing('POST', `/sequences/${ID}/test-send`, { stepId: 'welcome' });

    expect(preview.body).toMatchObject({ subject: 'Welcome, Maria: the month ahead', problems: [] });
    expect(preview.body.html).not.toContain('{{');
    expect(preview.body.text).toContain('Maria');
    expect(unknownStep.status).toBe(400);
    expect(sent.status).toBe(200);
    const mails = await outbox(USERS.marketing);
    expect(mails.at(-1)!.subject).toBe('[TEST] Welcome, Maria: the month ahead');
  });
});

describe('versions: new leads start on the published version, enrolled leads stay pinned until moved', () => {
  it('publishes a new version; a new lead gets it while a pinned lead keeps its own, until staff move them', async () => {
    const pinned = uniqueEmail('pinned');
    await postLead(admin.stack.base, validLead(pinned));
    await control(admin.stack.base, '/__local/drip/tick');
    expect(await enrolmentOf(pinned)).toMatchObject({ sequenceVersion: bundled.version, stepIndex: 1 });

    const draft = await publishedSource();
    draft.definition.steps[2]!.subject = 'Version two: why the source of exosomes matters';
    draft.definition.steps[4]!.subject = 'Version two: what exosomes do not replace';
    expect((await saveDraft(draft)).body.problems).toEqual([REVIEW_NEEDED]);
    await review();
    const published = await publish();
    expect(published.status).toBe(201);
    const version = published.body.version as string;
    expect(version).not.toBe(bundled.version);

    const list = await admin.asMarketing<SequenceListItem[]>('GET', '/sequences');
    expect(list.body[0]).toMatchObject({
      publishedVersion: version,
      hasDraft: false,
      review: { reviewer: 'Dr. Reviewer', expired: false },
    });
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    expect(detail.body.published).toMatchObject({ version, publishedBy: USERS.marketing });
    expect(detail.body.versions.map((entry) => entry.version)).toEqual(
      expect.arrayContaining([version, bundled.version]),
    );

    // New leads see a publish once the capture function's one-minute cache has run out.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'PT2M' });
    const fresh = uniqueEmail('fresh');
    await postLead(admin.stack.base, validLead(fresh));
    expect(await enrolmentOf(fresh)).toMatchObject({ sequenceVersion: version });
    expect(await enrolmentOf(pinned)).toMatchObject({ sequenceVersion: bundled.version });

    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P9D' });
    const subjects = async (email: string) => (await outbox(email)).map((mail) => mail.subject);
    expect(await subjects(pinned)).toContain(bundled.steps[2]!.variants[0]!.subject);
    expect(await subjects(pinned)).not.toContain('Version two: why the source of exosomes matters');
    expect(await subjects(fresh)).toContain('Version two: why the source of exosomes matters');

    const listed = (await admin.asMarketing<SequenceListItem[]>('GET', '/sequences')).body[0]!;
    expect(listed.enrolled).toEqual(
      expect.arrayContaining([
        { version: bundled.version, active: expect.any(Number) },
        { version, active: expect.any(Number) },
      ]),
    );
    // The leads left on the bundled version receive content nobody reviewed: the list says so.
    const onBundled = listed.enrolled.find((entry) => entry.version === bundled.version)!.active;
    expect(listed.unreviewedPinned).toEqual([{ version: bundled.version, active: onBundled }]);

    // Moving the pinned leads: first the preview, which changes nothing.
    const dryRun = await admin.asMarketing<MigrationPreview>('POST', `/sequences/${ID}/migrate`, {
      fromVersion: bundled.version,
      toVersion: version,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.leads).toBeGreaterThanOrEqual(1);
    expect(dryRun.body.moved).toBeUndefined();
    expect(dryRun.body.changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Step "why-pbme" reworded/),
        expect.stringMatching(/^Step "what-exosomes-dont-replace" reworded/),
      ]),
    );
    expect(await enrolmentOf(pinned)).toMatchObject({ sequenceVersion: bundled.version });
    const before = (await enrolmentOf(pinned))!;

    const moved = await admin.asMarketing<MigrationPreview>('POST', `/sequences/${ID}/migrate`, {
      fromVersion: bundled.version,
      toVersion: version,
      dryRun: false,
    });
    expect(moved.body.moved).toBe(dryRun.body.leads);
    expect(await enrolmentOf(pinned)).toMatchObject({
      sequenceVersion: version,
      stepIndex: before.stepIndex,
      nextSendAt: before.nextSendAt,
      status: 'active',
    });

    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P12D' });
    expect(await subjects(pinned)).toContain('Version two: what exosomes do not replace');
    expect(await subjects(pinned)).not.toContain(bundled.steps[4]!.variants[0]!.subject);

    // Back onto the bundled version, which has no clinical review: refused, nobody moves.
    for (const dryRun of [true, false]) {
      const back = await admin.asMarketing<{ fields: { field: string; message: string }[] }>(
        'POST',
        `/sequences/${ID}/migrate`,
        { fromVersion: version, toVersion: bundled.version, dryRun },
      );
      expect(back.status).toBe(400);
      expect(back.body.fields).toEqual([{ field: 'toVersion', message: expect.stringMatching(/no clinical review/) }]);
    }
    expect(await enrolmentOf(pinned)).toMatchObject({ sequenceVersion: version });
    const after = (await admin.asMarketing<SequenceListItem[]>('GET', '/sequences')).body[0]!;
    expect(after.unreviewedPinned).toEqual([]);
  });

  it('answers unknown sequences and versions with 404 and bad requests with 400', async () => {
    expect((await admin.asMarketing('GET', '/sequences/no-such-sequence')).status).toBe(404);
    expect((await admin.asMarketing('GET', '/sequences/Bad_Id')).status).toBe(400);
    const unknownVersion = await admin.asMarketing('POST', `/sequences/${ID}/migrate`, {
      fromVersion: 'nope',
      toVersion: bundled.version,
    });
    expect(unknownVersion.status).toBe(404);
    expect((await admin.asMarketing('POST', `/sequences/${ID}/migrate`, { fromVersion: 'a' })).status).toBe(400);
    const wrongSequence = await publishedSource();
    wrongSequence.definition.id = 'another-sequence';
    expect((await saveDraft(wrongSequence)).status).toBe(400);
    const malformed = await fetch(`${admin.stack.base}/admin/api/sequences/${ID}/draft`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.tokens.marketing}`, 'content-type': 'application/json' },
      body: '{"definition":',
    });
    expect(malformed.status).toBe(400);
  });
});

describe('the catalog new leads are enrolled from', () => {
  it('uses the bundled version until a version is published, then the pointer, re-read once a minute', async () => {
    const { tableName } = await freshTable('catalog');
    const table = { client: doc, tableName, dueShards: 4 };
    let now = new Date('2026-03-03T12:00:00Z');
    const clock = { now: () => now };
    const catalog = new PublishedSequenceCatalog({
      table,
      bundle: bundledEmails(),
      clock,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });

    expect(await catalog.current(ID)).toEqual({
      sequenceId: ID,
      version: bundled.version,
      timeZoneFallback: 'practice',
    });

    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...pointerKey(ID),
          version: 'v2',
          publishedAt: now.toISOString(),
          publishedBy: 'x',
          timeZoneFallback: 'America/Chicago',
        },
      }),
    );
    now = new Date(now.getTime() + 30_000);
    expect((await catalog.current(ID)).version).toBe(bundled.version);
    now = new Date(now.getTime() + 31_000);
    expect(await catalog.current(ID)).toEqual({ sequenceId: ID, version: 'v2', timeZoneFallback: 'America/Chicago' });
  });

  it('enrols on the bundled version, and says so in the log, when the pointer cannot be read', async () => {
    const { tableName } = await freshTable('catalog-denied');
    const errors: string[] = [];
    const denying = {
      send: async (command: unknown) => {
        if (command instanceof GetCommand) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const catalog = new PublishedSequenceCatalog({
      table: { client: denying, tableName, dueShards: 4 },
      bundle: bundledEmails(),
      clock: { now: () => new Date() },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (message) => errors.push(String(message)),
      },
    });

    expect((await catalog.current(ID)).version).toBe(bundled.version);
    expect(errors).toEqual([expect.stringMatching(/pointer not readable/)]);
  });
});
