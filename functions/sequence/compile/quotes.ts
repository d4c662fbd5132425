/**
 * Quotes are matched loosely on typography only: curly and straight quotes, dashes typed as
 * hyphens, and any run of whitespace are the same. Words must match exactly.
 */
export function normalizeQuote(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The quotes that appear in none of the source texts. */
export function quotesNotInSources(quotes: readonly string[], sources: readonly string[]): string[] {
  const haystacks = sources.map(normalizeQuote);
  return quotes.filter((quote) => {
    const needle = normalizeQuote(quote);
    return !haystacks.some((haystack) => haystack.includes(needle));
  });
}
