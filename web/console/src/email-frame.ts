/**
 * Shows an email's HTML in a sandboxed `srcdoc` iframe without loosening the console's CSP.
 *
 * A srcdoc document inherits the page's policy, so its `<style>` blocks and `style=""`
 * attributes (every email has both) would be refused and the preview would look nothing like
 * the email. Instead the styles are taken out before the frame is written and applied
 * afterwards through the CSSOM (a constructed stylesheet and `element.style`), which CSP allows
 * and which keeps the page's own policy at `style-src 'self'`.
 *
 * The frame is `sandbox="allow-same-origin"` only: no scripts, forms, popups or top-level
 * navigation; same-origin so this page can apply the styles. Scripts are also removed here
 * and refused by the inherited `script-src 'self'`.
 */
const STYLE_ATTRIBUTE = 'data-preview-style';

export interface PreparedEmail {
  srcdoc: string;
  styles: string[];
}

/** Elements that could fetch, navigate or embed: renamed to an inert unknown element. */
const NEUTRALISED = new Set(['link', 'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'portal']);
/** Raw-text elements whose content is copied as it is (it may contain "<"). */
const RAW_TEXT = new Set(['title', 'textarea']);
const ATTRIBUTE = /([^\s"'>/=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

function rewriteAttributes(attributes: string): string {
  return attributes.replace(ATTRIBUTE, (whole, name: string, equals?: string, value?: string) => {
    const lower = name.toLowerCase();
    if (lower === 'style') return `${STYLE_ATTRIBUTE}${equals ?? ''}${value ?? ''}`;
    if (lower.startsWith('on')) return `data-removed-${lower}${equals ?? ''}${value ?? ''}`;
    return whole;
  });
}

/** Index just past the `>` that ends a tag, searching from `from` and skipping quoted attribute values. */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let index = from; index < html.length; index += 1) {
    const char = html[index];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return index + 1;
  }
  return html.length;
}

/**
 * Rewrites the email as text, without parsing it in this page: any HTML parser of this page's
 * realm (DOMParser, a template, createHTMLDocument) checks the CSP and reports every `style`.
 * `<style>` blocks are taken out, `style=""` becomes a data attribute, scripts and event
 * attributes are removed, and elements that load or navigate are made inert.
 */
export function prepareEmail(html: string): PreparedEmail {
  const styles: string[] = [];
  let out = '';
  let index = 0;
  const lower = html.toLowerCase();
  while (index < html.length) {
    const open = html.indexOf('<', index);
    if (open === -1) {
      out += html.slice(index);
      break;
    }
    out += html.slice(index, open);
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      const end = close === -1 ? html.length : close + 3;
      out += html.slice(open, end);
      index = end;
      continue;
    }
    if (html[open + 1] === '!' || html[open + 1] === '?') {
      // <!doctype html> and the like: copied as they are.
      const end = tagEnd(html, open + 2);
      out += html.slice(open, end);
      index = end;
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(open, open + 80));
    if (!tag) {
      out += '&lt;';
      index = open + 1;
      continue;
    }
    const [start, slash, rawName] = tag as unknown as [string, string, string];
    const name = rawName.toLowerCase();
    const end = tagEnd(html, open + start.length);
    const attributes = html.slice(open + start.length, Math.max(open + start.length, end - 1));
    if (!slash && (name === 'style' || name === 'script')) {
      const close = lower.indexOf(`</${name}`, end);
      const contentEnd = close === -1 ? html.length : close;
      if (name === 'style') styles.push(html.slice(end, contentEnd));
      index = close === -1 ? html.length : tagEnd(html, close);
      continue;
    }
    if (slash && (name === 'style' || name === 'script')) {
      index = end;
      continue;
    }
    const neutral = NEUTRALISED.has(name) || (name === 'meta' && /http-equiv/i.test(attributes));
    out += `<${slash}${neutral ? 'x-removed' : rawName}${slash ? attributes : rewriteAttributes(attributes)}>`;
    index = end;
    if (!slash && RAW_TEXT.has(name)) {
      const close = lower.indexOf(`</${name}`, end);
      const contentEnd = close === -1 ? html.length : close;
      out += html.slice(end, contentEnd);
      index = contentEnd;
    }
  }
  return { srcdoc: out, styles };
}

function applyStyles(frame: HTMLIFrameElement, styles: string[]): void {
  const doc = frame.contentDocument;
  const view = frame.contentWindow as (Window & typeof globalThis) | null;
  if (!doc || !view) return;
  doc.adoptedStyleSheets = styles.map((css) => {
    const sheet = new view.CSSStyleSheet();
    try {
      sheet.replaceSync(css);
    } catch {
      // A sheet the browser cannot parse is left empty; the rest still applies.
    }
    return sheet;
  });
  for (const element of Array.from(doc.querySelectorAll<HTMLElement>(`[${STYLE_ATTRIBUTE}]`))) {
    element.style.cssText = element.getAttribute(STYLE_ATTRIBUTE) ?? '';
    element.removeAttribute(STYLE_ATTRIBUTE);
  }
}

/** Writes the email into the frame and sizes the frame to its content (an attribute, not a style). */
export function showEmail(frame: HTMLIFrameElement, email: PreparedEmail): Promise<void> {
  return new Promise((resolve) => {
    frame.addEventListener(
      'load',
      () => {
        applyStyles(frame, email.styles);
        const height = frame.contentDocument?.documentElement.scrollHeight ?? 0;
        frame.setAttribute('height', String(Math.max(200, Math.min(height + 8, 6000))));
        resolve();
      },
      { once: true },
    );
    frame.srcdoc = email.srcdoc;
  });
}

export function emailFrame(title: string, className: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-same-origin');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.setAttribute('loading', 'eager');
  frame.className = `email-frame ${className}`;
  frame.title = title;
  return frame;
}
