import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import mjml2html from 'mjml';
import { TemplateError } from '../../render/errors';
import { parseTemplate, readPlaceholder } from '../../render/template';
import { type BuildProblem, displayPath } from './problems';

export interface CompiledMjml {
  html?: string;
  problems: BuildProblem[];
}

/**
 * Compiles one email with strict validation and the preheader from its definition. Includes
 * and placeholders are checked in the sources first, so every problem names a file and line.
 */
export async function compileMjml(
  file: string,
  /** `soft` still returns HTML when the markup breaks mjml's rules (a console preview); the build is strict. */
  options: { emailsDir: string; preheader: string; validationLevel?: 'strict' | 'soft' },
): Promise<CompiledMjml> {
  const shown = displayPath(file);
  if (!existsSync(file)) return { problems: [{ file: shown, message: 'file not found' }] };
  const source = await readFile(file, 'utf8');
  const problems = await checkSources(file, source, options.emailsDir, new Set());
  if (/<mj-preview\b/.test(source)) {
    problems.push({
      file: shown,
      line: lineOf(source, source.search(/<mj-preview\b/)),
      message: 'the preheader comes from the definition file; remove <mj-preview>',
    });
  }
  const head = source.indexOf('<mj-head>');
  if (head === -1)
    problems.push({ file: shown, message: 'missing <mj-head> (it must include the shared layout head)' });
  if (problems.length > 0) return { problems };

  // Inserted on the line of <mj-head> so mjml's line numbers still match the file.
  const withPreview = `${source.slice(0, head)}<mj-head><mj-preview>${escapeXml(options.preheader)}</mj-preview>${source.slice(head + '<mj-head>'.length)}`;
  let html: string;
  try {
    const result = await mjml2html(withPreview, {
      validationLevel: options.validationLevel ?? 'strict',
      filePath: file,
      ignoreIncludes: false,
      includePath: options.emailsDir,
      keepComments: false,
    });
    html = result.html;
  } catch (error) {
    return { problems: mjmlProblems(error, file) };
  }
  if (html.includes('mj-include')) problems.push({ file: shown, message: 'an mj-include was not resolved' });
  try {
    parseTemplate(html, 'html');
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // Its line is in the compiled HTML, which means nothing to an editor; the name is enough.
    problems.push({ file: shown, message: `${error.message.replace(/ at line \d+/, '')} (in the compiled HTML)` });
  }
  return problems.length > 0 ? { problems } : { html, problems };
}

async function checkSources(
  file: string,
  source: string,
  emailsDir: string,
  seen: Set<string>,
): Promise<BuildProblem[]> {
  if (seen.has(file)) return [];
  seen.add(file);
  const shown = displayPath(file);
  const problems = placeholderProblems(source, { file: shown });
  for (const match of source.matchAll(/<mj-include\b[^>]*?\bpath="([^"]+)"/g)) {
    const target = resolve(dirname(file), match[1]!);
    const line = lineOf(source, match.index);
    if (relative(emailsDir, target).startsWith('..')) {
      problems.push({ file: shown, line, message: `include "${match[1]}" is outside the emails folder` });
    } else if (!existsSync(target)) {
      problems.push({ file: shown, line, message: `include "${match[1]}" not found` });
    } else {
      problems.push(...(await checkSources(target, await readFile(target, 'utf8'), emailsDir, seen)));
    }
  }
  return problems;
}

/**
 * Every malformed or unknown placeholder in a source. In a file, each gets its own line; for
 * a value from a YAML file, pass where that value is (file, line, path).
 */
export function placeholderProblems(source: string, at: Omit<BuildProblem, 'message'>): BuildProblem[] {
  const problems: BuildProblem[] = [];
  let index = source.indexOf('{{');
  while (index !== -1) {
    let next = index + 2;
    try {
      next = readPlaceholder(source, index).end;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const line = at.path === undefined ? lineOf(source, index) : at.line;
      problems.push({
        ...at,
        ...(line === undefined ? {} : { line }),
        message: error.message.replace(/ at line \d+/, ''),
      });
    }
    index = source.indexOf('{{', next);
  }
  return problems;
}

interface MjmlValidationIssue {
  line: number;
  message: string;
  formattedMessage?: string;
}

function mjmlProblems(error: unknown, file: string): BuildProblem[] {
  const issues = (error as { errors?: MjmlValidationIssue[] }).errors;
  if (!Array.isArray(issues) || issues.length === 0) {
    return [{ file: displayPath(file), message: `mjml: ${error instanceof Error ? error.message : String(error)}` }];
  }
  return issues.map((issue) => {
    // For an error inside a partial, mjml names the partial; report that file and line.
    const included = issue.formattedMessage?.match(/^Line \d+ of (.+?), included at line \d+ of file /);
    return { file: displayPath(included ? included[1]! : file), line: issue.line, message: `mjml: ${issue.message}` };
  });
}

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
