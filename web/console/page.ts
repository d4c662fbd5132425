import { html } from '../../functions/pages/html';

export interface ConsolePageOptions {
  /** Where the console is served, with a trailing slash (`/console/`). */
  base: string;
}

/**
 * The console's only HTML page: a shell the script fills. No inline script or style, so it
 * runs under the site's strict CSP; without JavaScript it says so.
 */
export function renderConsolePage(options: ConsolePageOptions): string {
  const base = options.base.endsWith('/') ? options.base : `${options.base}/`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>Marketing console</title>
<link rel="icon" href="${base}favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${base}console.css">
<script src="${base}app.js" defer data-config="${base}console-config.json"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="console-header">
<div class="console-bar">
<a class="console-name" href="#/leads">Marketing console</a>
<nav id="console-nav" class="console-nav" aria-label="Console" hidden></nav>
</div>
</header>
<main id="main" class="console-main" tabindex="-1">
<p id="notice" class="notice" role="status"></p>
<div id="page">
<h1 class="page-title">Marketing console</h1>
<noscript><p>The console needs JavaScript. Turn it on for this site and reload.</p></noscript>
<p class="loading">Loading…</p>
</div>
</main>
</body>
</html>
`.value;
}
