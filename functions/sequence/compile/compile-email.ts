import { contentProblems } from './checks';
import { compileMjml } from './compile-mjml';
import { htmlToPlainText } from './plain-text';
import { type BuildProblem, displayPath } from './problems';
import { tagLiteralLinks } from './utm';

export interface EmailOptions {
  /** Root of the email sources: includes resolve inside it and nowhere else. */
  emailsDir: string;
  preheader: string;
  unsubscribe: boolean;
  /** Campaign tags added to the literal https links. */
  tags: Record<string, string>;
  /** Strict unless a preview asks for HTML in spite of mjml's rules. */
  validationLevel?: 'strict' | 'soft';
}

export type CompiledEmail =
  | { html: string; text: string; problems: BuildProblem[] }
  | { html?: undefined; text?: undefined; problems: BuildProblem[] };

/**
 * One email, as the build and a console publish compile it: MJML (strict), campaign tags on
 * literal links, the layout's content checks, and the plain-text part.
 */
export async function compileEmail(file: string, options: EmailOptions): Promise<CompiledEmail> {
  const compiled = await compileMjml(file, options);
  if (compiled.html === undefined) return { problems: compiled.problems };
  const html = tagLiteralLinks(compiled.html, options.tags);
  const problems = contentProblems(html, { unsubscribe: options.unsubscribe }).map((message) => ({
    file: displayPath(file),
    message,
  }));
  return { html, text: htmlToPlainText(html), problems };
}
