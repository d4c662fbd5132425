import { createTransport } from 'nodemailer';
import { replyAddressFor } from '../../functions/reply/reply-address';
import { adminStack, USERS } from '../support/admin-harness';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/** Staff follow-up through the real admin API on the local stack: tasks, pipeline, owner, notes. */

jest.setTimeout(120_000);

let admin: Awaited<ReturnType<typeof adminStack>>;
beforeAll(async () => {
  admin = await adminStack();
});
afterAll(() => admin.stack.stop());

async function lead(label: string, preferredContact: 'email' | 'phone' | 'text') {
  const email = uniqueEmail(label);
  expect((await postLead(admin.stack.base, validLead(email, { preferredContact }))).status).toBe(202);
  return { email, leadId: testLeadId(email) };
}

const search = (body: Record<string, unknown>, as: 'marketing' | 'admin' = 'marketing') =>
  admin.call(admin.tokens[as], 'POST', '/leads/search', { limit: 500, ...body });
const idsOf = (result: { body: { items: { leadId: string }[] } }) => result.body.items.map((item) => item.leadId);

describe('staff follow-up', () => {
  it('opens a task for a lead who asked for a phone call or a text, not for email', async () => {
    const caller = await lead('caller', 'phone');
    const texter = await lead('texter', 'text');
    const emailer = await lead('emailer', 'email');
    const open = await search({ openTask: true });
    expect(open.status).toBe(200);
    expect(idsOf(open)).toEqual(expect.arrayContaining([caller.leadId, texter.leadId]));
    expect(idsOf(open)).not.toContain(emailer.leadId);
    const row = open.body.items.find((item: { leadId: string }) => item.leadId === caller.leadId);
    expect(row).toMatchObject({ pipelineStatus: 'new', openTasks: [{ taskId: 'contact' }] });
  });

  it('records status, owner and notes on the timeline with who and when; filters by them; "my open tasks"', async () => {
    const { leadId } = await lead('pipeline', 'phone');
    const update = await admin.asMarketing('POST', `/leads/${leadId}/pipeline`, {
      status: 'contacted',
      owner: USERS.marketing,
      note: 'Left a voicemail',
    });
    expect(update).toMatchObject({ status: 200, body: { status: 'updated', changes: 3 } });

    const timeline = await admin.asMarketing('GET', `/leads/${leadId}`);
    const followUps = timeline.body.events.filter((event: { kind: string }) => event.kind === 'follow-up');
    expect(followUps.map((event: { title: string }) => event.title)).toEqual([
      'Pipeline status: new → contacted',
      `Owner: ${USERS.marketing}`,
      'Note: Left a voicemail',
    ]);
    for (const event of followUps) {
      expect(event.detail).toBe(`By ${USERS.marketing}`);
      expect(Date.parse(event.at)).not.toBeNaN();
    }

    expect(idsOf(await search({ pipelineStatus: 'contacted' }))).toContain(leadId);
    expect(idsOf(await search({ pipelineStatus: 'not-a-fit' }))).not.toContain(leadId);
    expect(idsOf(await search({ owner: USERS.marketing }))).toContain(leadId);
    expect(idsOf(await search({ owner: 'me', openTask: true }, 'marketing'))).toContain(leadId);
    expect(idsOf(await search({ owner: 'me', openTask: true }, 'admin'))).not.toContain(leadId);

    const sorted = await search({ sort: 'owner' });
    const owners = sorted.body.items.map((item: { owner?: string }) => item.owner);
    expect(owners[0]).toBe(USERS.marketing); // owned first, unowned last
    expect(owners.lastIndexOf(USERS.marketing)).toBeLessThan(owners.indexOf(undefined));

    // The same values again change nothing and add nothing to the timeline.
    expect((await admin.asMarketing('POST', `/leads/${leadId}/pipeline`, { status: 'contacted' })).body).toMatchObject({
      status: 'unchanged',
    });
  });

  it('closes a task, on the timeline, once', async () => {
    const { leadId } = await lead('done', 'text');
    const done = await admin.asMarketing('POST', `/leads/${leadId}/tasks/contact/done`);
    expect(done).toMatchObject({ status: 200, body: { status: 'done' } });
    expect(idsOf(await search({ openTask: true }))).not.toContain(leadId);
    const timeline = await admin.asMarketing('GET', `/leads/${leadId}`);
    expect(timeline.body.events.map((event: { title: string }) => event.title)).toContain(
      'Follow-up task done: Text them (they asked for a text)',
    );
    expect((await admin.asMarketing('POST', `/leads/${leadId}/tasks/contact/done`)).status).toBe(404);
  });

  it('opens a task when a lead replies', async () => {
    const { email, leadId } = await lead('replies', 'email');
    const to = replyAddressFor(leadId, admin.stack.env.REPLY_DOMAIN!, await admin.stack.signingKey());
    const transport = createTransport({
      host: '127.0.0.1',
      port: admin.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({ from: email, to, subject: 'Re: hello', text: 'Can someone call me?' });
    const open = await search({ openTask: true });
    const row = open.body.items.find((item: { leadId: string }) => item.leadId === leadId);
    expect(row?.openTasks).toEqual([expect.objectContaining({ taskId: 'reply', title: 'Answer their reply' })]);
    expect((await admin.asMarketing('POST', `/leads/${leadId}/tasks/reply/done`)).status).toBe(200);
    expect(idsOf(await search({ openTask: true }))).not.toContain(leadId);
  });

  it('answers bad input with a 400 naming the field, an unknown lead with 404, and changes nothing', async () => {
    const { leadId } = await lead('bad', 'phone');
    const bad = await admin.asMarketing('POST', `/leads/${leadId}/pipeline`, { status: 'hot' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'status' })]);
    expect((await admin.asMarketing('POST', `/leads/${leadId}/pipeline`, {})).status).toBe(400);
    const extra = await admin.asMarketing('POST', `/leads/${leadId}/pipeline`, { status: 'contacted', by: 'x' });
    expect(extra.body.fields).toEqual([expect.objectContaining({ field: 'by' })]);
    const task = await admin.asMarketing('POST', `/leads/${leadId}/tasks/lunch/done`);
    expect(task.status).toBe(400);
    expect(task.body.fields).toEqual([expect.objectContaining({ field: 'taskId' })]);
    expect((await admin.asMarketing('POST', '/leads/AAAAAAAAAAAAAAAAAAAAAAAAAA/pipeline', { note: 'x' })).status).toBe(
      404,
    );
    expect((await search({ pipelineStatus: 'hot' })).status).toBe(400);
    const timeline = await admin.asMarketing('GET', `/leads/${leadId}`);
    expect(timeline.body.events.some((event: { kind: string }) => event.kind === 'follow-up')).toBe(false);
    expect(timeline.body.lead).toMatchObject({ pipelineStatus: 'new', openTasks: [{ taskId: 'contact' }] });
  });
});
