import { createConnection } from 'node:net';
import { createTransport } from 'nodemailer';
import type { LeadTimeline } from '../../functions/admin/contract';
import { replyAddressFor } from '../../functions/reply/reply-address';
import { validLead } from '../support/capture-harness';
import { testLeadId, unkeyedLeadId } from '../support/identity';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { outbox, type StoredEmail, uniqueEmail } from '../support/services';

/**
 * Replies over real SMTP: the local stack's SMTP server (the stand-in for SES receiving) gets a
 * message as any mail client would send it, and the real inbound handler pauses the sequence.
 */

jest.setTimeout(120_000);

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let token: string;
const STAFF = 'frontdesk@example.com';

beforeAll(async () => {
  stack = await localStackForTest();
  const user = stack.consoleUsers[0]!;
  const login = await fetch(`${stack.base}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  token = ((await login.json()) as { token: string }).token;
});
afterAll(() => stack.stop());

function smtp() {
  return createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
}

async function timeline(email: string): Promise<LeadTimeline> {
  const response = await fetch(`${stack.base}/admin/api/leads/${testLeadId(email)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as LeadTimeline;
}

/** A lead who got the welcome email: its Reply-To is their signed reply address. */
async function leadWithWelcome(label: string): Promise<{ email: string; welcome: StoredEmail }> {
  const email = uniqueEmail(label);
  expect((await postLead(stack.base, validLead(email))).status).toBe(202);
  await control(stack.base, '/__local/drip/tick');
  const mails = await outbox(email);
  expect(mails).toHaveLength(2);
  return { email, welcome: mails[1]! };
}

const REPLY_NOTICE = 'A lead replied to a nurture email';
const replyNoticesAbout = async (email: string) =>
  (await outbox(STAFF)).filter((mail) => mail.subject === REPLY_NOTICE && mail.body.text?.includes(testLeadId(email)));

describe('replies over SMTP in the local stack', () => {
  it('gives each sequence email a signed reply address on the receiving subdomain, never in From', async () => {
    const { welcome } = await leadWithWelcome('replyto');
    expect(welcome.replyTo).toEqual([expect.stringMatching(/^r\+[\w-]+\.[\w-]{16}@reply\.mail\.example\.com$/)]);
    expect(welcome.from).not.toContain('r+');
  });

  it('stops the sequence on a reply, puts the trimmed text on the timeline, opens a task and tells staff', async () => {
    const { email, welcome } = await leadWithWelcome('replier');
    const sent = await smtp().sendMail({
      from: email,
      to: welcome.replyTo[0],
      subject: `Re: ${welcome.subject}`,
      inReplyTo: `<${welcome.messageId}@email.amazonses.com>`,
      text: 'Please call me\n\nOn Tue, 1 Dec 2026, Clinic <care@mail.example.com> wrote:\n> Welcome',
    });
    expect(sent.response).toMatch(/^250/);

    await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
    expect(await outbox(email)).toHaveLength(2); // nothing after the welcome

    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'replied' });
    const reply = events.find((event) => event.kind === 'reply');
    expect(reply?.title).toBe('Replied');
    expect(reply?.detail).toMatch(/^Please call me\n\nMatched by its reply address\.$/);
    expect(events.some((event) => event.kind === 'paused')).toBe(true);

    const notices = await replyNoticesAbout(email);
    expect(notices.map((mail) => mail.subject)).toEqual(['A lead replied to a nurture email']);
    expect(notices[0]!.subject).not.toContain(email);
  });

  it('still ends a paused enrolment when the person then unsubscribes', async () => {
    const { email, welcome } = await leadWithWelcome('replied-then-unsubscribed');
    await smtp().sendMail({ from: email, to: welcome.replyTo[0], subject: `Re: ${welcome.subject}`, text: 'Thanks' });
    expect((await timeline(email)).enrolments[0]).toMatchObject({ status: 'replied' });

    const header = welcome.headers?.find((candidate) => candidate.name === 'List-Unsubscribe');
    const unsubscribe = await fetch(header!.value.slice(1, -1), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(unsubscribe.status).toBe(200);
    expect((await timeline(email)).enrolments[0]).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' });
  });

  it('notes an automatic reply and lets the sequence go on', async () => {
    const { email, welcome } = await leadWithWelcome('away');
    await smtp().sendMail({
      from: email,
      to: welcome.replyTo[0],
      subject: 'Automatic reply: back on Monday',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am out of the office until Monday.',
    });
    await control(stack.base, '/__local/drip/advance', { duration: 'P4D' });
    expect((await outbox(email)).length).toBeGreaterThan(2); // the next step went out

    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'active' });
    expect(events.find((event) => event.kind === 'auto-reply')?.detail).toBe('Auto-Submitted: auto-replied');
    expect(await replyNoticesAbout(email)).toEqual([]);
  });

  it('attaches a reply from another address that carries a valid reply address, flagged', async () => {
    const { email, welcome } = await leadWithWelcome('forwarded');
    await smtp().sendMail({ from: uniqueEmail('spouse'), to: welcome.replyTo[0], subject: 'Re: hi', text: 'Call us' });
    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'replied' });
    expect(events.find((event) => event.kind === 'reply')?.title).toBe('Replied from another address (flagged)');
  });

  it('matches a reply by In-Reply-To when the reply address was lost', async () => {
    const { email, welcome } = await leadWithWelcome('threaded');
    await smtp().sendMail({
      from: email,
      to: 'frontdesk@reply.mail.example.com',
      subject: 'Re: hi',
      inReplyTo: `<${welcome.messageId}@email.amazonses.com>`,
      references: [`<${welcome.messageId}@email.amazonses.com>`],
      text: 'Text me please',
    });
    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'replied' });
    expect(events.find((event) => event.kind === 'reply')?.detail).toContain('Matched by the email it answers.');
  });

  it('matches a reply to an email sent before keyed ids, whose reply address names the unkeyed id', async () => {
    const { email } = await leadWithWelcome('pre-keyed');
    const oldAddress = replyAddressFor(unkeyedLeadId(email), stack.env.REPLY_DOMAIN!, await stack.signingKey());
    await smtp().sendMail({ from: email, to: oldAddress, subject: 'Re: hi', text: 'Please call me' });
    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'replied' });
    expect(events.find((event) => event.kind === 'reply')?.title).toBe('Replied');
  });

  it('forwards a reply that matches no lead (or carries a forged token) to the staff inbox', async () => {
    const { email, welcome } = await leadWithWelcome('forged');
    const forged = welcome.replyTo[0]!.replace(/\.[\w-]{16}@/, '.AAAAAAAAAAAAAAAA@');
    const stranger = uniqueEmail('stranger');
    await smtp().sendMail({ from: stranger, to: forged, subject: 'Hello', text: 'Who is this?' });
    const forwarded = (await outbox(STAFF)).filter((mail) => mail.body.text?.includes(stranger));
    expect(forwarded.map((mail) => mail.subject)).toEqual(['A reply that matched no lead']);
    expect(forwarded[0]!.replyTo).toEqual([stranger]);
    expect(forwarded[0]!.body.text).toContain('reply address with an invalid signature');
    expect((await timeline(email)).enrolments[0]).toMatchObject({ status: 'active' });
  });

  it('refuses a message that is not an email with 550 and stores nothing', async () => {
    const { email, welcome } = await leadWithWelcome('garbled');
    const before = (await outbox()).length;
    await expect(
      smtp().sendMail({ envelope: { from: email, to: [welcome.replyTo[0]!] }, raw: 'no headers at all\r\njust text' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    expect((await outbox()).length).toBe(before);
    const { enrolments, events } = await timeline(email);
    expect(enrolments[0]).toMatchObject({ status: 'active' });
    expect(events.some((event) => event.kind === 'reply' || event.kind === 'auto-reply')).toBe(false);
  });

  it('refuses an oversized message with 552 and stores nothing', async () => {
    const { email, welcome } = await leadWithWelcome('huge');
    const answer = await rawSmtp([
      'EHLO test',
      `MAIL FROM:<${email}>`,
      `RCPT TO:<${welcome.replyTo[0]}>`,
      'DATA',
      `From: ${email}\r\nTo: ${welcome.replyTo[0]}\r\nSubject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(11_000),
    ]);
    expect(answer).toMatch(/^552 5\.3\.4 Message too large/m);
    expect((await timeline(email)).enrolments[0]).toMatchObject({ status: 'active' });
  });

  it('refuses recipients outside the receiving domain', async () => {
    await expect(
      smtp().sendMail({ from: uniqueEmail('x'), to: 'someone@example.org', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });
});

/** Speaks SMTP over a raw socket (the body ends with <CRLF>.<CRLF>); returns everything the server said. */
function rawSmtp(commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: stack.smtpPort });
    let received = '';
    let step = 0;
    let quitting = false;
    socket.on('data', (chunk) => {
      if (quitting) return;
      received += chunk.toString();
      if (!/\r\n$/.test(received) || /^\d{3}-/m.test(received.split('\r\n').at(-2) ?? '')) return;
      if (step < commands.length) {
        const command = commands[step]!;
        step += 1;
        socket.write(step === commands.length ? `${command}.\r\n` : `${command}\r\n`);
      } else {
        quitting = true;
        socket.end('QUIT\r\n');
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}
