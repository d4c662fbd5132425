import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { buildEmails, EMAILS_DIR } from '../../emails/build';
import { SAMPLE_VALUES } from '../../emails/sample-values';
import { renderStep } from '../../functions/render/render-step';

// `npm run bench` measures the real figure (goal: 100x). This guards against a regression
// that would put parsing or mjml back on the send path, with room for a busy test machine.
it('renders a step from the bundle far faster than compiling its MJML', async () => {
  const bundle = await buildEmails({ outFile: false });
  const sequence = bundle.sequences['exosome-aftercare']!;
  const step = sequence.steps.find((candidate) => candidate.id === 'welcome')!;
  const file = join(EMAILS_DIR, 'sequences', sequence.id, 'welcome.mjml');
  const source = readFileSync(file, 'utf8');
  const options = {
    validationLevel: 'strict' as const,
    filePath: file,
    ignoreIncludes: false,
    includePath: EMAILS_DIR,
  };

  await mjml2html(source, options);
  renderStep({ sequence, step, values: SAMPLE_VALUES });

  let started = performance.now();
  for (let i = 0; i < 10; i++) await mjml2html(source, options);
  const compileMs = (performance.now() - started) / 10;

  started = performance.now();
  for (let i = 0; i < 1000; i++) renderStep({ sequence, step, values: SAMPLE_VALUES });
  const renderMs = (performance.now() - started) / 1000;

  expect(compileMs / renderMs).toBeGreaterThan(30);
});
