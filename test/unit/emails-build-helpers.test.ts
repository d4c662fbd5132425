import { contentProblems } from '../../functions/sequence/compile/checks';
import { htmlToPlainText } from '../../functions/sequence/compile/plain-text';
import { normalizeQuote, quotesNotInSources } from '../../functions/sequence/compile/quotes';
import { tagLiteralLinks } from '../../functions/sequence/compile/utm';
import { contentVersion } from '../../functions/sequence/compile/version';

describe('quotesNotInSources', () => {
  const article = 'They’re about 1/1000th the size of a skin cell,\n encased in a “lipid   bilayer” membrane — small.';

  it('matches curly and straight quotes, dashes and whitespace alike', () => {
    expect(
      quotesNotInSources(
        ["They're about 1/1000th the size", 'encased in a "lipid bilayer" membrane - small'],
        [article],
      ),
    ).toEqual([]);
  });

  it('returns quotes whose words differ from the article', () => {
    expect(quotesNotInSources(['about 1/100th the size', 'the size of a skin cell'], [article])).toEqual([
      'about 1/100th the size',
    ]);
  });

  it('accepts a quote found in any of several sources', () => {
    expect(quotesNotInSources(['second article'], [article, 'A second article.'])).toEqual([]);
  });

  it('normalises without changing the words', () => {
    expect(normalizeQuote('  “Hi”\u00a0—\tthere ')).toBe('"Hi" - there');
  });
});

describe('tagLiteralLinks', () => {
  const tags = { utm_source: 'email', utm_medium: 'nurture', utm_campaign: 'seq', utm_content: 'step' };

  it('adds campaign tags to absolute https links, keeping their own parameters', () => {
    const html = tagLiteralLinks('<a href="https://example.com/a?x=1&amp;y=2" style="c">x</a>', tags);
    expect(html).toBe(
      '<a href="https://example.com/a?x=1&amp;y=2&amp;utm_source=email&amp;utm_medium=nurture&amp;utm_campaign=seq&amp;utm_content=step" style="c">x</a>',
    );
  });

  it('keeps utm parameters an author set by hand', () => {
    expect(tagLiteralLinks('<a href="https://example.com/?utm_source=print">x</a>', tags)).toContain(
      'utm_source=print&amp;utm_medium=nurture',
    );
  });

  it('leaves placeholders, plain http and non-link attributes alone', () => {
    const html =
      '<a href="{{bookingUrl}}">a</a><a href="http://example.com/">b</a><img src="https://example.com/i.png" alt="i">';
    expect(tagLiteralLinks(html, tags)).toBe(html);
  });
});

describe('htmlToPlainText', () => {
  it('keeps placeholders whole, even with spaces in a fallback and inside headings', () => {
    const text = htmlToPlainText(
      `<body><h1>Hello {{firstName|there}}</h1><p>${'word '.repeat(14)}{{interests|exosome aftercare after treatment}}</p><a href="{{bookingUrl}}">Book</a></body>`,
    );
    expect(text).toContain('Hello {{firstName|there}}');
    expect(text).toContain('{{interests|exosome aftercare after treatment}}');
    expect(text).toContain('Book [{{bookingUrl}}]');
  });

  it('prints a link once when its text is its own URL', () => {
    expect(htmlToPlainText('<body><a href="{{optInUrl}}">{{optInUrl}}</a></body>').trim()).toBe('{{optInUrl}}');
  });

  it('leaves out the hidden preheader block', () => {
    const html =
      '<body><div style="display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;">Secret preview</div><p>Body</p></body>';
    expect(htmlToPlainText(html).trim()).toBe('Body');
  });

  it('writes table rows as "Label: value"', () => {
    expect(htmlToPlainText('<body><table><tr><th>Name</th><td>{{leadName}}</td></tr></table></body>').trim()).toBe(
      'Name: {{leadName}}',
    );
  });
});

describe('contentProblems', () => {
  const good =
    '<html lang="en"><body><p>You are receiving this email because x.</p><a href="{{unsubscribeUrl}}">Unsubscribe</a><p>This email is general information, not medical advice.</p><p>{{practiceAddress}}</p></body></html>';

  it('accepts an email with the whole footer', () => {
    expect(contentProblems(good, { unsubscribe: true })).toEqual([]);
  });

  it('finds a missing unsubscribe link only where one is required', () => {
    const staff = good.replace('<a href="{{unsubscribeUrl}}">Unsubscribe</a>', '');
    expect(contentProblems(staff, { unsubscribe: false })).toEqual([]);
    expect(contentProblems(staff, { unsubscribe: true })).toEqual([expect.stringContaining('unsubscribe')]);
  });

  it('finds images without alt text, insecure links, and oversized HTML', () => {
    const bad = good.replace(
      '</body>',
      `<img src="https://x.com/a.png" alt=" "><a href="/relative">r</a>${' '.repeat(101 * 1024)}</body>`,
    );
    expect(contentProblems(bad, { unsubscribe: true })).toEqual([
      expect.stringContaining('image without alt text'),
      expect.stringContaining('not absolute https: /relative'),
      expect.stringContaining('the limit is 102400'),
    ]);
  });

  it('requires lang="en"', () => {
    expect(contentProblems(good.replace(' lang="en"', ''), { unsubscribe: true })).toEqual([
      expect.stringContaining('lang="en"'),
    ]);
  });
});

describe('contentVersion', () => {
  it('is a short hash that changes with any content change', () => {
    const version = contentVersion({ steps: ['a'] });
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(contentVersion({ steps: ['a'] })).toBe(version);
    expect(contentVersion({ steps: ['b'] })).not.toBe(version);
  });
});
