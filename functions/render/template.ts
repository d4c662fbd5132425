import { PLACEHOLDERS, type PlaceholderName } from '../sequence/compiled';
import { TemplateError } from './errors';

/** Where a placeholder stands, which decides how its value is escaped. */
export type PlaceholderContext = 'html' | 'attr' | 'url' | 'url-part' | 'text' | 'subject';

export interface Placeholder {
  name: PlaceholderName;
  /** Used when the value is missing or blank. Plain text: the grammar forbids `<>&"{}`. */
  fallback?: string;
  context: PlaceholderContext;
}

/** A template pre-parsed once: literal text between placeholders. */
export type Segment = string | Placeholder;

/** What a template source is: compiled HTML, the plain-text part, or a subject line. */
export type TemplateKind = 'html' | 'text' | 'subject';

// The fallback excludes the characters that would need escaping in the source itself, so a
// fallback means the same thing in HTML, in the text part and in a subject.
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*(?:\|([^{}<>&"\r\n]*))?\}\}/y;

// Attributes whose whole value is a URL: a value placed at the start must be an absolute
// http(s) URL, so `javascript:` or a relative path can never become a link.
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'background', 'poster', 'cite', 'formaction', 'xlink:href']);

export interface FoundPlaceholder {
  name: string;
  fallback?: string;
  /** Offset of the opening `{{` in the source. */
  index: number;
  /** Offset just after the closing `}}`. */
  end: number;
}

/** Reads the placeholder at `index` (which must start with `{{`); throws if it is malformed or unknown. */
export function readPlaceholder(source: string, index: number): FoundPlaceholder {
  PLACEHOLDER.lastIndex = index;
  const match = PLACEHOLDER.exec(source);
  if (!match) {
    throw new TemplateError(`Malformed placeholder at line ${lineAt(source, index)}: "${snippet(source, index)}"`);
  }
  const name = match[1]!;
  if (!Object.hasOwn(PLACEHOLDERS, name)) {
    throw new TemplateError(`Unknown placeholder "{{${name}}}" at line ${lineAt(source, index)}`);
  }
  const fallback = match[2]?.trim();
  return { name, ...(fallback ? { fallback } : {}), index, end: index + match[0].length };
}

/** Every placeholder in a source, in order; throws on the first malformed or unknown one. */
export function findPlaceholders(source: string): FoundPlaceholder[] {
  const found: FoundPlaceholder[] = [];
  for (let index = source.indexOf('{{'); index !== -1; index = source.indexOf('{{', index)) {
    const placeholder = readPlaceholder(source, index);
    found.push(placeholder);
    index = placeholder.end;
  }
  return found;
}

/** Splits a template into literal text and placeholders, each tagged with its escaping context. */
export function parseTemplate(source: string, kind: TemplateKind): Segment[] {
  if (kind !== 'html') {
    return split(source, findPlaceholders(source), () => kind);
  }
  const scanner = new HtmlContextScanner(source);
  const found = findPlaceholders(source);
  return split(source, found, (placeholder) => scanner.contextAt(placeholder));
}

function split(source: string, found: FoundPlaceholder[], contextOf: (p: FoundPlaceholder) => PlaceholderContext) {
  const segments: Segment[] = [];
  let last = 0;
  for (const placeholder of found) {
    if (placeholder.index > last) segments.push(source.slice(last, placeholder.index));
    const { name, fallback } = placeholder;
    segments.push({
      name: name as PlaceholderName,
      ...(fallback ? { fallback } : {}),
      context: contextOf(placeholder),
    });
    last = placeholder.end;
  }
  if (last < source.length) segments.push(source.slice(last));
  return segments;
}

type State =
  | 'data'
  | 'rcdata'
  | 'rawtext'
  | 'comment'
  | 'bogus'
  | 'tag'
  | 'attr-name'
  | 'before-value'
  | 'value-dq'
  | 'value-sq'
  | 'value-unquoted';

/**
 * A small forward-only HTML tokenizer, enough for the markup mjml emits: it tracks whether a
 * position is text, a quoted attribute value (and which attribute), or somewhere no value may
 * go. Placeholders are skipped as opaque tokens, since a value never changes the structure.
 */
class HtmlContextScanner {
  private position = 0;
  private state: State = 'data';
  private tagName = '';
  private closingTag = false;
  private attribute = '';
  private valueStart = 0;

  constructor(private readonly source: string) {}

  contextAt(placeholder: FoundPlaceholder): PlaceholderContext {
    this.advanceTo(placeholder.index);
    const context = this.classify(placeholder);
    this.position = placeholder.end;
    return context;
  }

  private classify(placeholder: FoundPlaceholder): PlaceholderContext {
    const where = `"{{${placeholder.name}}}" at line ${lineAt(this.source, placeholder.index)}`;
    switch (this.state) {
      case 'data':
      case 'rcdata':
        return 'html';
      case 'value-dq':
      case 'value-sq': {
        const attribute = this.attribute;
        if (attribute === 'style' || attribute === 'srcset' || attribute.startsWith('on')) {
          throw new TemplateError(
            `Placeholder ${where} is inside the "${attribute}" attribute, where no escaping is safe`,
          );
        }
        if (!URL_ATTRIBUTES.has(attribute)) return 'attr';
        return placeholder.index === this.valueStart ? 'url' : 'url-part';
      }
      case 'before-value':
      case 'value-unquoted':
        throw new TemplateError(`Placeholder ${where} is in an unquoted attribute value`);
      case 'rawtext':
        throw new TemplateError(`Placeholder ${where} is inside <${this.tagName}>`);
      case 'comment':
      case 'bogus':
        throw new TemplateError(`Placeholder ${where} is inside an HTML comment or declaration`);
      default:
        throw new TemplateError(`Placeholder ${where} is inside a tag, outside any attribute value`);
    }
  }

  private advanceTo(target: number): void {
    const source = this.source;
    while (this.position < target) {
      const i = this.position;
      const c = source[i]!;
      switch (this.state) {
        case 'data':
          this.position = this.afterData(i);
          break;
        case 'rcdata':
        case 'rawtext':
          if (
            c === '<' &&
            source.slice(i + 2, i + 2 + this.tagName.length).toLowerCase() === this.tagName &&
            source[i + 1] === '/'
          ) {
            this.state = 'data';
          } else {
            this.position++;
          }
          break;
        case 'comment':
          if (source.startsWith('-->', i)) {
            this.state = 'data';
            this.position += 3;
          } else {
            this.position++;
          }
          break;
        case 'bogus':
          if (c === '>') this.state = 'data';
          this.position++;
          break;
        case 'tag':
          this.position = this.inTag(i, c);
          break;
        case 'attr-name':
          if (c === '=') {
            this.state = 'before-value';
            this.position++;
          } else if (isSpace(c)) {
            this.position++;
          } else {
            this.state = 'tag';
          }
          break;
        case 'before-value':
          if (isSpace(c)) {
            this.position++;
          } else if (c === '"' || c === "'") {
            this.state = c === '"' ? 'value-dq' : 'value-sq';
            this.valueStart = ++this.position;
          } else {
            this.state = 'value-unquoted';
            this.valueStart = this.position;
          }
          break;
        case 'value-dq':
        case 'value-sq':
          if (c === (this.state === 'value-dq' ? '"' : "'")) this.state = 'tag';
          this.position++;
          break;
        case 'value-unquoted':
          if (isSpace(c) || c === '>') {
            this.state = 'tag';
          } else {
            this.position++;
          }
          break;
      }
    }
  }

  private afterData(i: number): number {
    const source = this.source;
    if (source[i] !== '<') return i + 1;
    if (source.startsWith('<!--', i)) {
      this.state = 'comment';
      return i + 4;
    }
    const closing = source[i + 1] === '/';
    const nameStart = closing ? i + 2 : i + 1;
    if (isLetter(source[nameStart])) {
      let end = nameStart;
      while (end < source.length && /[A-Za-z0-9:-]/.test(source[end]!)) end++;
      this.tagName = source.slice(nameStart, end).toLowerCase();
      this.closingTag = closing;
      this.state = 'tag';
      return end;
    }
    if (source[i + 1] === '!' || source[i + 1] === '?') {
      this.state = 'bogus';
      return i + 2;
    }
    return i + 1;
  }

  private inTag(i: number, c: string): number {
    if (c === '>') {
      this.state = (!this.closingTag && contentStateOf(this.tagName)) || 'data';
      return i + 1;
    }
    if (isSpace(c) || c === '/') return i + 1;
    let end = i;
    while (end < this.source.length && !/[\s=/>]/.test(this.source[end]!)) end++;
    this.attribute = this.source.slice(i, end).toLowerCase();
    this.state = 'attr-name';
    return Math.max(end, i + 1);
  }
}

/** Elements whose content is not markup: style and script hold code, title and textarea hold text. */
function contentStateOf(tagName: string): State | undefined {
  if (tagName === 'style' || tagName === 'script') return 'rawtext';
  if (tagName === 'title' || tagName === 'textarea') return 'rcdata';
  return undefined;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z]/.test(c);
}

export function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

function snippet(source: string, index: number): string {
  return source.slice(index, index + 40).replace(/\s+/g, ' ');
}
