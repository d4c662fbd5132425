/** The disclaimer every email carries, word for word. */
export const DISCLAIMER = 'This email is general information, not medical advice.';
/** Every footer starts the reason the reader gets the email with these words. */
export const REASON = 'You are receiving this email because';
/** Gmail clips messages above 102 KB; stay clear of it. */
export const MAX_HTML_BYTES = 100 * 1024;

export interface ContentRules {
  /** Marketing and visitor emails must carry an unsubscribe link; the staff notification need not. */
  unsubscribe: boolean;
}

/**
 * What the layout guarantees, checked on the compiled HTML so an email that skips the shared
 * footer, or adds an image without alt text or a plain http link, fails the build.
 */
export function contentProblems(html: string, rules: ContentRules): string[] {
  const problems: string[] = [];
  if (!/<html\b[^>]*\slang="en"/.test(html)) problems.push('the <mjml> element needs lang="en"');
  if (!html.includes(DISCLAIMER)) problems.push(`missing the disclaimer "${DISCLAIMER}" (include the shared footer)`);
  if (!html.includes(REASON))
    problems.push('missing the reason the reader gets this email (include the shared footer)');
  if (!html.includes('{{practiceAddress}}')) problems.push('missing the postal address {{practiceAddress}}');
  if (rules.unsubscribe && !/<a\b[^>]*\shref="\{\{unsubscribeUrl\}\}"/.test(html)) {
    problems.push('missing a visible unsubscribe link to {{unsubscribeUrl}}');
  }
  for (const tag of html.match(/<img\b[^>]*>/gi) ?? []) {
    if (!/\salt="[^"]*\S[^"]*"/i.test(tag)) problems.push(`image without alt text: ${tag.slice(0, 120)}`);
  }
  for (const link of linkTargets(html)) {
    if (!link.startsWith('{{') && !link.startsWith('https://'))
      problems.push(`link or image is not absolute https: ${link}`);
  }
  const bytes = Buffer.byteLength(html, 'utf8');
  if (bytes > MAX_HTML_BYTES)
    problems.push(`HTML is ${bytes} bytes; the limit is ${MAX_HTML_BYTES} (Gmail clips larger emails)`);
  return problems;
}

/** Every href and src in the markup. */
export function linkTargets(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/gi)].map((match) => match[1]!);
}
