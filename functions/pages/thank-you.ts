import { html } from './html';
import { type Practice, renderDocument, telHref } from './layout';

export interface ThankYouPageOptions {
  practice: Practice;
  assetBase?: string;
}

/** Deliberately the same for every visitor: the page is static and echoes nothing they typed. */
export function renderThankYouPage(options: ThankYouPageOptions): string {
  const { practice } = options;
  const main = html`<div class="hero">
<h1>We received your request</h1>
<p class="lead">Thank you for your interest in a consultation with ${practice.surgeon}.</p>
</div>
<section aria-labelledby="next-title">
<h2 id="next-title">What happens next</h2>
<ol>
<li>We will send you a confirmation email in the next few minutes. If it does not arrive, please check your spam or junk folder.</li>
<li>Someone from ${practice.name} will contact you by the method you chose, to answer your questions and find a time for your consultation.</li>
</ol>
<p>If you would rather speak to us sooner, call <a href="${telHref(practice.phone)}">${practice.phone}</a>.</p>
<p><a href="/">Back to exosome aftercare</a></p>
</section>`;
  return renderDocument({
    title: `Request received | ${practice.name}`,
    description: `Your consultation request to ${practice.name} was received.`,
    practice,
    main,
    assetBase: options.assetBase,
    noIndex: true,
  });
}
