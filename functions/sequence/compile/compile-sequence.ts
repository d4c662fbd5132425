import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { ContentProblem, SequenceDraft } from '../../admin/contract';
import type { AuthoringSources } from '../authoring';
import type { CompiledSequence, CompiledStep } from '../compiled';
import { type SequenceDefinition, sequenceDefinitionSchema } from '../definition';
import { compileEmail } from './compile-email';
import { placeholderProblems } from './compile-mjml';
import type { BuildProblem } from './problems';
import { quotesNotInSources } from './quotes';
import { contentVersion } from './version';

export interface DraftCompileOptions {
  /** The shared layout and the articles quotes must come from (see emails/dist/authoring.json). */
  sources: Pick<AuthoringSources, 'layout' | 'articles'>;
  /** Compile only the template of this step (a preview); the result then has no `sequence`. */
  onlyStepId?: string;
}

export interface DraftCompileResult {
  /** The whole sequence, as `npm run emails:build` would compile it; only when nothing is wrong. */
  sequence?: CompiledSequence;
  /** Every step that compiled, by step id, even when others did not. */
  steps: Map<string, CompiledStep>;
  /** Everything that would stop a publish, each with where it is ("templates.welcome line 12"). */
  problems: ContentProblem[];
  /**
   * Preview only (`onlyStepId`): the step's HTML and text even when it has problems, compiled
   * leniently if strict MJML refused it, so the editor still sees the email beside the errors.
   */
  preview?: { html: string; text: string };
}

/**
 * Compiles a sequence draft from the console exactly as the build compiles the files in
 * emails/: strict MJML with the shared layout, the content checks (unsubscribe link, postal
 * address, disclaimer), campaign tags, plain text, quotes checked against the article, and
 * the same content-hash version. mjml resolves includes from disk, so the draft and the
 * layout are written to a private temporary folder for the duration of the call.
 */
export async function compileSequenceDraft(
  draft: SequenceDraft,
  options: DraftCompileOptions,
): Promise<DraftCompileResult> {
  const parsed = sequenceDefinitionSchema.safeParse(draft.definition);
  if (!parsed.success) {
    return {
      steps: new Map(),
      problems: parsed.error.issues.map((issue) => ({
        where: `definition${issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`,
        message: issue.message,
      })),
    };
  }
  const definition = parsed.data;
  const problems: ContentProblem[] = [];
  const steps = new Map<string, CompiledStep>();
  let preview: DraftCompileResult['preview'];
  const root = await mkdtemp(join(tmpdir(), 'sequence-draft-'));
  try {
    await writeLayout(root, options.sources.layout);
    const sequenceDir = join(root, 'sequences', definition.id);
    await mkdir(sequenceDir, { recursive: true });
    for (const [index, step] of definition.steps.entries()) {
      if (options.onlyStepId !== undefined && step.id !== options.onlyStepId) continue;
      const compiled = await compileStep(definition, index, draft.templates, options.sources.articles, {
        root,
        sequenceDir,
        problems,
        wantPreview: options.onlyStepId !== undefined,
      });
      if (compiled.step) steps.set(step.id, compiled.step);
      preview ??= compiled.preview;
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  if (options.onlyStepId !== undefined || problems.length > 0) {
    return { steps, problems: unique(problems), ...(preview ? { preview } : {}) };
  }
  const content = {
    id: definition.id,
    name: definition.name,
    sendWindow: definition.sendWindow,
    timeZoneFallback: definition.timeZoneFallback,
    exitOn: definition.exitOn,
    steps: definition.steps.map((step) => steps.get(step.id)!),
  };
  return { sequence: { ...content, version: contentVersion(content) }, steps, problems: [] };
}

async function writeLayout(root: string, layout: Record<string, string>): Promise<void> {
  const dir = join(root, 'layout');
  await mkdir(dir, { recursive: true });
  for (const [name, source] of Object.entries(layout)) {
    // Names are checked by the authoring schema; this guards against a hand-made sources object.
    if (!/^[a-z0-9][a-z0-9-]*\.mjml$/.test(name)) throw new Error(`Invalid layout file name "${name}"`);
    await writeFile(join(dir, name), source);
  }
}

interface StepWorkspace {
  root: string;
  sequenceDir: string;
  problems: ContentProblem[];
  wantPreview: boolean;
}

interface StepOutcome {
  step?: CompiledStep;
  preview?: { html: string; text: string };
}

async function compileStep(
  definition: SequenceDefinition,
  index: number,
  templates: Record<string, string>,
  articles: string[],
  workspace: StepWorkspace,
): Promise<StepOutcome> {
  const { problems } = workspace;
  const step = definition.steps[index]!;
  const at = `steps[${index}]`;
  const before = problems.length;
  for (const missing of quotesNotInSources(step.sources, articles)) {
    problems.push({
      where: `${at}.sources[${step.sources.indexOf(missing)}]`,
      message: `quote not found in the article: "${missing}"`,
    });
  }
  const lines: [string, string][] = [
    [`${at}.subject`, step.subject],
    [`${at}.preheader`, step.preheader],
    ...step.variants.map((variant, variantIndex): [string, string] => [
      `${at}.variants[${variantIndex}].subject`,
      variant.subject,
    ]),
  ];
  for (const [where, value] of lines) {
    for (const problem of placeholderProblems(value, { file: where, path: where })) {
      problems.push({ where, message: problem.message });
    }
    if (where.endsWith('subject') && value.length > 60) {
      problems.push({ where, message: `subjects can be at most 60 characters (this one has ${value.length})` });
    }
  }
  const source = templates[step.template];
  if (source === undefined) {
    problems.push({ where: `${at}.template`, message: `no template "${step.template}" in the draft` });
    return {};
  }
  const file = join(workspace.sequenceDir, `${step.template}.mjml`);
  await writeFile(file, source);
  const emailOptions = {
    emailsDir: workspace.root,
    preheader: step.preheader,
    unsubscribe: true,
    tags: { utm_source: 'email', utm_medium: 'nurture', utm_campaign: definition.id, utm_content: step.id },
  };
  const compiled = await compileEmail(file, emailOptions);
  problems.push(...compiled.problems.map((problem) => located(problem, workspace.root)));
  let preview: StepOutcome['preview'];
  if (workspace.wantPreview) {
    const shown =
      compiled.html === undefined ? await compileEmail(file, { ...emailOptions, validationLevel: 'soft' }) : compiled;
    if (shown.html !== undefined) preview = { html: shown.html, text: shown.text };
  }
  if (problems.length > before || compiled.html === undefined) return { preview };
  const compiledStep: CompiledStep = {
    id: step.id,
    delay: step.delay,
    enabled: step.enabled,
    preheader: step.preheader,
    variants: [{ id: 'a', subject: step.subject, weight: step.subjectWeight }, ...step.variants],
    template: { html: compiled.html, text: compiled.text },
    sources: step.sources,
  };
  return { step: compiledStep, preview };
}

/** "templates.welcome line 12" or "layout/footer-common.mjml line 3": where an editor finds it. */
function located(problem: BuildProblem, root: string): ContentProblem {
  const path = relative(root, resolve(process.cwd(), problem.file)).replace(/\\/g, '/');
  const template = /^sequences\/[^/]+\/([^/]+)\.mjml$/.exec(path)?.[1];
  const file = template !== undefined ? `templates.${template}` : path.startsWith('..') ? 'draft' : path;
  return {
    where: problem.line === undefined ? file : `${file} line ${problem.line}`,
    message: problem.message.replaceAll(root, '.'),
  };
}

function unique(problems: ContentProblem[]): ContentProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.where}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
