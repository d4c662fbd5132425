import type { SigningKeyProvider } from '../shared/signing-key';
import { signUnsubscribeToken } from '../suppression/unsubscribe-token';
import { bookingUrlFor } from './booking-link';
import type { LinkBuilder } from './practice';

/**
 * The shape of every link an email carries, given the site and the API. The link builder signs
 * unsubscribe tokens into it; the preview gallery fills it with sample tokens, so its links
 * look like the real ones.
 */
export function linkShapes(siteUrl: string, publicApiUrl: string) {
  const site = siteUrl.replace(/\/+$/, '');
  const api = publicApiUrl.replace(/\/+$/, '');
  return {
    siteUrl: `${site}/`,
    bookingUrl: bookingUrlFor(site),
    unsubscribeUrl: (token: string) => `${api}/u/${token}`,
    consoleUrl: (leadId: string) => `${site}/console/#/leads/${encodeURIComponent(leadId)}`,
    optInUrl: (token: string) => `${api}/confirm/${encodeURIComponent(token)}`,
  };
}

export function createLinkBuilder(options: {
  siteUrl: string;
  publicApiUrl: string;
  signingKey: SigningKeyProvider;
}): LinkBuilder {
  const shapes = linkShapes(options.siteUrl, options.publicApiUrl);
  return {
    siteUrl: shapes.siteUrl,
    bookingUrl: shapes.bookingUrl,
    unsubscribeUrl: async (leadId, from) =>
      shapes.unsubscribeUrl(signUnsubscribeToken(leadId, await options.signingKey(), from)),
    consoleUrl: shapes.consoleUrl,
    optInUrl: shapes.optInUrl,
  };
}
