import { TemplateError } from '../../functions/render/errors';
import { findPlaceholders, type Placeholder, parseTemplate } from '../../functions/render/template';

function contexts(html: string): string[] {
  return parseTemplate(html, 'html')
    .filter((segment): segment is Placeholder => typeof segment !== 'string')
    .map((placeholder) => `${placeholder.name}:${placeholder.context}`);
}

describe('parseTemplate: where a placeholder stands', () => {
  it('finds text, attribute, URL and URL-part positions', () => {
    const html = `<p title="Hi {{firstName|there}}">Dear {{firstName|there}}</p>
      <a href="{{bookingUrl}}" class='x'>book</a>
      <a href='{{siteUrl}}'>site</a>
      <img src="{{siteUrl}}" alt="{{practiceName}}">
      <a href="https://example.com/?who={{firstName|there}}">x</a>`;
    expect(contexts(html)).toEqual([
      'firstName:attr',
      'firstName:html',
      'bookingUrl:url',
      'siteUrl:url',
      'siteUrl:url',
      'practiceName:attr',
      'firstName:url-part',
    ]);
  });

  it('treats the title as text and resumes after style blocks and comments', () => {
    const html =
      '<title>{{practiceName}}</title><style>p > a { color: red; }</style><!-- <a href=" --><p>{{firstName}}</p>';
    expect(contexts(html)).toEqual(['practiceName:html', 'firstName:html']);
  });

  it('handles mjml conditional comments and attributes without values', () => {
    const html =
      '<!--[if mso | IE]><table role="presentation"><tr><td><![endif]--><td nowrap class="a">{{firstName}}</td>';
    expect(contexts(html)).toEqual(['firstName:html']);
  });

  it.each([
    ['<style>p { color: {{firstName}} }</style>', 'inside <style>'],
    ['<script>var n = "{{firstName}}"</script>', 'inside <script>'],
    ['<!-- {{firstName}} -->', 'comment'],
    ['<p class={{firstName}}>x</p>', 'unquoted'],
    ['<p {{firstName}}>x</p>', 'inside a tag'],
    ['<p style="color: {{firstName}}">x</p>', '"style" attribute'],
    ['<a onclick="go(\'{{firstName}}\')">x</a>', '"onclick" attribute'],
    ['<img srcset="{{siteUrl}} 2x" alt="x">', '"srcset" attribute'],
  ])('refuses a placeholder where no escaping is safe: %s', (html, reason) => {
    expect(() => parseTemplate(html, 'html')).toThrow(TemplateError);
    expect(() => parseTemplate(html, 'html')).toThrow(reason);
  });

  it('gives the text part and subjects their own context', () => {
    expect(parseTemplate('Hi {{firstName|there}}, <b>', 'text')).toEqual([
      'Hi ',
      { name: 'firstName', fallback: 'there', context: 'text' },
      ', <b>',
    ]);
    expect(parseTemplate('{{leadKind}} arrived', 'subject')).toEqual([
      { name: 'leadKind', context: 'subject' },
      ' arrived',
    ]);
  });
});

describe('placeholder grammar', () => {
  it('reads names and trimmed fallbacks', () => {
    expect(
      findPlaceholders('{{ firstName | dear reader }} and {{bookingUrl}}').map(({ name, fallback }) => ({
        name,
        fallback,
      })),
    ).toEqual([
      { name: 'firstName', fallback: 'dear reader' },
      { name: 'bookingUrl', fallback: undefined },
    ]);
  });

  it('leaves single braces alone', () => {
    expect(parseTemplate('a { b } c', 'text')).toEqual(['a { b } c']);
  });

  it.each([
    ['{{unknownThing}}', 'Unknown placeholder "{{unknownThing}}"'],
    ['{{firstname}}', 'Unknown placeholder'],
    ['Hi {{firstName', 'Malformed placeholder at line 1'],
    ['a\nb {{first name}}', 'Malformed placeholder at line 2'],
    ['{{}}', 'Malformed'],
    ['{{{firstName}}}', 'Malformed'],
    ['{{firstName|<b>you</b>}}', 'Malformed'],
    ['{{firstName|a & b}}', 'Malformed'],
    ['{{constructor}}', 'Unknown placeholder'],
  ])('refuses %s', (source, message) => {
    expect(() => parseTemplate(source, 'text')).toThrow(message);
  });
});
