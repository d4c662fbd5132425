import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmails, EMAILS_DIR, EmailBuildError } from '../../emails/build';
import type { BuildProblem } from '../../functions/sequence/compile/problems';
import { emailBundleSchema } from '../../functions/sequence/compiled';

const SEQUENCE = 'sequences/exosome-aftercare.yaml';
const WELCOME = 'sequences/exosome-aftercare/welcome.mjml';
const dirs: string[] = [];

/** A copy of the real email sources in a temp dir, edited to carry one mistake. */
async function fixture(edit?: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emails-'));
  dirs.push(dir);
  await cp(EMAILS_DIR, dir, {
    recursive: true,
    filter: (source) => !source.includes('/dist') && !source.endsWith('.ts'),
  });
  await edit?.(dir);
  return dir;
}

async function replaceIn(dir: string, file: string, search: string | RegExp, replacement: string): Promise<void> {
  const path = join(dir, file);
  const before = await readFile(path, 'utf8');
  const after = before.replace(search, replacement);
  if (after === before) throw new Error(`fixture edit did nothing in ${file}`);
  await writeFile(path, after);
}

async function lineOf(dir: string, file: string, text: string): Promise<number> {
  const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`"${text}" not in ${file}`);
  return index + 1;
}

async function problemsOf(dir: string): Promise<BuildProblem[]> {
  try {
    await buildEmails({ emailsDir: dir, outFile: false });
  } catch (error) {
    if (error instanceof EmailBuildError) return error.problems;
    throw error;
  }
  throw new Error('expected the build to fail');
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('buildEmails on fixtures', () => {
  it('builds an untouched copy and writes a bundle that matches the schema', async () => {
    const dir = await fixture();
    const outFile = join(dir, 'dist', 'bundle.json');
    await buildEmails({ emailsDir: dir, outFile });
    const written = JSON.parse(await readFile(outFile, 'utf8'));
    expect(emailBundleSchema.safeParse(written).success).toBe(true);
  });

  it('reports a subject over 60 characters with the file, the path in it, the line and the reason', async () => {
    const long = 'This subject line goes on and on for far more than sixty characters';
    const dir = await fixture((d) =>
      replaceIn(d, SEQUENCE, /subject: .Why the source of exosomes matters: PBME Topical./, `subject: '${long}'`),
    );
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('exosome-aftercare.yaml'),
        path: 'steps[2].subject',
        line: await lineOf(dir, SEQUENCE, long),
        message: expect.stringContaining('60 characters'),
      }),
    ]);
  });

  it('reports a bad delay and a bad send window with their paths', async () => {
    const dir = await fixture(async (d) => {
      await replaceIn(d, SEQUENCE, 'delay: P4D', 'delay: four days');
      await replaceIn(d, SEQUENCE, /start: .09:00./, "start: '9am'");
    });
    const problems = await problemsOf(dir);
    expect(problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['sendWindow.start', 'steps[2].delay']),
    );
    expect(problems.find((problem) => problem.path === 'steps[2].delay')!.message).toContain('ISO-8601');
  });

  it('refuses a subject that speaks of the reader’s health', async () => {
    const dir = await fixture(async (d) => {
      await replaceIn(
        d,
        SEQUENCE,
        'subject: Meet our surgeon, and how a consultation works',
        'subject: Your recovery after Fraxel, week two',
      );
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^steps\[\d\]\.subject$/),
        message: expect.stringContaining('health'),
      }),
    ]);
  });

  it('reports a time-zone fallback that is neither "practice" nor a real zone', async () => {
    const dir = await fixture(async (d) => {
      await replaceIn(d, SEQUENCE, /timeZoneFallback: .*/, 'timeZoneFallback: America/Tampa');
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      expect.objectContaining({ path: 'timeZoneFallback', message: expect.stringContaining('IANA time zone') }),
    ]);
  });

  it('reports invalid YAML with the file and line', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, SEQUENCE, 'name: Exosome aftercare (PBME Topical)', 'name: [unclosed'),
    );
    const [problem] = await problemsOf(dir);
    expect(problem).toEqual(
      expect.objectContaining({
        file: expect.stringContaining('exosome-aftercare.yaml'),
        line: expect.any(Number),
        message: expect.stringContaining('invalid YAML'),
      }),
    );
  });

  it('fails when a quoted source is not in the article', async () => {
    const invented = 'Exosomes cure every skin condition within a week.';
    const dir = await fixture((d) =>
      replaceIn(
        d,
        SEQUENCE,
        '- Our approach is personalized.\n',
        `- Our approach is personalized.\n      - ${invented}\n`,
      ),
    );
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'steps[0].sources[3]',
        line: await lineOf(dir, SEQUENCE, invented),
        message: expect.stringContaining('quote not found'),
      }),
    ]);
  });

  it('fails on an unknown placeholder, naming the file and line', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, WELCOME, 'Hi {{firstName|there}},', 'Hi {{first_name}}, {{firstname|there}},'),
    );
    const problems = await problemsOf(dir);
    const line = await lineOf(dir, WELCOME, '{{firstname|there}}');
    expect(problems).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('welcome.mjml'),
        line,
        message: expect.stringContaining('Malformed placeholder'),
      }),
      expect.objectContaining({
        file: expect.stringContaining('welcome.mjml'),
        line,
        message: expect.stringContaining('Unknown placeholder "{{firstname}}"'),
      }),
    ]);
  });

  it('fails on an unknown placeholder in a subject, naming the path', async () => {
    const dir = await fixture((d) => replaceIn(d, SEQUENCE, 'Meet our surgeon, and how', 'Meet {{doctor}}, and how'));
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({ path: 'steps[7].subject', message: expect.stringContaining('{{doctor}}') }),
    ]);
  });

  it.each([
    ['{{surgeonName}}: how', 'reads as a mapping'],
    ['{{surgeonName}} and how', 'is invalid YAML'],
  ])('explains that an unquoted value starting with a placeholder needs quotes (%s %s)', async (start) => {
    const dir = await fixture((d) => replaceIn(d, SEQUENCE, 'Meet our surgeon, and how', start));
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({
        line: await lineOf(dir, SEQUENCE, start),
        message: expect.stringContaining('must be in quotes'),
      }),
    );
  });

  it('fails on an MJML validation error with the file and line', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, WELCOME, '<mj-button href="{{bookingUrl}}">', '<mj-button href="{{bookingUrl}}" shape="round">'),
    );
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('welcome.mjml'),
        line: await lineOf(dir, WELCOME, 'shape="round"'),
        message: expect.stringContaining('Attribute shape is illegal'),
      }),
    ]);
  });

  it('names the partial, not the email, when the error is in a shared layout file', async () => {
    const dir = await fixture((d) =>
      replaceIn(
        d,
        'layout/footer-common.mjml',
        '<mj-text mj-class="small">This',
        '<mj-text mj-class="small" sparkle="yes">This',
      ),
    );
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('layout/footer-common.mjml'),
        line: 1,
        message: expect.stringContaining('sparkle'),
      }),
    ]);
  });

  it('fails on an include that does not exist instead of dropping it', async () => {
    const dir = await fixture((d) => replaceIn(d, WELCOME, 'layout/footer-nurture.mjml', 'layout/footer-missing.mjml'));
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({
        file: expect.stringContaining('welcome.mjml'),
        line: await lineOf(dir, WELCOME, 'footer-missing'),
        message: expect.stringContaining('not found'),
      }),
    ]);
  });

  it('fails when an email leaves out the shared footer', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, WELCOME, '<mj-include path="../../layout/footer-nurture.mjml" />', ''),
    );
    const messages = (await problemsOf(dir)).map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('disclaimer'),
        expect.stringContaining('postal address'),
        expect.stringContaining('unsubscribe'),
      ]),
    );
  });

  it('fails on an image without alt text and on a plain http link', async () => {
    const dir = await fixture((d) =>
      replaceIn(
        d,
        WELCOME,
        '<mj-button',
        '<mj-image src="https://example.com/a.png" /><mj-text><a href="http://example.com/">x</a></mj-text><mj-button',
      ),
    );
    const messages = (await problemsOf(dir)).map((problem) => problem.message);
    expect(messages).toEqual([
      expect.stringContaining('image without alt text'),
      expect.stringContaining('not absolute https: http://example.com/'),
    ]);
  });

  it('fails on a placeholder where no escaping is safe', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, WELCOME, '<p>Hi {{firstName|there}},</p>', '<p style="color: {{firstName}}">Hi</p>'),
    );
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('inside the "style" attribute') }),
    ]);
  });

  it('fails when a step names a template that does not exist', async () => {
    const dir = await fixture((d) => replaceIn(d, SEQUENCE, 'template: why-pbme', 'template: why-pbme-v2'));
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({ path: 'steps[2].template', message: expect.stringContaining('why-pbme-v2.mjml') }),
    ]);
  });

  it('fails when a sequence id does not match its file name', async () => {
    const dir = await fixture((d) => replaceIn(d, SEQUENCE, 'id: exosome-aftercare', 'id: exosomes'));
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({ path: 'id', message: expect.stringContaining('file name') }),
    ]);
  });

  it('reports a bad transactional manifest with its path', async () => {
    const dir = await fixture((d) =>
      replaceIn(d, 'transactional/manifest.yaml', /opt-in:\n {2}subject: .*\n/, 'opt-in:\n'),
    );
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({ file: expect.stringContaining('manifest.yaml'), path: 'opt-in.subject' }),
    ]);
  });

  it('tags literal https links with the sequence and step, and leaves placeholders alone', async () => {
    const dir = await fixture((d) =>
      replaceIn(
        d,
        WELCOME,
        '<mj-button',
        '<mj-text><a href="https://example.com/article?ref=x">Read the article</a></mj-text><mj-button',
      ),
    );
    const bundle = await buildEmails({ emailsDir: dir, outFile: false });
    const html = bundle.sequences['exosome-aftercare']!.steps[0]!.template.html;
    expect(html).toContain(
      'href="https://example.com/article?ref=x&amp;utm_source=email&amp;utm_medium=nurture&amp;utm_campaign=exosome-aftercare&amp;utm_content=welcome"',
    );
    expect(html).toContain('href="{{bookingUrl}}"');
  });

  it('gives a sequence a new version when its content changes', async () => {
    const original = await buildEmails({ emailsDir: await fixture(), outFile: false });
    const edited = await buildEmails({
      emailsDir: await fixture((d) => replaceIn(d, WELCOME, 'Warm regards', 'Kind regards')),
      outFile: false,
    });
    expect(edited.sequences['exosome-aftercare']!.version).not.toBe(original.sequences['exosome-aftercare']!.version);
  });
});
