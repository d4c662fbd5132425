import { html, type SafeHtml } from './html';
import { type PracticeContact, renderDocument } from './layout';

/**
 * What the pages behind emailed links need to look like the site: the practice's name and
 * contact details for the header and footer, and the site, whose stylesheet they use. In AWS
 * they are served from the API's domain, so every link back to the site is absolute.
 */
export interface LinkPageSite {
  practice: PracticeContact;
  siteUrl: string;
}

export function page(title: string, body: SafeHtml, site: LinkPageSite): string {
  return renderDocument({
    title: `${title} | ${site.practice.name}`,
    practice: site.practice,
    main: html`<div class="message-page">
${body}
</div>`,
    assetBase: new URL('/assets', site.siteUrl).toString(),
    homeUrl: new URL('/', site.siteUrl).toString(),
    noIndex: true,
  });
}

const backToSite = (site: LinkPageSite, label = 'Back to the website') =>
  html`<p><a href="${new URL('/', site.siteUrl).toString()}">${label}</a></p>`;

/** GET /u/{token}: asks before doing anything, because link scanners follow GET links. */
export function confirmUnsubscribePage(site: LinkPageSite): string {
  return page(
    'Unsubscribe',
    html`<h1>Stop emails from ${site.practice.name}?</h1>
<p>You will not receive any more of our educational emails. This does not cancel an appointment.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="button">Unsubscribe</button>
</form>`,
    site,
  );
}

export function unsubscribedPage(site: LinkPageSite): string {
  return page(
    'You are unsubscribed',
    html`<h1>You are unsubscribed</h1>
<p>${site.practice.name} will not send you any more educational emails. If you asked us to contact you about a consultation, we may still reply to that request.</p>
${backToSite(site)}`,
    site,
  );
}

/** A link that was used before (or an address that is suppressed anyway): nothing to ask. */
export function alreadyUnsubscribedPage(site: LinkPageSite): string {
  return page(
    'You are already unsubscribed',
    html`<h1>You are already unsubscribed</h1>
<p>${site.practice.name} does not send you educational emails any more; there is nothing else to do. If you asked us to contact you about a consultation, we may still reply to that request.</p>
${backToSite(site)}`,
    site,
  );
}

export function invalidLinkPage(message: string, site: LinkPageSite): string {
  return page('Link not valid', html`<h1>This link is not valid</h1>\n<p>${message}</p>`, site);
}

/** GET /confirm/{token}: a button, because mail scanners open links and must not confirm for the person. */
export function confirmOptInPage(site: LinkPageSite): string {
  return page(
    'Confirm your email',
    html`<h1>Confirm your email address</h1>
<p>Press the button to confirm that you would like ${site.practice.name} to reply to your consultation request and send you our short series of educational emails.</p>
<form method="post">
<button type="submit" class="button">Yes, confirm my email</button>
</form>`,
    site,
  );
}

export function optInConfirmedPage(site: LinkPageSite): string {
  return page(
    'Email confirmed',
    html`<h1>Thank you, your email is confirmed</h1>
<p>${site.practice.name} will be in touch about your consultation. Every email has a one-click unsubscribe link.</p>
${backToSite(site)}`,
    site,
  );
}

/** A plain page for a form post that could not be taken (too many requests, storage unavailable). */
export function messagePage(title: string, message: string, site: LinkPageSite): string {
  return page(title, html`<h1>${title}</h1>\n<p>${message}</p>\n${backToSite(site, 'Back to the form')}`, site);
}

/**
 * Headers for the pages behind emailed links. They come straight from the API (not through
 * CloudFront's headers policy), and their URL carries a token: no referrer may leak it.
 */
export function linkPageHeaders(siteUrl: string): Record<string, string> {
  const siteOrigin = new URL(siteUrl).origin;
  return {
    'content-security-policy': `default-src 'none'; style-src ${siteOrigin}; img-src ${siteOrigin}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

/** Middy middleware adding linkPageHeaders to whatever the handler answers. */
export function linkPageHeadersMiddleware(siteUrl: string) {
  return {
    after: (request: { response?: { headers?: Record<string, string> } }) => {
      if (request.response) request.response.headers = { ...request.response.headers, ...linkPageHeaders(siteUrl) };
    },
  };
}
