import type { SigningKeyProvider } from '../adapters/signing-key';
import { signUnsubscribeToken } from '../suppression/unsubscribe-token';
import { bookingUrlFor } from './booking-link';
import type { LinkBuilder } from './practice';

export function createLinkBuilder(options: {
  siteUrl: string;
  publicApiUrl: string;
  signingKey: SigningKeyProvider;
}): LinkBuilder {
  const site = options.siteUrl.replace(/\/+$/, '');
  const api = options.publicApiUrl.replace(/\/+$/, '');
  return {
    siteUrl: `${site}/`,
    bookingUrl: bookingUrlFor(site),
    unsubscribeUrl: async (leadId, from) =>
      `${api}/u/${signUnsubscribeToken(leadId, await options.signingKey(), from)}`,
    consoleUrl: (leadId) => `${site}/console/#/leads/${encodeURIComponent(leadId)}`,
    optInUrl: (token) => `${api}/confirm/${encodeURIComponent(token)}`,
  };
}
