import { RenderError } from '../../functions/render/errors';
import { formatInterests } from '../../functions/render/interests-text';
import { type PlaceholderValues, renderEmail, segmentsOf } from '../../functions/render/render';
import { chooseVariant, renderStep } from '../../functions/render/render-step';
import type { CompiledStep } from '../../functions/sequence/compiled';

const template = {
  html: '<p title="{{firstName|there}}">Hi {{firstName|there}}</p><a href="{{bookingUrl}}">Book</a><a href="{{unsubscribeUrl}}">Unsubscribe</a>',
  text: 'Hi {{firstName|there}}\nBook [{{bookingUrl}}]\nUnsubscribe [{{unsubscribeUrl}}]',
};
const values = {
  firstName: 'Maria',
  bookingUrl: 'https://clinic.example.com/book',
  unsubscribeUrl: 'https://api.example.com/u/token',
} satisfies PlaceholderValues;

const render = (overrides: PlaceholderValues = {}, subject = 'Hello {{firstName|there}}') =>
  renderEmail({ template, subject, values: { ...values, ...overrides } });

describe('renderEmail', () => {
  it('substitutes every placeholder in the subject, HTML and text', () => {
    expect(render()).toEqual({
      subject: 'Hello Maria',
      html: '<p title="Maria">Hi Maria</p><a href="https://clinic.example.com/book">Book</a><a href="https://api.example.com/u/token">Unsubscribe</a>',
      text: 'Hi Maria\nBook [https://clinic.example.com/book]\nUnsubscribe [https://api.example.com/u/token]',
    });
  });

  it('shows a first name like <script> as text in the HTML and unchanged in the text part', () => {
    const rendered = render({ firstName: '<script>alert("x")</script>' });
    expect(rendered.html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(rendered.html).toContain('title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    expect(rendered.text).toContain('Hi <script>alert("x")</script>');
  });

  it('cannot break out of an attribute with quotes', () => {
    expect(render({ firstName: `" onmouseover='x` }).html).toContain('title="&quot; onmouseover=&#39;x"');
  });

  it.each([undefined, null, '', '   '])('uses the fallback when the value is %p', (firstName) => {
    const rendered = render({ firstName });
    expect(rendered.subject).toBe('Hello there');
    expect(rendered.text).toContain('Hi there');
  });

  it('refuses a missing value that has no fallback, naming the placeholder only', () => {
    expect(() => render({ unsubscribeUrl: undefined })).toThrow(
      new RenderError('{{unsubscribeUrl}} has no value and no usable fallback', 'unsubscribeUrl'),
    );
  });

  it.each([
    'javascript:alert(1)',
    '/book',
    'data:text/html,hi',
    'ftp://example.com/',
    'https://exa mple.com/',
    'not a url',
  ])('refuses %p as a link', (bookingUrl) => {
    expect(() => render({ bookingUrl })).toThrow('{{bookingUrl}} is not an https URL (http only on localhost)');
  });

  it('uses a URL fallback when the value is not a safe URL', () => {
    const rendered = renderEmail({
      template: { html: '<a href="{{bookingUrl|https://clinic.example.com/}}">x</a>', text: '' },
      subject: 's',
      values: { bookingUrl: 'javascript:alert(1)' },
    });
    expect(rendered.html).toBe('<a href="https://clinic.example.com/">x</a>');
  });

  it('accepts http on localhost for the local stack', () => {
    expect(render({ bookingUrl: 'http://localhost:3000/#book' }).html).toContain('href="http://localhost:3000/#book"');
  });

  it('encodes characters in a URL that could end the attribute', () => {
    const { html } = render({ bookingUrl: 'https://clinic.example.com/a"b<c>?q=\'{{x}}' });
    expect(html).toContain('href="https://clinic.example.com/a%22b%3Cc%3E?q=%27%7B%7Bx%7D%7D"');
  });

  it('percent-encodes a value inside a URL', () => {
    const rendered = renderEmail({
      template: { html: '<a href="https://clinic.example.com/?name={{firstName}}">x</a>', text: '' },
      subject: 's',
      values: { firstName: 'A&B "C"' },
    });
    expect(rendered.html).toBe('<a href="https://clinic.example.com/?name=A%26B%20%22C%22">x</a>');
  });

  it('tags the booking and site links with the campaign, never the unsubscribe link', () => {
    const rendered = renderEmail({
      template,
      subject: 's',
      values: { ...values, bookingUrl: 'https://clinic.example.com/book?ref=a&utm_source=flyer' },
      utm: { campaign: 'exosome-aftercare', content: 'welcome' },
    });
    expect(rendered.html).toContain(
      'href="https://clinic.example.com/book?ref=a&amp;utm_source=flyer&amp;utm_medium=nurture&amp;utm_campaign=exosome-aftercare&amp;utm_content=welcome"',
    );
    expect(rendered.html).toContain('href="https://api.example.com/u/token"');
    expect(rendered.text).toContain('Unsubscribe [https://api.example.com/u/token]');
  });

  it('keeps the subject on one line without control characters', () => {
    expect(render({ firstName: 'Ann\r\nBcc: x@example.com\u2028\u0007' }).subject).toBe('Hello Ann Bcc: x@example.com');
  });

  it('keeps line breaks but drops control characters in the text part', () => {
    expect(render({ firstName: 'A\u0000\u001bB\nC' }).text).toContain('Hi AB\nC');
  });

  it('never substitutes placeholders typed into a value', () => {
    const rendered = render({ firstName: '{{unsubscribeUrl}}' });
    expect(rendered.html).toContain('Hi &#123;&#123;unsubscribeUrl}}');
    expect(rendered.text).toContain('Hi {\u200b{\u200bunsubscribeUrl}}');
    expect(rendered.subject).not.toContain('{{');
  });

  it('throws on an unknown placeholder rather than sending it raw', () => {
    expect(() => renderEmail({ template: { html: '{{nickname}}', text: '' }, subject: 's', values })).toThrow(
      'Unknown placeholder',
    );
  });

  it('parses a template once and reuses it', () => {
    const html = `<p>${Math.random()} {{firstName}}</p>`;
    expect(segmentsOf(html, 'html')).toBe(segmentsOf(html, 'html'));
  });
});

describe('renderStep', () => {
  const step: CompiledStep = {
    id: 'welcome',
    delay: 'PT0S',
    enabled: true,
    preheader: 'p',
    variants: [
      { id: 'a', subject: 'Main subject', weight: 1 },
      { id: 'b', subject: 'Other subject', weight: 3 },
    ],
    template,
    sources: ['x'],
  };

  it('uses the chosen subject and tags links with the sequence and step', () => {
    const rendered = renderStep({ sequence: { id: 'exosome-aftercare' }, step, variantId: 'b', values });
    expect(rendered.subject).toBe('Other subject');
    expect(rendered.variantId).toBe('b');
    expect(rendered.html).toContain('utm_campaign=exosome-aftercare&amp;utm_content=welcome');
  });

  it('falls back to the main subject for an unknown variant', () => {
    expect(renderStep({ sequence: { id: 's' }, step, variantId: 'zz', values })).toMatchObject({
      subject: 'Main subject',
      variantId: 'a',
    });
  });

  it('chooses variants in proportion to their weights', () => {
    expect([0, 0.24, 0.25, 0.99, 1].map((random) => chooseVariant(step, random))).toEqual(['a', 'a', 'b', 'b', 'b']);
    expect(
      chooseVariant(
        {
          variants: [
            { id: 'a', subject: 's', weight: 0 },
            { id: 'b', subject: 's', weight: 1 },
          ],
        },
        0,
      ),
    ).toBe('b');
  });
});

describe('formatInterests', () => {
  it('joins labels into words for a sentence and skips unknown ids', () => {
    expect(formatInterests(['hair-restoration', 'nonsense', 'small-joint-injections', 'fraxel-aftercare'])).toBe(
      'hair restoration, small-joint injections and aftercare after Fraxel (non-ablative laser)',
    );
    expect(formatInterests(['skin-regeneration'])).toBe('general skin regeneration');
    expect(formatInterests([])).toBe('');
  });
});
