import { isPublicUrl } from '../shared/public-url';

// C0 controls except tab and newline, DEL and C1: invisible, and some clients choke on them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Everything that may break a header line: CR, LF, tab, other controls, Unicode line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const HEADER_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

// A URL with whitespace or controls inside is refused rather than silently repaired.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NOT_IN_URL = /[\s\u0000-\u001f\u007f-\u009f]/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NEEDS_HTML_WORK = /[&<>"'{`\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NEEDS_TEXT_WORK = /[{\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // A value never contains the start of a placeholder in the output, so nothing downstream
  // (a template engine, a later substitution pass) can mistake it for one.
  '{': '&#123;',
  '`': '&#96;',
};

/** Escapes for HTML text and for quoted attribute values alike: both quotes, `&`, `<`, `>`. */
export function escapeHtml(value: string): string {
  // Most values (names, practice details) need nothing; one test is cheaper than two replaces.
  if (!NEEDS_HTML_WORK.test(value)) return value;
  return value.replace(CONTROL, '').replace(/[&<>"'{`]/g, (c) => HTML_ESCAPES[c]!);
}

/** The plain-text part is not HTML: nothing to escape, but no invisible controls or `{{`. */
export function cleanText(value: string): string {
  if (!NEEDS_TEXT_WORK.test(value)) return value;
  return breakBraces(value.replace(CONTROL, ''));
}

/** One header line: line breaks become spaces, other controls go, runs of space collapse. */
export function cleanSubject(value: string): string {
  return breakBraces(value.replace(HEADER_BREAKING, ' ').replace(/ {2,}/g, ' '));
}

/** A fragment inside a URL (after its start): percent-encoded, then safe in an attribute. */
export function encodeUrlPart(value: string): string {
  return encodeURIComponent(value.replace(CONTROL, '')).replace(/'/g, '%27');
}

/**
 * The value as an absolute https URL (http only on this machine), normalised by the URL
 * parser (which percent-encodes quotes, spaces, braces and angle brackets), or undefined when
 * it is anything else: plain http elsewhere, relative, `javascript:`, `data:`, not a URL.
 */
export function safeAbsoluteUrl(value: string, utm?: Record<string, string>): string | undefined {
  const trimmed = value.trim();
  if (NOT_IN_URL.test(trimmed) || !URL.canParse(trimmed)) return undefined;
  if (!isPublicUrl(trimmed)) return undefined;
  const url = new URL(trimmed);
  if (utm) {
    // Appending the missing tags in one go re-serialises the query once, not once per tag.
    const missing = Object.entries(utm).filter(([key]) => !url.searchParams.has(key));
    if (missing.length > 0) {
      const extra = new URLSearchParams(missing).toString();
      url.search = url.search.length > 1 ? `${url.search}&${extra}` : extra;
    }
  }
  // The URL parser leaves braces in a query or fragment; encoded, they can never read as `{{`.
  return url.href.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D'));
}

// A zero-width space keeps the text looking the same to a reader while no `{{` remains.
function breakBraces(value: string): string {
  return value.includes('{') ? value.replace(/\{/g, '{\u200b') : value;
}
