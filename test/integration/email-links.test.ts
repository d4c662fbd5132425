import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signAsCalendly } from '../../functions/booking/tool-signatures';
import type { Mailer, OutgoingEmail } from '../../functions/mail/outgoing-email';
import { type EmailBundle, TRANSACTIONAL_TEMPLATES } from '../../functions/sequence/compiled';
import { ROOT } from '../../local/paths';
import { validLead } from '../support/capture-harness';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/**
 * Every link in every built email (emails/dist after `npm run emails:build`), followed on the
 * real local stack: the emails are the ones its handlers send (single opt-in for the
 * confirmation and the whole sequence, double opt-in for the confirmation-link email), and
 * each link must answer 200 and, when it has a fragment, land on an element with that id.
 */

jest.setTimeout(120_000);

const bundle = JSON.parse(readFileSync(join(ROOT, 'emails/dist/bundle.json'), 'utf8')) as EmailBundle;

/** What each email was built from: a transactional template, or a sequence's step. */
function builtFrom(email: OutgoingEmail): string {
  return email.tags.kind === 'step' ? `${email.tags.sequence} · ${email.tags.step}` : String(email.tags.kind);
}

const EVERY_BUILT_EMAIL = [
  ...TRANSACTIONAL_TEMPLATES.filter((id) => bundle.transactional[id]),
  ...Object.values(bundle.sequences).flatMap((sequence) =>
    sequence.steps.filter((step) => step.enabled).map((step) => `${sequence.id} · ${step.id}`),
  ),
].sort();

function recordingMailer(sent: OutgoingEmail[]): Mailer {
  return {
    send: async (email) => {
      sent.push(email);
      return { messageId: `recorded-${sent.length}` };
    },
  };
}

/** Every link of an email: the href of each anchor in the HTML, and each URL of the text part. */
function linksOf(email: OutgoingEmail): string[] {
  const hrefs = [...email.html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/gi)].map((match) =>
    match[1]!.replace(/&amp;/g, '&'),
  );
  const inText = [...email.text.matchAll(/https?:\/\/[^\s\])>"]+/g)].map((match) => match[0]);
  return [...new Set([...hrefs, ...inText])];
}

interface Checked {
  email: string;
  link: string;
  problem: string;
}

/** Follows one link; returns what is wrong with it, or undefined. */
async function problemWith(link: string, base: string): Promise<string | undefined> {
  if (!URL.canParse(link)) return 'not an absolute URL';
  const url = new URL(link);
  if (url.origin !== new URL(base).origin) return `points away from the stack (${url.origin})`;
  const response = await fetch(url, { redirect: 'manual' });
  const page = await response.text();
  if (response.status !== 200) return `answered ${response.status}`;
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (!fragment) return undefined;
  // `#/leads/…` is a route of the console's hash router, not an element.
  if (fragment.startsWith('/')) return page.includes('id="page"') ? undefined : 'route fragment outside the console';
  const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
  return ids.has(fragment) ? undefined : `no element with id "${fragment}" on ${url.pathname}`;
}

/**
 * A person signs up on a stack in that consent mode; every link of every email the stack sent
 * is followed while it runs (the double opt-in token lives in its table).
 */
async function linksFollowedIn(
  mode: 'single' | 'double',
): Promise<{ covered: string[]; followed: number; problems: Checked[] }> {
  const sent: OutgoingEmail[] = [];
  const stack = await localStackForTest({ CONSENT_MODE: mode }, { mailer: recordingMailer(sent) });
  try {
    const email = uniqueEmail('links');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);
    if (mode === 'single') {
      // A second person on the small-joints path, so its emails are followed too.
      const joints = uniqueEmail('links-joints');
      const jointsLead = validLead(joints, { interests: ['small-joint-injections'] });
      expect((await postLead(stack.base, jointsLead)).status).toBe(202);
      // The welcome, then a click on its booking link without a booking (the booking nudge), then
      // 35 days: the whole sequence.
      await control(stack.base, '/__local/drip/tick');
      await control(stack.base, '/__local/ses/booking-click', { email });
      await control(stack.base, '/__local/drip/advance', { duration: 'P35D' });
      // A consultation booked in Calendly, then cancelled: the rebook path's emails too.
      for (const event of ['invitee.created', 'invitee.canceled']) {
        const body = JSON.stringify({ event, payload: { email, uri: `local:calendly:${email}`, rescheduled: false } });
        const signature = signAsCalendly(body, await stack.bookingTools.calendlyKey(), stack.clock.now().getTime());
        const answer = await fetch(`${stack.base}/webhooks/calendly`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'calendly-webhook-signature': signature },
          body,
        });
        expect(answer.status).toBe(200);
      }
      await control(stack.base, '/__local/drip/tick');
      await control(stack.base, '/__local/drip/advance', { duration: 'P14D' });
    }
    const problems: Checked[] = [];
    let followed = 0;
    for (const email of sent) {
      for (const link of linksOf(email)) {
        followed++;
        const problem = await problemWith(link, stack.base);
        if (problem) problems.push({ email: builtFrom(email), link: link.replace(stack.base, ''), problem });
      }
    }
    return { covered: sent.map(builtFrom), followed, problems };
  } finally {
    await stack.stop();
  }
}

describe('the links in the built emails', () => {
  it('each answers 200 on the local stack and lands on its fragment, in every built email', async () => {
    const single = await linksFollowedIn('single');
    const double = await linksFollowedIn('double');
    expect([...new Set([...single.covered, ...double.covered])].sort()).toEqual(EVERY_BUILT_EMAIL);
    expect(single.followed + double.followed).toBeGreaterThanOrEqual(EVERY_BUILT_EMAIL.length);
    expect([...single.problems, ...double.problems]).toEqual([]);
  });
});
