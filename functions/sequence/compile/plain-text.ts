import { convert } from 'html-to-text';

// mjml's hidden preheader block: it belongs to the inbox preview, not to the text part.
const PREVIEW_BLOCK = /<div style="display:none;font-size:1px;[^"]*">[\s\S]*?<\/div>/;
const PLACEHOLDER = /\{\{[^{}]*\}\}/g;
// Private-use characters: never in real content, and not whitespace, so word wrapping and
// upper-casing leave a protected placeholder whole.
const TOKEN = /\uE000(\d+)\uE001/g;

/**
 * The plain-text part of an email, from its compiled HTML. Placeholders (including fallbacks
 * with spaces, such as `{{interests|exosome aftercare}}`) come through exactly as written.
 */
export function htmlToPlainText(html: string): string {
  const placeholders: string[] = [];
  // One token per distinct placeholder, so a link whose text is its own URL still reads as
  // one (html-to-text then prints it once).
  const protectedHtml = html.replace(PREVIEW_BLOCK, '').replace(PLACEHOLDER, (placeholder) => {
    let index = placeholders.indexOf(placeholder);
    if (index === -1) index = placeholders.push(placeholder) - 1;
    return `\uE000${index}\uE001`;
  });
  const text = convert(protectedHtml, {
    wordwrap: 76,
    selectors: [
      { selector: 'h1', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 2 } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      // Layout tables read as blocks; in the staff details table each row is "Label: value".
      { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'th', format: 'rowLabel' },
    ],
    formatters: {
      rowLabel: (element, walk, builder) => {
        walk(element.children, builder);
        builder.addInline(': ');
      },
    },
  });
  return text
    .replace(TOKEN, (_, index: string) => placeholders[Number(index)]!)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .concat('\n');
}
