import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Duration } from 'luxon';
import mjml2html from 'mjml';
import { buildEmails, EMAILS_DIR } from '../../emails/build';
import { HOSTILE_VALUES, SAMPLE_VALUES } from '../../emails/sample-values';
import { renderEmail } from '../../functions/render/render';
import { renderStep } from '../../functions/render/render-step';
import type { CompiledTemplate, EmailBundle } from '../../functions/sequence/compiled';
import { pathFor, topicCombinations } from '../../functions/sequence/paths';

const DISCLAIMER = 'This email is general information, not medical advice.';
const ARTICLE = readFileSync(join(EMAILS_DIR, 'sources', 'exosome-article.txt'), 'utf8');

interface Email {
  name: string;
  template: CompiledTemplate;
  subjects: string[];
  preheader: string;
  isStep: boolean;
  unsubscribe: boolean;
  render(values: Record<string, string>): { subject: string; html: string; text: string }[];
}

let bundle: EmailBundle;
let emails: Email[];

beforeAll(async () => {
  bundle = await buildEmails({ outFile: false });
  emails = [
    ...Object.values(bundle.sequences).flatMap((sequence) =>
      sequence.steps.map((step) => ({
        name: `${sequence.id}/${step.id}`,
        template: step.template,
        subjects: step.variants.map((variant) => variant.subject),
        preheader: step.preheader,
        isStep: true,
        unsubscribe: true,
        render: (values: Record<string, string>) =>
          step.variants.map((variant) => renderStep({ sequence, step, variantId: variant.id, values })),
      })),
    ),
    ...Object.entries(bundle.transactional).map(([id, template]) => ({
      name: `transactional/${id}`,
      template,
      subjects: [template.subject],
      preheader: template.preheader,
      isStep: false,
      unsubscribe: id !== 'staff-notification',
      render: (values: Record<string, string>) => [renderEmail({ template, subject: template.subject, values })],
    })),
  ];
});

/** Runs a check on every email and lists the failures by email, so one run shows them all. */
function failures(check: (email: Email) => string | undefined | false): string[] {
  return emails.flatMap((email) => {
    const problem = check(email);
    return problem ? [`${email.name}: ${problem}`] : [];
  });
}

describe('every email', () => {
  it('compiles under strict MJML validation, straight from its file', async () => {
    const sequenceDirs = readdirSync(join(EMAILS_DIR, 'sequences'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `sequences/${entry.name}`);
    const files = [...sequenceDirs, 'transactional'].flatMap((dir) =>
      readdirSync(join(EMAILS_DIR, dir))
        .filter((name) => name.endsWith('.mjml'))
        .map((name) => join(EMAILS_DIR, dir, name)),
    );
    expect(files).toHaveLength(emails.length);
    for (const file of files) {
      const options = {
        validationLevel: 'strict' as const,
        filePath: file,
        ignoreIncludes: false,
        includePath: EMAILS_DIR,
      };
      const result = await mjml2html(readFileSync(file, 'utf8'), options);
      expect({ file: relative(EMAILS_DIR, file), errors: result.errors }).toEqual({
        file: relative(EMAILS_DIR, file),
        errors: [],
      });
      // An include that mjml cannot resolve is dropped silently; the footer proves they resolved.
      expect(result.html).toContain(DISCLAIMER);
    }
  });

  it('declares lang="en"', () => {
    expect(failures((email) => !/<html\b[^>]*\slang="en"/.test(email.template.html) && 'no lang="en"')).toEqual([]);
  });

  it('has a visible unsubscribe link, except the staff notification', () => {
    expect(
      failures(
        (email) =>
          email.unsubscribe &&
          !/<a\b[^>]*href="\{\{unsubscribeUrl\}\}"/.test(email.template.html) &&
          'no unsubscribe link',
      ),
    ).toEqual([]);
    const staff = emails.find((email) => email.name === 'transactional/staff-notification')!;
    expect(staff.template.html).not.toContain('{{unsubscribeUrl}}');
  });

  it('has the postal address, the disclaimer and the reason for receiving it', () => {
    expect(
      failures((email) => {
        const { html } = email.template;
        if (!html.includes('{{practiceAddress}}')) return 'no postal address';
        if (!html.includes(DISCLAIMER)) return 'no disclaimer';
        if (!html.includes('You are receiving this email because')) return 'no reason';
      }),
    ).toEqual([]);
  });

  it('has alt text on every image', () => {
    expect(
      failures((email) => {
        const images = email.template.html.match(/<img\b[^>]*>/gi) ?? [];
        return images.find((tag) => !/\salt="[^"]*\S[^"]*"/.test(tag));
      }),
    ).toEqual([]);
  });

  it('links only to absolute https URLs, apart from placeholders', () => {
    expect(
      failures((email) => {
        const targets = [...email.template.html.matchAll(/\s(?:href|src)="([^"]*)"/gi)].map((match) => match[1]!);
        return targets.find((target) => !/^\{\{[a-zA-Z]+\}\}$/.test(target) && !target.startsWith('https://'));
      }),
    ).toEqual([]);
  });

  it('is at most 100 KB of HTML, so Gmail does not clip it', () => {
    expect(failures((email) => Buffer.byteLength(email.template.html) > 100 * 1024 && 'over 100 KB')).toEqual([]);
  });

  it('has a plain-text part with the same footer', () => {
    expect(
      failures((email) => {
        const { text } = email.template;
        if (text.length < 200) return 'text part too short';
        if (/<[a-z]/i.test(text)) return 'text part contains markup';
        if (!text.includes(DISCLAIMER) || !text.includes('{{practiceAddress}}')) return 'text part misses the footer';
        if (email.unsubscribe && !text.includes('{{unsubscribeUrl}}')) return 'text part misses the unsubscribe link';
      }),
    ).toEqual([]);
  });

  it('carries its preheader in the hidden preview block', () => {
    expect(
      failures(
        (email) =>
          !email.template.html.includes(`opacity:0;overflow:hidden;">${email.preheader}`) && 'preheader missing',
      ),
    ).toEqual([]);
  });

  it('has honest subjects of at most 60 characters, with a preheader', () => {
    expect(
      failures((email) => {
        const long = email.subjects.find((subject) => subject.length > 60);
        if (long) return `subject over 60 characters: ${long}`;
        if (email.preheader.length < 20) return 'preheader missing or too short';
      }),
    ).toEqual([]);
  });

  it('keeps personal and health details out of subject lines', () => {
    const personal = /\{\{\s*(interests|firstName|lead(?!Kind)\w*|signupDate)/;
    expect(failures((email) => email.subjects.find((subject) => personal.test(subject)))).toEqual([]);
  });

  it('leaves no "{{" after rendering with sample data, and stays within 60 characters', () => {
    expect(
      failures((email) => {
        for (const rendered of email.render(SAMPLE_VALUES)) {
          if ([rendered.subject, rendered.html, rendered.text].some((part) => part.includes('{{')))
            return 'raw {{ left';
          if (rendered.subject.length > 60) return `rendered subject over 60: ${rendered.subject}`;
          const hrefs = [...rendered.html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1]!);
          const insecure = hrefs.find((href) => !href.startsWith('https://'));
          if (insecure) return `rendered link not https: ${insecure}`;
        }
      }),
    ).toEqual([]);
  });

  it('shows hostile names as text', () => {
    expect(
      failures((email) => {
        const [rendered] = email.render({ ...SAMPLE_VALUES, ...HOSTILE_VALUES });
        const { html, text } = rendered!;
        if (html.includes('<script') || html.includes('<img src=x')) return 'markup from a value reached the HTML';
        if (email.template.html.includes('{{firstName') && !html.includes('&lt;script&gt;'))
          return 'first name not escaped';
        if (email.template.text.includes('{{firstName') && !text.includes(HOSTILE_VALUES.firstName))
          return 'text part altered the name';
      }),
    ).toEqual([]);
  });
});

describe('the exosome-aftercare sequence', () => {
  const sequence = () => bundle.sequences['exosome-aftercare']!;

  it('gives every topic combination 4 to 8 emails over at most 35 days, the first right after sign-up', () => {
    const { steps } = sequence();
    expect(steps[0]!.delay).toBe('PT0S');
    expect(steps[0]!.when).toBeUndefined();
    for (const topics of topicCombinations()) {
      const path = pathFor(steps, topics);
      expect([topics, path.length >= 4 && path.length <= 8]).toEqual([topics, true]);
      const days = path.reduce((sum, step) => sum + Duration.fromISO(step.delay).as('days'), 0);
      expect([topics, days >= 14 && days <= 35]).toEqual([topics, true]);
    }
  });

  it('fits the path to the topics: no laser aftercare for hair or joints alone, the whole aftercare story for Fraxel', () => {
    const { steps } = sequence();
    const path = (...topics: string[]) => pathFor(steps, topics).map((step) => step.id);
    expect(path('hair-restoration')).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'hair-restoration',
      'meet-the-surgeon',
    ]);
    expect(path('small-joint-injections')).toEqual([
      'welcome',
      'exosomes-explained',
      'small-joints',
      'meet-the-surgeon',
    ]);
    expect(path('fraxel-aftercare')).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'laser-rf-aftercare',
      'what-exosomes-dont-replace',
      'meet-the-surgeon',
    ]);
    expect(path('skin-regeneration')).toEqual([
      'welcome',
      'exosomes-explained',
      'why-pbme',
      'what-exosomes-dont-replace',
      'meet-the-surgeon',
    ]);
    const joints = steps.find((step) => step.id === 'small-joints')!;
    expect(joints.template.text).toContain('Under a new Florida law');
    expect(joints.template.text).toContain('Florida');
    expect(joints.template.text).not.toMatch(/July/);
  });

  it('sends in a daytime window, falling back to the practice time zone', () => {
    expect(sequence().sendWindow).toEqual({
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      start: '09:00',
      end: '18:00',
    });
    expect(sequence().timeZoneFallback).toBe('practice');
  });

  it('tests at least one subject with an A/B variant', () => {
    expect(sequence().steps.some((step) => step.variants.length > 1)).toBe(true);
  });

  it('ends every email with exactly one call to book a consultation', () => {
    for (const step of sequence().steps) {
      const bookingLinks = step.template.html.match(/href="\{\{bookingUrl\}\}"/g) ?? [];
      expect({ step: step.id, bookingLinks: bookingLinks.length }).toEqual({ step: step.id, bookingLinks: 1 });
      expect(step.template.text).toMatch(/Book (a|your) consultation \[\{\{bookingUrl\}\}\]/);
    }
  });

  it('greets by first name with a natural fallback', () => {
    for (const step of sequence().steps) expect(step.template.html).toContain('Hi {{firstName|there}},');
  });

  it('checks its quotes against the practice’s own article, unchanged', () => {
    // The copy the build checks quotes against: pinned, so an edit to it cannot make an
    // invented quote "pass"; and equal to the seed article wherever that is at hand.
    expect(createHash('sha256').update(ARTICLE).digest('hex')).toBe(
      'bef5ce89210c2c27f846211502a45c5315a4581bb90c33aa30e25c1ee04a5c33',
    );
    const seed = join(EMAILS_DIR, '..', '..', 'shared', 'seed', 'exosome-article.txt');
    if (existsSync(seed)) expect(readFileSync(seed, 'utf8')).toBe(ARTICLE);
  });

  it('quotes the article word for word in every step', () => {
    const normalise = (text: string) =>
      text
        .replace(/[\u2018\u2019]/g, "'")
        .replace(/[\u201c\u201d]/g, '"')
        .replace(/\s+/g, ' ');
    for (const step of sequence().steps) {
      expect(step.sources.length).toBeGreaterThan(0);
      for (const quote of step.sources)
        expect({ step: step.id, found: normalise(ARTICLE).includes(normalise(quote)) }).toEqual({
          step: step.id,
          found: true,
        });
    }
  });

  it('does not fill in the article lists that were lost', () => {
    // The article's lists after "help:", "looking to:" and "address:" did not survive; the
    // emails must not quote those lead-ins as if they had content.
    for (const step of sequence().steps) {
      expect(step.sources.some((quote) => /(help|looking to|address):$/.test(quote.trim()))).toBe(false);
    }
  });

  it('has a stable content version', async () => {
    const again = await buildEmails({ outFile: false });
    expect(sequence().version).toMatch(/^[0-9a-f]{12}$/);
    expect(again.sequences['exosome-aftercare']!.version).toBe(sequence().version);
  });
});
