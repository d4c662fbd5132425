import fc from 'fast-check';
import { RenderError, TemplateError } from '../../functions/render/errors';
import { renderEmail } from '../../functions/render/render';
import { parseTemplate } from '../../functions/render/template';

const template = {
  html: '<p title="{{firstName|there}}">Hi {{firstName|there}}, {{leadMessage|none}}</p><a href="{{bookingUrl|https://clinic.example.com/}}">Book</a><a href="https://clinic.example.com/?n={{firstName|x}}">x</a>',
  text: 'Hi {{firstName|there}}, {{leadMessage|none}}\nBook [{{bookingUrl|https://clinic.example.com/}}]',
};
const subject = 'Hello {{firstName|there}}, {{leadKind|news}}';
const literalHtml = template.html.replace(/\{\{[^}]*\}\}/g, '');

// Strings of any code points, weighted towards the characters that matter for escaping.
const hostile = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '"', "'", '`', '{', '}', '\r', '\n', '\u2028', '\u0000', 'a', ' ', '=', '/'),
  }),
);

const count = (text: string, char: string) => text.split(char).length - 1;

function render(values: { firstName?: string; leadMessage?: string; leadKind?: string; bookingUrl?: string }) {
  return renderEmail({ template, subject, values });
}

function decodeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|amp|#39|#123|#96);/g, (_, entity: string) => {
    const map: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'", '#123': '{', '#96': '`' };
    return map[entity]!;
  });
}

describe('substitution and escaping, for any value', () => {
  it('adds no markup: no "<", ">" or quote from a value reaches the HTML unescaped', () => {
    fc.assert(
      fc.property(hostile, hostile, (firstName, leadMessage) => {
        const { html } = render({ firstName, leadMessage });
        for (const char of ['<', '>', '"', "'"]) expect(count(html, char)).toBe(count(literalHtml, char));
      }),
    );
  });

  it('shows the value itself: the HTML text decodes back to it, minus control characters', () => {
    fc.assert(
      fc.property(hostile, (leadMessage) => {
        fc.pre(leadMessage.trim() !== '');
        const { html } = renderEmail({
          template: { html: '<p>{{leadMessage}}</p>', text: '' },
          subject: 's',
          values: { leadMessage },
        });
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the renderer drops these by design.
        const visible = leadMessage.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
        expect(decodeHtml(html.slice(3, -4))).toBe(visible);
      }),
    );
  });

  it('never leaves "{{" in the subject, HTML or text', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (firstName, leadMessage, leadKind) => {
        const rendered = render({ firstName, leadMessage, leadKind });
        for (const part of [rendered.subject, rendered.html, rendered.text]) expect(part).not.toContain('{{');
      }),
    );
  });

  it('keeps the subject on one line, without control characters', () => {
    fc.assert(
      fc.property(hostile, hostile, (firstName, leadKind) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
        expect(render({ firstName, leadKind }).subject).not.toMatch(/[\u0000-\u001f\u007f\u2028\u2029]/);
      }),
    );
  });

  it('keeps the text part free of control characters other than line breaks and tabs', () => {
    fc.assert(
      fc.property(hostile, (leadMessage) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
        expect(render({ leadMessage }).text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
      }),
    );
  });

  it('only ever links to an absolute http(s) URL that cannot leave its attribute', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          fc.webUrl(),
          fc.webUrl().map((url) => `${url}"><script>`),
        ),
        (bookingUrl) => {
          const { html } = render({ bookingUrl });
          const href = html.match(/<a href="([^"]*)">Book<\/a>/)?.[1];
          expect(href).toBeDefined();
          expect(href).toMatch(/^https?:\/\/[^\s<>"'`{]+$/);
          expect(new URL(decodeHtml(href!)).protocol).toMatch(/^https?:$/);
        },
      ),
    );
  });

  it('refuses, rather than guesses, a URL with no usable fallback', () => {
    fc.assert(
      fc.property(hostile, (bookingUrl) => {
        try {
          const { html } = renderEmail({
            template: { html: '<a href="{{bookingUrl}}">b</a>', text: '' },
            subject: 's',
            values: { bookingUrl },
          });
          expect(html).toMatch(/^<a href="https?:\/\/[^"]+">b<\/a>$/);
        } catch (error) {
          expect(error).toBeInstanceOf(RenderError);
        }
      }),
    );
  });
});

describe('parsing, for any template', () => {
  it('either parses into segments that rebuild the literal text, or refuses with a TemplateError', () => {
    const piece = fc.constantFrom(
      '<p>',
      '</p>',
      '<a href="',
      '" ',
      "'",
      '=',
      '{{firstName}}',
      '{{bookingUrl}}',
      '{{',
      '}}',
      '<!--',
      '-->',
      '<style>',
      'text',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const source = pieces.join('');
        try {
          const segments = parseTemplate(source, 'html');
          const literal = segments.filter((segment) => typeof segment === 'string').join('');
          expect(literal).toBe(source.replace(/\{\{(firstName|bookingUrl)\}\}/g, ''));
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateError);
        }
      }),
    );
  });
});
