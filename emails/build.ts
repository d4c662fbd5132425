import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod';
import { compileEmail } from '../functions/sequence/compile/compile-email';
import { placeholderProblems } from '../functions/sequence/compile/compile-mjml';
import { compileSequence, templateFile } from '../functions/sequence/compile/compile-sequence';
import { type BuildProblem, displayPath, EmailBuildError, formatPath } from '../functions/sequence/compile/problems';
import {
  type CompiledSequence,
  type CompiledTransactional,
  captureBundleOf,
  type EmailBundle,
  emailBundleSchema,
  TRANSACTIONAL_TEMPLATES,
  type TransactionalTemplateId,
} from '../functions/sequence/compiled';
import { sequenceDefinitionSchema, stepDefinitionSchema } from '../functions/sequence/definition';
import type { SequenceDraft } from '../functions/sequence/draft';
import { AUTHORING_FILE, authoringSources, layoutSources, sequenceDraftFrom } from './lib/authoring';
import { type LoadedYaml, loadYamlFile } from './lib/yaml-file';

export { EmailBuildError } from '../functions/sequence/compile/problems';

/** The email sources: layout/, sequences/, transactional/ and sources/ (the articles quoted). */
export const EMAILS_DIR = __dirname;
export const DEFAULT_BUNDLE_FILE = join(EMAILS_DIR, 'dist', 'bundle.json');
/** Beside the bundle: what the capture function loads (functions/sequence/build-output/capture-bundle.ts). */
export const CAPTURE_BUNDLE_FILE = 'capture-bundle.json';

export interface BuildOptions {
  /** Folder holding the email sources; tests point it at fixtures. Default: this folder. */
  emailsDir?: string;
  /**
   * Where to write the bundle; `false` builds in memory only. Default: `<emailsDir>/dist/bundle.json`.
   * The authoring sources (layout, articles, sequence drafts) the admin function compiles
   * console drafts with are written beside it, as `authoring.json`.
   */
  outFile?: string | false;
}

export const transactionalManifestSchema = z.record(
  z.enum(TRANSACTIONAL_TEMPLATES),
  z.strictObject({ subject: stepDefinitionSchema.shape.subject, preheader: stepDefinitionSchema.shape.preheader }),
);

/**
 * Compiles every email (MJML, strict validation) into the bundle the senders load. Collects
 * every problem before failing, so one run tells an editor everything there is to fix.
 */
export async function buildEmails(options: BuildOptions = {}): Promise<EmailBundle> {
  const emailsDir = options.emailsDir ?? EMAILS_DIR;
  const problems: BuildProblem[] = [];
  const articles = await readArticles(join(emailsDir, 'sources'), problems);
  const transactional = await buildTransactional(emailsDir, problems);
  const sequences: Record<string, CompiledSequence> = {};
  const drafts: Record<string, SequenceDraft> = {};
  for (const file of await yamlFiles(join(emailsDir, 'sequences'))) {
    const sequence = await buildSequence(file, emailsDir, articles, problems);
    if (sequence) {
      sequences[sequence.compiled.id] = sequence.compiled;
      drafts[sequence.compiled.id] = sequence.draft;
    }
  }
  if (problems.length > 0) throw new EmailBuildError(unique(problems));

  const bundle = emailBundleSchema.parse({ schemaVersion: 1, transactional, sequences });
  const outFile = options.outFile ?? join(emailsDir, 'dist', 'bundle.json');
  if (outFile !== false) {
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, JSON.stringify(bundle));
    await writeFile(join(dirname(outFile), CAPTURE_BUNDLE_FILE), JSON.stringify(captureBundleOf(bundle)));
    const authoring = authoringSources(await layoutSources(emailsDir), articles, drafts);
    await writeFile(join(dirname(outFile), AUTHORING_FILE), JSON.stringify(authoring));
  }
  return bundle;
}

async function buildTransactional(emailsDir: string, problems: BuildProblem[]) {
  const dir = join(emailsDir, 'transactional');
  const manifestFile = join(dir, 'manifest.yaml');
  const manifest = await loadYamlFile(manifestFile, transactionalManifestSchema);
  problems.push(...manifest.problems);
  if (!manifest.value) return {};
  const compiled: Partial<Record<TransactionalTemplateId, CompiledTransactional>> = {};
  for (const id of TRANSACTIONAL_TEMPLATES) {
    const { subject, preheader } = manifest.value[id];
    const lines = [
      ...lineProblems(subject, manifestFile, manifest, [id, 'subject']),
      ...lineProblems(preheader, manifestFile, manifest, [id, 'preheader']),
    ];
    const template = await compileEmail(join(dir, `${id}.mjml`), {
      emailsDir,
      preheader,
      unsubscribe: id !== 'staff-notification',
      tags: { utm_source: 'email', utm_medium: 'transactional', utm_campaign: id },
    });
    problems.push(...lines, ...template.problems);
    if (template.html !== undefined && lines.length === 0)
      compiled[id] = { html: template.html, text: template.text, subject, preheader };
  }
  return compiled;
}

async function buildSequence(file: string, emailsDir: string, articles: string[], problems: BuildProblem[]) {
  const loaded = await loadYamlFile(file, sequenceDefinitionSchema);
  problems.push(...loaded.problems);
  const definition = loaded.value;
  if (!definition) return undefined;
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (definition.id !== expectedId) {
    problems.push(at(file, loaded, ['id'], `the id must match the file name ("${expectedId}")`));
    return undefined;
  }
  const result = await compileSequence({ definition, emailsDir, articles });
  for (const problem of result.problems) {
    if (!problem.path) {
      problems.push(problem);
      continue;
    }
    // In the files, name the MJML file that is missing, where an editor would create it.
    const [, index, field] = problem.path;
    const missing =
      field === 'template'
        ? ` (${displayPath(templateFile(emailsDir, definition.id, definition.steps[Number(index)]!.template))})`
        : '';
    problems.push(at(file, loaded, problem.path, `${problem.message}${missing}`));
  }
  if (!result.sequence) return undefined;
  return { compiled: result.sequence, draft: await sequenceDraftFrom(definition, join(dirname(file), definition.id)) };
}

function lineProblems(value: string, file: string, loaded: LoadedYaml<unknown>, path: (string | number)[]) {
  return placeholderProblems(value, { file: displayPath(file), line: loaded.lineOf(path), path: formatPath(path) });
}

function at(file: string, loaded: LoadedYaml<unknown>, path: (string | number)[], message: string): BuildProblem {
  return { file: displayPath(file), line: loaded.lineOf(path), path: formatPath(path), message };
}

// A mistake in a shared partial shows up once per email; report it once.
function unique(problems: BuildProblem[]): BuildProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = JSON.stringify([problem.file, problem.line, problem.path, problem.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function readArticles(dir: string, problems: BuildProblem[]): Promise<string[]> {
  const files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.txt'));
  if (files.length === 0)
    problems.push({ file: displayPath(dir), message: 'no source articles (*.txt) to check quotes against' });
  return Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
}

async function yamlFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const bundle = await buildEmails({ outFile: DEFAULT_BUNDLE_FILE });
    for (const sequence of Object.values(bundle.sequences)) {
      console.log(`sequence ${sequence.id} v${sequence.version}: ${sequence.steps.length} steps`);
    }
    console.log(`transactional: ${Object.keys(bundle.transactional).join(', ')}`);
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    console.log(
      `wrote ${displayPath(DEFAULT_BUNDLE_FILE)} (${Math.round(bytes / 1024)} KB) in ${Math.round(performance.now() - started)} ms`,
    );
  } catch (error) {
    if (!(error instanceof EmailBuildError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
