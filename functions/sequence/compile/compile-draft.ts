import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { AuthoringSources } from '../authoring';
import type { CompiledSequence, CompiledStep } from '../compiled';
import { sequenceDefinitionSchema } from '../definition';
import type { ContentProblem, SequenceDraft } from '../draft';
import { type CompileProblem, compileSequence, templateFile } from './compile-sequence';
import { formatPath } from './problems';

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
 * A draft from the console, compiled by the same `compileSequence` as the files in emails/.
 * mjml resolves includes from disk, so the layout and the draft's templates are written to a
 * private temporary folder laid out as emails/ for the duration of the call.
 */
export async function compileSequenceDraft(
  draft: SequenceDraft,
  options: DraftCompileOptions,
): Promise<DraftCompileResult> {
  const parsed = sequenceDefinitionSchema.safeParse(draft.definition);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      where: `definition${issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`,
      message: issue.message,
    }));
    return { steps: new Map(), problems };
  }
  const definition = parsed.data;
  const root = await mkdtemp(join(tmpdir(), 'sequence-draft-'));
  try {
    await writeLayout(root, options.sources.layout);
    const wanted = definition.steps.filter(
      (step) => options.onlyStepId === undefined || step.id === options.onlyStepId,
    );
    for (const step of wanted) {
      const source = draft.templates[step.template];
      if (source === undefined) continue; // reported by compileSequence as a missing template
      const file = templateFile(root, definition.id, step.template);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, source);
    }
    const result = await compileSequence({
      definition,
      emailsDir: root,
      articles: options.sources.articles,
      ...(options.onlyStepId !== undefined ? { onlyStepId: options.onlyStepId, wantPreview: true } : {}),
    });
    const problems = unique(result.problems.map((problem) => located(problem, root)));
    return {
      steps: result.steps,
      problems,
      ...(result.sequence ? { sequence: result.sequence } : {}),
      ...(result.preview ? { preview: result.preview } : {}),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
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

/** "steps[2].subject", "templates.welcome line 12" or "layout/footer-common.mjml line 3": where an editor finds it. */
function located(problem: CompileProblem, root: string): ContentProblem {
  if (problem.path) return { where: formatPath(problem.path), message: problem.message };
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
