import type { SigningKeyProvider } from '../shared/signing-key';
import { signUnsubscribeToken } from '../suppression/unsubscribe-token';
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
    bookingUrl: `${site}/#request-consultation`,
    unsubscribeUrl: async (leadId, from) =>
      `${api}/u/${signUnsubscribeToken(leadId, await options.signingKey(), from)}`,
    consoleUrl: (leadId) => `${site}/console/#/leads/${encodeURIComponent(leadId)}`,
    optInUrl: (token) => `${api}/confirm/${encodeURIComponent(token)}`,
  };
}
