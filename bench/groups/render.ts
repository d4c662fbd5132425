import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import mjml2html from 'mjml';
import { loadYamlFile } from '../../emails/lib/yaml-file';
import { SAMPLE_VALUES } from '../../emails/sample-values';
import { renderEmail, type UtmTags } from '../../functions/render/render';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { CompiledTemplate } from '../../functions/sequence/compiled';
import { sequenceDefinitionSchema } from '../../functions/sequence/definition';
import { bundleLambda, kb } from '../bundle';
import type { BenchGroup } from '../group';
import { atLeast, type Figure } from '../report';
import { median, progress } from '../stats';

/** The email sources: sequences/<id>.yaml, sequences/<id>/<template>.mjml, transactional/<id>.mjml. */
const EMAILS_DIR = join(__dirname, '..', '..', 'emails');
const ROUNDS = 9;
const WARMUP_ROUNDS = 2;
/** Renders per timed batch: one render takes microseconds, too short to time alone. */
const RENDERS_PER_BATCH = 200;

interface EmailCase {
  name: string;
  mjmlFile: string;
  preheader: string;
  subject: string;
  template: CompiledTemplate;
  utm?: UtmTags;
}

export const renderGroup: BenchGroup = {
  async run() {
    const cases = await emailCases();
    // Warm both paths on every email first, so the first email measured is not the JIT's.
    for (const email of cases) await timeEmail(email, 1, 0);
    const perEmail: { name: string; mjmlUs: number; renderUs: number }[] = [];
    for (const email of cases) {
      const timing = await timeEmail(email, WARMUP_ROUNDS, ROUNDS);
      perEmail.push({ name: email.name, ...timing });
      progress(
        'render',
        `${email.name}: mjml + substitution ${(timing.mjmlUs / 1000).toFixed(1)} ms, ` +
          `bundle render ${timing.renderUs.toFixed(1)} µs (${(timing.mjmlUs / timing.renderUs).toFixed(0)}x)`,
      );
    }
    const speedups = perEmail.map((email) => email.mjmlUs / email.renderUs);

    progress('render', 'bundling functions/lambdas/sender/index.ts with and without the sequences');
    const sender = await bundleLambda('functions/lambdas/sender/index.ts', 'sender');
    const swapped = { count: 0 };
    const lean = await bundleLambda('functions/lambdas/sender/index.ts', 'sender-no-sequences', {
      plugins: [withoutSequences(swapped)],
    });
    if (swapped.count === 0) throw new Error('the sender bundle did not load emails/dist/bundle.json');

    return [
      // The slowest email's speedup: every email must clear the goal, not the average one.
      { name: 'speedup_vs_mjml', value: Math.min(...speedups), unit: 'x (min of emails)', goal: atLeast(100) },
      { name: 'speedup_median', value: median(speedups), unit: 'x (median of emails)' },
      { name: 'us_per_email', value: median(perEmail.map((email) => email.renderUs)), unit: 'µs (median of emails)' },
      { name: 'mjml_ms_per_email', value: median(perEmail.map((email) => email.mjmlUs)) / 1000, unit: 'ms (median)' },
      { name: 'emails', value: cases.length, unit: 'count' },
      { name: 'sender_bundle_kb', value: kb(sender.bytes), unit: 'KB' },
      { name: 'sender_bundle_without_sequences_kb', value: kb(lean.bytes), unit: 'KB' },
    ] satisfies Figure[];
  },
};

/**
 * Every email in the bundle (each sequence step and each transactional email) with the MJML
 * file it was compiled from. Template names come from the sequence files, as in emails/build.ts.
 */
async function emailCases(): Promise<EmailCase[]> {
  const bundle = bundledEmails();
  const cases: EmailCase[] = [];
  for (const sequence of Object.values(bundle.sequences)) {
    const file = join(EMAILS_DIR, 'sequences', `${sequence.id}.yaml`);
    const definition = (await loadYamlFile(file, sequenceDefinitionSchema)).value;
    if (!definition) throw new Error(`cannot read ${file}`);
    for (const step of sequence.steps) {
      const source = definition.steps.find((candidate) => candidate.id === step.id);
      if (!source) throw new Error(`step ${step.id} of ${sequence.id} is in the bundle but not in ${file}`);
      cases.push({
        name: `${sequence.id}/${step.id}`,
        mjmlFile: join(EMAILS_DIR, 'sequences', sequence.id, `${source.template}.mjml`),
        preheader: step.preheader,
        subject: step.variants[0]!.subject,
        template: step.template,
        utm: { campaign: sequence.id, content: step.id },
      });
    }
  }
  for (const [id, template] of Object.entries(bundle.transactional)) {
    cases.push({
      name: `transactional/${id}`,
      mjmlFile: join(EMAILS_DIR, 'transactional', `${id}.mjml`),
      preheader: template.preheader,
      subject: template.subject,
      template,
    });
  }
  return cases;
}

/**
 * One email, both ways, interleaved round by round; medians per email.
 * - Compiling at send time: mjml2html on the email's MJML source, with the preheader put in
 *   and the options exactly as functions/sequence/compile/compile-mjml.ts uses them, then the same
 *   substitution (renderEmail) on the HTML it produced. The plain-text part is taken from
 *   the bundle rather than derived again, which flatters this side slightly.
 * - From the bundle: renderEmail on the compiled template, as the sender does.
 */
async function timeEmail(email: EmailCase, warmup: number, rounds: number) {
  const source = withPreview(await readFile(email.mjmlFile, 'utf8'), email.preheader);
  const options = {
    validationLevel: 'strict' as const,
    filePath: email.mjmlFile,
    ignoreIncludes: false,
    includePath: EMAILS_DIR,
    keepComments: false,
  };
  const values = SAMPLE_VALUES;
  const compileAtSendTime = async () => {
    const { html } = await mjml2html(source, options);
    return renderEmail({
      template: { html, text: email.template.text },
      subject: email.subject,
      values,
      utm: email.utm,
    });
  };
  const fromBundle = () => renderEmail({ template: email.template, subject: email.subject, values, utm: email.utm });

  const mjmlUs: number[] = [];
  const renderUs: number[] = [];
  let sink = 0;
  for (let round = 0; round < warmup + rounds; round++) {
    const timeMjml = async () => {
      const started = performance.now();
      sink += (await compileAtSendTime()).html.length;
      return (performance.now() - started) * 1000;
    };
    const timeRender = () => {
      const started = performance.now();
      for (let index = 0; index < RENDERS_PER_BATCH; index++) sink += fromBundle().html.length;
      return ((performance.now() - started) * 1000) / RENDERS_PER_BATCH;
    };
    let mjml: number;
    let render: number;
    if (round % 2 === 0) {
      mjml = await timeMjml();
      render = timeRender();
    } else {
      render = timeRender();
      mjml = await timeMjml();
    }
    if (round >= warmup) {
      mjmlUs.push(mjml);
      renderUs.push(render);
    }
  }
  if (sink === 0) throw new Error('nothing rendered');
  return rounds === 0 ? { mjmlUs: 0, renderUs: 0 } : { mjmlUs: median(mjmlUs), renderUs: median(renderUs) };
}

/** As functions/sequence/compile/compile-mjml.ts: the preheader from the definition goes in as <mj-preview>. */
function withPreview(source: string, preheader: string): string {
  const head = source.indexOf('<mj-head>');
  if (head === -1) throw new Error('MJML source without <mj-head>');
  const escaped = preheader.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `${source.slice(0, head)}<mj-head><mj-preview>${escaped}</mj-preview>${source.slice(head + '<mj-head>'.length)}`;
}

/** Replaces the email bundle by one with the same transactional templates and no sequences. */
function withoutSequences(seen: { count: number }): Plugin {
  return {
    name: 'bench-without-sequences',
    setup(build) {
      build.onLoad({ filter: /[\\/]emails[\\/]dist[\\/]bundle\.json$/ }, async (args) => {
        seen.count++;
        const bundle = JSON.parse(await readFile(args.path, 'utf8')) as Record<string, unknown>;
        return { contents: JSON.stringify({ ...bundle, sequences: {} }), loader: 'json' };
      });
    },
  };
}
