import { randomBytes } from 'node:crypto';
import { MalformedMessageError, parseInboundMessage } from '../../functions/adapters/mime-message';
import {
  assertSafeForHeaders,
  HeaderInjectionError,
  type OutgoingEmail,
  SendError,
} from '../../functions/mail/outgoing-email';
import { autoReplyReason } from '../../functions/reply/auto-reply';
import { leadFromReplyAddress, replyAddressFor } from '../../functions/reply/reply-address';
import { replyPlainText } from '../../functions/reply/reply-text';
import { withReplyAddress } from '../../functions/reply/reply-to-mailer';

const KEY = randomBytes(32);
const DOMAIN = 'reply.mail.example.com';
const LEAD = 'AbCdEfGhIjKlMnOpQrStUvWxYz';

describe('reply addresses', () => {
  it('round-trips a lead id through a signed address within the 64-character local part', () => {
    const address = replyAddressFor(LEAD, DOMAIN, KEY);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(leadFromReplyAddress(address, DOMAIN, KEY)).toBe(LEAD);
  });

  it('refuses an altered lead id, a forged signature, another key or another domain', () => {
    const address = replyAddressFor(LEAD, DOMAIN, KEY);
    const [local] = address.split('@') as [string];
    const signature = local.split('.')[1]!;
    expect(leadFromReplyAddress(`r+${LEAD.replace('A', 'B')}.${signature}@${DOMAIN}`, DOMAIN, KEY)).toBeUndefined();
    expect(leadFromReplyAddress(`r+${LEAD}.${'x'.repeat(16)}@${DOMAIN}`, DOMAIN, KEY)).toBeUndefined();
    expect(leadFromReplyAddress(address, DOMAIN, randomBytes(32))).toBeUndefined();
    expect(leadFromReplyAddress(address.replace(DOMAIN, 'evil.example.com'), DOMAIN, KEY)).toBeUndefined();
    expect(leadFromReplyAddress('frontdesk@example.com', DOMAIN, KEY)).toBeUndefined();
  });

  it('never lets a reply address carry a line break into a header', () => {
    const email = { to: ['a@example.com'], subject: 's', html: '', text: '', headers: [], tags: {} };
    expect(() => assertSafeForHeaders({ ...email, replyTo: 'a@example.com\r\nBcc: x@example.com' })).toThrow(
      HeaderInjectionError,
    );
    expect(() => replyAddressFor(LEAD, 'reply.example.com\r\nBcc: x', KEY)).toThrow();
  });
});

describe('automatic replies', () => {
  const header = (name: string, value: string) => [{ name, value }];
  it.each([
    [header('Auto-Submitted', 'auto-replied'), undefined, 'Auto-Submitted: auto-replied'],
    // Anything else in the header is not repeated (the reason is logged).
    [header('Auto-Submitted', 'dana@example.com'), undefined, 'Auto-Submitted: other'],
    [header('X-Autoreply', 'yes'), undefined, 'X-Autoreply'],
    [header('Precedence', 'bulk'), undefined, 'Precedence: bulk'],
    [header('Precedence', 'junk'), undefined, 'Precedence: junk'],
    [header('Precedence', 'list'), undefined, 'Precedence: list'],
    [[], 'Out of Office: back on Monday', 'Out-of-office subject'],
    [[], 'Automatic reply: Your aftercare questions', 'Out-of-office subject'],
  ])('recognises %j / %s', (headers, subject, reason) => {
    expect(autoReplyReason(headers, subject, 'Hello')).toBe(reason);
  });

  it('recognises out-of-office wording in the body', () => {
    expect(
      autoReplyReason(
        [],
        'Re: aftercare',
        'Thank you for your email. I am currently out of the office until 5 January.',
      ),
    ).toBe('Out-of-office wording');
  });

  it('takes a person’s reply (and Auto-Submitted: no) as a person’s', () => {
    expect(autoReplyReason(header('Auto-Submitted', 'no'), 'Re: aftercare', 'Please call me')).toBeUndefined();
    expect(autoReplyReason([], 'Re: Office hours?', 'Are you open on Saturday?')).toBeUndefined();
  });
});

describe('reply text', () => {
  it('keeps what the person wrote and trims the quoted history', () => {
    const text = [
      'Please call me tomorrow.',
      '',
      'Thanks',
      '',
      'On Tue, 1 Dec 2026 at 10:00, Tampa Bay Plastic Surgery <care@mail.example.com> wrote:',
      '> Hello Ana,',
      '> here is what to expect after Fraxel.',
    ].join('\r\n');
    expect(replyPlainText(text, undefined)).toBe('Please call me tomorrow.\n\nThanks');
  });

  it('trims an Outlook header block and drops quoted lines and control characters', () => {
    const text = 'Yes please\u0007\n> quoted\n________________________________\nFrom: Clinic\nSent: Monday\nold text';
    expect(replyPlainText(text, undefined)).toBe('Yes please');
  });

  it('turns an HTML-only reply into text, without its markup, scripts or quoted blockquote', () => {
    const html = '<div>Call me <b>today</b><script>alert(1)</script></div><blockquote>old</blockquote>';
    expect(replyPlainText(undefined, html)).toBe('Call me today');
  });

  it('caps the text at 4,000 characters', () => {
    expect(replyPlainText('a'.repeat(10_000), undefined).length).toBe(4000);
  });
});

describe('MIME parsing', () => {
  it('reads sender, recipients, references and text', async () => {
    const raw = [
      'From: Ana <ana@example.com>',
      'To: r+x@reply.example.com',
      'Cc: other@example.com',
      'Subject: Re: aftercare',
      'Message-ID: <reply-1@example.com>',
      'References: <first-000000000@email.amazonses.com> <second-00000000@email.amazonses.com>',
      'In-Reply-To: <second-00000000@email.amazonses.com>',
      '',
      'Please call me',
    ].join('\r\n');
    const message = await parseInboundMessage(Buffer.from(raw), { sourceId: 'local/1', recipients: ['env@x.com'] });
    expect(message).toMatchObject({
      from: 'ana@example.com',
      recipients: ['env@x.com', 'r+x@reply.example.com', 'other@example.com'],
      subject: 'Re: aftercare',
      references: [
        'first-000000000@email.amazonses.com',
        'second-00000000@email.amazonses.com',
        'second-00000000@email.amazonses.com',
      ],
    });
    expect(message.text?.trim()).toBe('Please call me');
  });

  it.each([
    ['no header section', 'just some words\r\nand more'],
    ['no From', 'To: a@example.com\r\nSubject: x\r\n\r\nbody'],
    ['a From with no mailbox', 'From: nobody\r\nSubject: x\r\n\r\nbody'],
  ])('refuses a message with %s', async (_, raw) => {
    await expect(parseInboundMessage(Buffer.from(raw), { sourceId: 's', recipients: [] })).rejects.toThrow(
      MalformedMessageError,
    );
  });
});

describe('the reply-address mailer', () => {
  const step = {
    from: 'care@mail.example.com',
    to: ['dana@example.com'],
    subject: 'Welcome',
    html: '<p>Hi</p>',
    text: 'Hi',
    tags: { kind: 'step', lead: 'lead-1' },
  } as unknown as OutgoingEmail;

  it('gives a step back as certainly unsent when the reply key cannot be read, calling SES not at all', async () => {
    let sends = 0;
    const mailer = withReplyAddress(
      { send: async () => ({ messageId: `m-${++sends}` }) },
      {
        receivingDomain: 'reply.mail.example.com',
        replyKey: async () => {
          throw new Error('AccessDeniedException');
        },
        index: { remember: async () => undefined, forgetSentMessages: async () => 0 },
        clock: { now: () => new Date() },
        log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never,
      },
    );

    const failure = await mailer.send(step).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SendError);
    expect(failure).toMatchObject({ outcome: 'retryable', code: 'ReplyKeyUnavailable' });
    expect(sends).toBe(0);
  });
});
