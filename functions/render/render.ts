import type { CompiledTemplate, PlaceholderName } from '../sequence/compiled';
import { RenderError } from './errors';
import { cleanSubject, cleanText, encodeUrlPart, escapeHtml, safeAbsoluteUrl } from './escape';
import { type Placeholder, parseTemplate, type Segment, type TemplateKind } from './template';

/** Values for placeholders; a missing, null or blank value uses the placeholder's fallback. */
export type PlaceholderValues = Readonly<Partial<Record<PlaceholderName, string | null | undefined>>>;

/** Campaign tags added to the practice's own links (site and booking), never to personal links. */
export interface UtmTags {
  source?: string;
  medium?: string;
  campaign: string;
  content?: string;
}

export interface RenderInput {
  template: CompiledTemplate;
  subject: string;
  /** Accepted for symmetry with the bundle: the compiled HTML already carries it (mj-preview). */
  preheader?: string;
  values: PlaceholderValues;
  utm?: UtmTags;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

// Placeholders that hold a URL wherever they stand, so they are checked even in text.
const URL_PLACEHOLDERS: ReadonlySet<string> = new Set<PlaceholderName>([
  'siteUrl',
  'bookingUrl',
  'unsubscribeUrl',
  'optInUrl',
  'consoleUrl',
]);
// Tagging a signed unsubscribe or opt-in link would change what was signed; only the
// practice's marketing pages get campaign tags.
const TRACKED_PLACEHOLDERS: ReadonlySet<string> = new Set<PlaceholderName>(['siteUrl', 'bookingUrl']);

/**
 * Send-time rendering: substitution into the compiled bundle, each value escaped for where
 * it stands. Pure and synchronous; templates are parsed once and cached.
 */
export function renderEmail(input: RenderInput): RenderedEmail {
  const { template, values, utm } = input;
  const scope: RenderScope = {
    values,
    tags: utm ? utmParameters(utm) : undefined,
    tagsKey: utm ? `${utm.source}|${utm.medium}|${utm.campaign}|${utm.content}` : '',
    urls: new Map(),
  };
  const subject = render(segmentsOf(input.subject, 'subject'), scope).trim();
  const html = render(segmentsOf(template.html, 'html'), scope);
  const text = render(segmentsOf(template.text, 'text'), scope);
  // Belt and braces: each encoder already breaks `{{`, so this only fires on a bug.
  for (const [part, output] of [
    ['subject', subject],
    ['html', html],
    ['text', text],
  ] as const) {
    if (output.includes('{{')) throw new RenderError(`Rendered ${part} still contains "{{"`, part);
  }
  return { subject, html, text };
}

/** Renders one line (a subject or a preheader) on its own, e.g. for a preview. */
export function renderLine(line: string, values: PlaceholderValues): string {
  return render(segmentsOf(line, 'subject'), { values, tags: undefined, tagsKey: '', urls: new Map() }).trim();
}

export function utmParameters(utm: UtmTags): Record<string, string> {
  return {
    utm_source: utm.source ?? 'email',
    utm_medium: utm.medium ?? 'nurture',
    utm_campaign: utm.campaign,
    ...(utm.content ? { utm_content: utm.content } : {}),
  };
}

/** One render call: its values, campaign tags, and the URLs already checked in it. */
interface RenderScope {
  values: PlaceholderValues;
  tags: Record<string, string> | undefined;
  tagsKey: string;
  /** A link appears in the HTML and the text part; parse and tag it once. */
  urls: Map<string, string>;
}

function render(segments: Segment[], scope: RenderScope): string {
  let output = '';
  for (const segment of segments) {
    output += typeof segment === 'string' ? segment : encode(segment, scope);
  }
  return output;
}

function encode(placeholder: Placeholder, scope: RenderScope): string {
  const { name, fallback, context } = placeholder;
  const raw = scope.values[name];
  const value = typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;
  if (context === 'url' || URL_PLACEHOLDERS.has(name)) {
    const key = fallback === undefined ? name : `${name}|${fallback}`;
    let url = scope.urls.get(key);
    if (url === undefined) {
      url = checkedUrl(placeholder, value, scope);
      scope.urls.set(key, url);
    }
    return encodeFor(context, url);
  }
  const chosen = value ?? fallback;
  if (chosen === undefined) throw new RenderError(`{{${name}}} has no value and no fallback`, name);
  return encodeFor(context, chosen);
}

// The practice's own links are the same for every recipient of a step: parse and tag them
// once per process. Personal links (unsubscribe, opt-in) are never kept.
const trackedUrls = new Map<string, string>();

function checkedUrl({ name, fallback }: Placeholder, value: string | undefined, scope: RenderScope) {
  const utm = scope.tags && TRACKED_PLACEHOLDERS.has(name) ? scope.tags : undefined;
  const cacheKey = utm ? `${value}\u0000${fallback}\u0000${scope.tagsKey}` : undefined;
  const cached = cacheKey === undefined ? undefined : trackedUrls.get(cacheKey);
  if (cached !== undefined) return cached;
  const url =
    (value === undefined ? undefined : safeAbsoluteUrl(value, utm)) ??
    (fallback === undefined ? undefined : safeAbsoluteUrl(fallback, utm));
  if (url === undefined) {
    const problem = value === undefined ? 'has no value' : 'is not an https URL (http only on localhost)';
    throw new RenderError(`{{${name}}} ${problem} and no usable fallback`, name);
  }
  if (cacheKey !== undefined) {
    if (trackedUrls.size >= MAX_CACHED) trackedUrls.clear();
    trackedUrls.set(cacheKey, url);
  }
  return url;
}

function encodeFor(context: Placeholder['context'], value: string): string {
  switch (context) {
    case 'html':
    case 'attr':
    case 'url':
      return escapeHtml(value);
    case 'url-part':
      return encodeUrlPart(value);
    case 'text':
      return cleanText(value);
    case 'subject':
      return cleanSubject(value);
  }
}

// Bounded so a long-lived process rendering many published versions does not grow forever;
// a bundle's templates are a few dozen strings, far below the bound.
const MAX_CACHED = 500;
const cache: Record<TemplateKind, Map<string, Segment[]>> = { html: new Map(), text: new Map(), subject: new Map() };

/** Parses a template once; later calls with the same source reuse the segments. */
export function segmentsOf(source: string, kind: TemplateKind): Segment[] {
  const byKind = cache[kind];
  let segments = byKind.get(source);
  if (segments === undefined) {
    segments = parseTemplate(source, kind);
    if (byKind.size >= MAX_CACHED) byKind.clear();
    byKind.set(source, segments);
  }
  return segments;
}
