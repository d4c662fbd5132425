const MAX_CHARACTERS = 4000;

/** Where quoted history starts, in the forms mail clients write it. */
const QUOTE_HEADERS = [
  /^on .{1,300}\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird ("On Tue, 1 Dec 2026, Clinic <…> wrote:")
  /^le .{1,300}\ba écrit\s*:\s*$/i,
  /^am .{1,300}\bschrieb .{0,200}:\s*$/i,
  /^el .{1,300}\bescribió:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}$/i, // Outlook
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^_{10,}$/, // Outlook's rule above its header block
  /^from:\s.+$/i, // a header block pasted by Outlook and others (From: … Sent: … To: …)
];

/** A tag-stripping fallback for HTML-only replies: enough to read the words, never rendered as HTML. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<blockquote\b[\s\S]*$/i, '') // quoted history in HTML replies
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The reply as plain text for the timeline: only what the person wrote above the quoted
 * history, no control characters, no markup, at most 4,000 characters. The console shows it
 * as text (escaped), never as HTML.
 */
export function replyPlainText(text: string | undefined, html: string | undefined): string {
  const source = text?.trim() ? text : html ? htmlToText(html) : '';
  const lines = source
    .replace(/\r\n?/g, '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (QUOTE_HEADERS.some((pattern) => pattern.test(trimmed))) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.trimEnd());
  }
  const joined = kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return joined.length > MAX_CHARACTERS ? `${joined.slice(0, MAX_CHARACTERS - 1)}…` : joined;
}
