/**
 * Adds campaign tags to the literal absolute https links of compiled HTML. Links that are
 * placeholders get their tags at send time instead, because their URL is only known then.
 * Existing utm_* parameters are kept: an author who tagged a link by hand meant it.
 */
export function tagLiteralLinks(html: string, tags: Record<string, string>): string {
  return html.replace(/(<a\b[^>]*?\shref=")(https:\/\/[^"]*)"/gi, (whole, start: string, href: string) => {
    if (href.includes('{{')) return whole;
    const raw = href.replace(/&amp;/g, '&');
    if (!URL.canParse(raw)) return whole;
    const url = new URL(raw);
    for (const [key, value] of Object.entries(tags)) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, value);
    }
    return `${start}${url.href.replace(/&/g, '&amp;').replace(/"/g, '%22')}"`;
  });
}
