/**
 * The id of the landing page's consultation form section. Every email's "Book a consultation"
 * button points at it, so the page and the emails take it from here. The name is the one that
 * emails already sent carry.
 */
export const CONSULTATION_ANCHOR = 'request-consultation';

/** Where to book: the landing page, opened at the consultation form. */
export function bookingUrlFor(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/#${CONSULTATION_ANCHOR}`;
}
