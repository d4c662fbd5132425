import { html, type SafeHtml } from './html';

/** The practice details a page shows; `clinicConfig.practice` fits this shape. */
export interface Practice {
  name: string;
  surgeon: string;
  postalAddress: string;
  phone: string;
}

export const DEFAULT_ASSET_BASE = '/assets';

/** What the header and footer show of the practice. */
export type PracticeContact = Pick<Practice, 'name' | 'postalAddress' | 'phone'>;

export interface DocumentOptions {
  title: string;
  /** For search results; pages kept out of search (noIndex) may leave it out. */
  description?: string;
  practice: PracticeContact;
  main: SafeHtml;
  assetBase?: string;
  /** Pages that only confirm something have no script, so nothing runs there at all. */
  withScript?: boolean;
  noIndex?: boolean;
  /** Where the practice's name in the header leads: the site's own root unless the page is served elsewhere. */
  homeUrl?: string;
}

/** `tel:` links only accept digits and a leading +; display formats like "(813) 555-0142" do not. */
export function telHref(phone: string): string {
  return `tel:${phone.trim().startsWith('+') ? '+' : ''}${phone.replace(/\D/g, '')}`;
}

export function renderDocument(options: DocumentOptions): string {
  const assets = (options.assetBase ?? DEFAULT_ASSET_BASE).replace(/\/+$/, '');
  const { practice } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
${options.noIndex ? html`<meta name="robots" content="noindex">` : ''}
<link rel="icon" href="${assets}/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${assets}/styles.css">
${options.withScript ? html`<script src="${assets}/app.js" defer></script>` : ''}
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap"><a class="site-name" href="${options.homeUrl ?? '/'}">${practice.name}</a></div>
</header>
<main id="main" class="wrap" tabindex="-1">
${options.main}
</main>
<footer class="site-footer">
<div class="wrap">
<p class="footer-name">${practice.name}</p>
<address>${practice.postalAddress}<br>
Phone: <a href="${telHref(practice.phone)}">${practice.phone}</a></address>
<p class="small">The information on this site is general information, not medical advice.</p>
</div>
</footer>
</body>
</html>
`.value;
}
