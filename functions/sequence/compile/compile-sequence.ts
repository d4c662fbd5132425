import { join } from 'node:path';
import type { CompiledSequence, CompiledStep } from '../compiled';
import type { SequenceDefinition } from '../definition';
import { pathProblems } from '../paths';
import { compileEmail } from './compile-email';
import { placeholderProblems } from './compile-mjml';
import type { BuildProblem } from './problems';
import { quotesNotInSources } from './quotes';
import { contentVersion } from './version';

export interface SequenceCompileInput {
  definition: SequenceDefinition;
  /**
   * Laid out as emails/ is: `layout/*.mjml` and `sequences/<sequence id>/<template>.mjml`.
   * mjml resolves includes from disk, inside this folder only.
   */
  emailsDir: string;
  /** The articles every quoted source must come from. */
  articles: readonly string[];
  /** Compile only this step (a preview); the result then has no `sequence`. */
  onlyStepId?: string;
  /** Also return the step's HTML when strict MJML refused it, compiled leniently (a preview beside its errors). */
  wantPreview?: boolean;
}

/**
 * Where something is wrong: a path inside the definition (`['steps', 2, 'subject']`), which the
 * caller turns into a YAML line or a console field, or a place in an MJML file.
 */
export type CompileProblem =
  | { path: (string | number)[]; message: string }
  | { path?: undefined; file: string; line?: number; message: string };

export interface SequenceCompileResult {
  /** The whole sequence with its content-hash version; only when nothing is wrong. */
  sequence?: CompiledSequence;
  /** Every step that compiled, by step id, even when others did not. */
  steps: Map<string, CompiledStep>;
  problems: CompileProblem[];
  preview?: { html: string; text: string };
}

/**
 * The one way a sequence is compiled, by `npm run emails:build` and by a console publish alike:
 * quotes checked against the article, placeholders in subjects and preheaders, strict MJML with
 * the shared layout, the content checks (unsubscribe link, postal address, disclaimer),
 * campaign tags on links, the plain-text part and the content-hash version.
 */
export async function compileSequence(input: SequenceCompileInput): Promise<SequenceCompileResult> {
  const { definition } = input;
  const problems: CompileProblem[] = [];
  const steps = new Map<string, CompiledStep>();
  let preview: SequenceCompileResult['preview'];
  for (const [index, step] of definition.steps.entries()) {
    if (input.onlyStepId !== undefined && step.id !== input.onlyStepId) continue;
    const outcome = await compileStep(input, index, problems);
    if (outcome.step) steps.set(step.id, outcome.step);
    preview ??= outcome.preview;
  }
  if (input.onlyStepId === undefined) problems.push(...pathProblems(definition.steps, definition.engagement));
  const result = { steps, problems, ...(preview ? { preview } : {}) };
  if (input.onlyStepId !== undefined || problems.length > 0) return result;
  const content = {
    id: definition.id,
    name: definition.name,
    sendWindow: definition.sendWindow,
    timeZoneFallback: definition.timeZoneFallback,
    exitOn: definition.exitOn,
    ...(definition.engagement ? { engagement: definition.engagement } : {}),
    steps: definition.steps.map((step) => steps.get(step.id)!),
  };
  return { ...result, sequence: { ...content, version: contentVersion(content) } };
}

/** Where a step's MJML lives inside `emailsDir`. */
export function templateFile(emailsDir: string, sequenceId: string, template: string): string {
  return join(emailsDir, 'sequences', sequenceId, `${template}.mjml`);
}

async function compileStep(
  input: SequenceCompileInput,
  index: number,
  problems: CompileProblem[],
): Promise<{ step?: CompiledStep; preview?: { html: string; text: string } }> {
  const { definition } = input;
  const step = definition.steps[index]!;
  const path = ['steps', index];
  const before = problems.length;
  for (const missing of quotesNotInSources(step.sources, input.articles)) {
    const at = [...path, 'sources', step.sources.indexOf(missing)];
    problems.push({ path: at, message: `quote not found in the article: "${missing}"` });
  }
  const lines: [(string | number)[], string][] = [
    [[...path, 'subject'], step.subject],
    [[...path, 'preheader'], step.preheader],
    ...step.variants.map((variant, variantIndex): [(string | number)[], string] => [
      [...path, 'variants', variantIndex, 'subject'],
      variant.subject,
    ]),
  ];
  for (const [at, value] of lines) {
    for (const problem of placeholderProblems(value, { file: '' }))
      problems.push({ path: at, message: problem.message });
  }
  const file = templateFile(input.emailsDir, definition.id, step.template);
  const emailOptions = {
    emailsDir: input.emailsDir,
    preheader: step.preheader,
    unsubscribe: true,
    tags: { utm_source: 'email', utm_medium: 'nurture', utm_campaign: definition.id, utm_content: step.id },
  };
  const compiled = await compileEmail(file, emailOptions);
  if (compiled.problems.some((problem) => problem.message === 'file not found')) {
    problems.push({ path: [...path, 'template'], message: `no template "${step.template}"` });
    return {};
  }
  problems.push(...compiled.problems.map(inFile));
  let preview: { html: string; text: string } | undefined;
  if (input.wantPreview) {
    const shown =
      compiled.html === undefined ? await compileEmail(file, { ...emailOptions, validationLevel: 'soft' }) : compiled;
    if (shown.html !== undefined) preview = { html: shown.html, text: shown.text };
  }
  if (problems.length > before || compiled.html === undefined) return { preview };
  return {
    preview,
    step: {
      id: step.id,
      delay: step.delay,
      enabled: step.enabled,
      preheader: step.preheader,
      variants: [{ id: 'a', subject: step.subject, weight: step.subjectWeight }, ...step.variants],
      template: { html: compiled.html, text: compiled.text },
      sources: step.sources,
      // Left out when absent, so a step without a condition keeps the content hash it had.
      ...(step.when ? { when: step.when } : {}),
    },
  };
}

function inFile({ file, line, message }: BuildProblem): CompileProblem {
  return { file, ...(line !== undefined ? { line } : {}), message };
}
