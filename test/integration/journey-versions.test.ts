import type { SequenceDetail, SequenceDraft } from '../../functions/admin/contract';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { adminStack } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { control, postLead } from '../support/local-stack-harness';
import { outbox, uniqueEmail } from '../support/services';

/**
 * Paths and versions: a version's conditions are part of it, so an enrolment pinned to a version
 * follows that version's paths; the publish rules hold for every step, whatever its condition.
 */

jest.setTimeout(240_000);

const ID = 'exosome-aftercare';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
const bundled = bundledEmails().sequences[ID]!;

describe('paths and versions through the admin API and the drip engine', () => {
  let admin: Awaited<ReturnType<typeof adminStack>>;
  beforeAll(async () => {
    admin = await adminStack();
  });
  afterAll(() => admin.stack.stop());

  /** Saves and reviews the draft; answers its problems other than the (then recorded) review. */
  async function saveAndReview(draft: SequenceDraft): Promise<{ where: string; message: string }[]> {
    const saved = await admin.asMarketing('PUT', `/sequences/${ID}/draft`, draft);
    await admin.asAdmin('POST', `/sequences/${ID}/review`, { reviewer: 'Dr. Reviewer', validUntil: inAYear() });
    return saved.body.problems.filter((problem: { where: string }) => problem.where !== 'review');
  }

  async function publish(draft: SequenceDraft): Promise<string> {
    expect(await saveAndReview(draft)).toEqual([]);
    const published = await admin.asMarketing('POST', `/sequences/${ID}/publish`);
    expect(published.status).toBe(201);
    // New leads start on a publish once the capture function's one-minute cache has run out.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'PT2M' });
    return published.body.version as string;
  }

  const stepsReceived = async (email: string) => {
    const subjects = (await outbox(email)).map((mail) => mail.subject);
    return bundled.steps
      .filter((step) => step.variants.some((variant) => subjects.includes(variant.subject)))
      .map((step) => step.id);
  };

  it('keeps a lead pinned to a linear version on it while a later lead follows the paths version', async () => {
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const withPaths = detail.body.published.draft;
    const linear = structuredClone(withPaths);
    for (const step of linear.definition.steps) delete step.when;

    const linearVersion = await publish(linear);
    const early = uniqueEmail('pinned-linear');
    expect((await postLead(admin.stack.base, validLead(early, { interests: ['hair-restoration'] }))).status).toBe(202);

    const changed = structuredClone(withPaths);
    changed.definition.description = 'Paths by topic (second publish).';
    const pathsVersion = await publish(changed);
    expect(pathsVersion).not.toBe(linearVersion);
    const later = uniqueEmail('pinned-paths');
    expect((await postLead(admin.stack.base, validLead(later, { interests: ['hair-restoration'] }))).status).toBe(202);

    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P45D' });

    expect(await stepsReceived(early)).toEqual(bundled.steps.map((step) => step.id));
    expect(await stepsReceived(later)).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
  });

  it('refuses to publish a conditional step that breaks a publish rule, naming the step and field', async () => {
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const draft = structuredClone(detail.body.published.draft);
    const index = draft.definition.steps.findIndex((step) => step.id === 'small-joints');
    expect(draft.definition.steps[index]!.when).toEqual({ topics: ['small-joint-injections'] });
    draft.definition.steps[index]!.sources.push('Exosomes regrow cartilage in every knee.');
    const problems = [
      {
        where: `steps[${index}].sources[${draft.definition.steps[index]!.sources.length - 1}]`,
        message: expect.stringMatching(/quote not found/),
      },
    ];
    expect(await saveAndReview(draft)).toEqual(problems);
    const refused = await admin.asMarketing('POST', `/sequences/${ID}/publish`);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual(problems);
  });

  it('refuses to publish a version that leaves some topic combination without an email', async () => {
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const draft = structuredClone(detail.body.published.draft);
    for (const step of draft.definition.steps) step.when = { topics: ['fraxel-aftercare'] };
    const problems = [{ where: 'steps', message: expect.stringMatching(/^a lead with no topic would get no email/) }];
    expect(await saveAndReview(draft)).toEqual(problems);
    const refused = await admin.asMarketing('POST', `/sequences/${ID}/publish`);
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual(problems);
  });
  it('says in the migration preview which step each group of leads lands on, by their path, and moves them there', async () => {
    const detail = await admin.asMarketing<SequenceDetail>('GET', `/sequences/${ID}`);
    const withPaths = detail.body.published.draft;
    const linear = structuredClone(withPaths);
    linear.definition.description = 'Linear (before the migration preview).';
    for (const step of linear.definition.steps) delete step.when;
    const linearVersion = await publish(linear);
    const hair = uniqueEmail('move-hair');
    const joints = uniqueEmail('move-joints');
    expect((await postLead(admin.stack.base, validLead(hair, { interests: ['hair-restoration'] }))).status).toBe(202);
    expect(
      (await postLead(admin.stack.base, validLead(joints, { interests: ['small-joint-injections'] }))).status,
    ).toBe(202);
    // Welcome and exosomes-explained have gone out; both wait for why-pbme.
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P5D' });
    expect(await stepsReceived(joints)).toEqual(['welcome', 'exosomes-explained']);

    const paths = structuredClone(withPaths);
    paths.definition.description = 'Paths by topic (after the migration preview).';
    const pathsVersion = await publish(paths);
    const move = (dryRun: boolean) =>
      admin.asMarketing('POST', `/sequences/${ID}/migrate`, {
        fromVersion: linearVersion,
        toVersion: pathsVersion,
        dryRun,
      });
    const preview = await move(true);
    expect(preview.status).toBe(200);
    expect(preview.body.leads).toBe(2);
    const groups = preview.body.changes.filter((line: string) => line.includes('waiting for'));
    expect(groups.sort()).toEqual([
      '1 lead(s) waiting for "why-pbme" who chose Hair restoration land on "why-pbme" (the same step)',
      '1 lead(s) waiting for "why-pbme" who chose Small-joint injections land on "small-joints"',
    ]);

    expect((await move(false)).body.moved).toBe(2);
    await control(admin.stack.base, '/__local/drip/advance', { duration: 'P45D' });
    expect(await stepsReceived(joints)).toEqual(['welcome', 'exosomes-explained', 'small-joints', 'meet-the-surgeon']);
    expect(await stepsReceived(hair)).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
  });
});
