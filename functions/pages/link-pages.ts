import { escapeHtml } from '../render/escape';

export function page(title: string, body: string, siteUrl: string): string {
  const stylesheet = new URL('/assets/styles.css', siteUrl).toString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(stylesheet)}">
</head>
<body>
<main class="container narrow" id="main">
${body}
</main>
</body>
</html>`;
}

/** GET /u/{token}: asks before doing anything, because link scanners follow GET links. */
export function confirmUnsubscribePage(practiceName: string, siteUrl: string): string {
  return page(
    'Unsubscribe',
    `<h1>Stop emails from ${escapeHtml(practiceName)}?</h1>
<p>You will not receive any more of our educational emails. This does not cancel an appointment.</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="button">Unsubscribe</button>
</form>`,
    siteUrl,
  );
}

export function unsubscribedPage(practiceName: string, siteUrl: string): string {
  return page(
    'You are unsubscribed',
    `<h1>You are unsubscribed</h1>
<p>${escapeHtml(practiceName)} will not send you any more educational emails. If you asked us to contact you about a consultation, we may still reply to that request.</p>
<p><a href="${escapeHtml(siteUrl)}">Back to the website</a></p>`,
    siteUrl,
  );
}

export function invalidLinkPage(message: string, siteUrl: string): string {
  return page('Link not valid', `<h1>This link is not valid</h1>\n<p>${escapeHtml(message)}</p>`, siteUrl);
}

/** GET /confirm/{token}: a button, because mail scanners open links and must not confirm for the person. */
export function confirmOptInPage(practiceName: string, siteUrl: string): string {
  return page(
    'Confirm your email',
    `<h1>Confirm your email address</h1>
<p>Press the button to confirm that you would like ${escapeHtml(practiceName)} to reply to your consultation request and send you our short series of educational emails.</p>
<form method="post">
<button type="submit" class="button">Yes, confirm my email</button>
</form>`,
    siteUrl,
  );
}

export function optInConfirmedPage(practiceName: string, siteUrl: string): string {
  return page(
    'Email confirmed',
    `<h1>Thank you, your email is confirmed</h1>
<p>${escapeHtml(practiceName)} will be in touch about your consultation. Every email has a one-click unsubscribe link.</p>
<p><a href="${escapeHtml(siteUrl)}">Back to the website</a></p>`,
    siteUrl,
  );
}

/** A plain page for a form post that could not be taken (too many requests, storage unavailable). */
export function messagePage(title: string, message: string, siteUrl: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="${escapeHtml(siteUrl)}">Back to the form</a></p>`,
    siteUrl,
  );
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
