import { PUBLIC_ROUTES } from '../http/public-routes';
import { CONSULTATION_ANCHOR } from '../mail/booking-link';
import type { FieldProblem } from '../shared/errors';
import { html } from './html';
import { type Practice, renderDocument } from './layout';
import { type FormValues, renderLeadForm } from './lead-form-markup';

export interface LandingPageOptions {
  practice: Practice;
  values?: FormValues;
  errors?: FieldProblem[];
  /** Where the form posts; the deployed site points it at the API. */
  formAction?: string;
  assetBase?: string;
}

/** The page the form lives on; a failed post keeps its own landingPath from `values`. */
const LANDING_PATH = '/';

// Every sentence below restates the practice's article; nothing here may promise a result.
export function renderLandingPage(options: LandingPageOptions): string {
  const { practice } = options;
  const errors = options.errors ?? [];
  const form = renderLeadForm({
    practice,
    values: options.values ?? {},
    errors,
    formAction: options.formAction ?? PUBLIC_ROUTES.capture.path,
    landingPath: LANDING_PATH,
  });
  const main = html`<div class="hero">
<h1>Exosome aftercare after your skin or hair treatment</h1>
<p class="lead">Thinking about PBME Topical™ exosomes after Fraxel, RF microneedling or hair restoration? Here is what they are, in plain words, and how to ask ${practice.surgeon} whether they suit you.</p>
<p><a class="button" href="#${CONSULTATION_ANCHOR}">Request a consultation</a></p>
</div>
<div class="layout">
<div class="copy">
<section aria-labelledby="what-title">
<h2 id="what-title">What are exosomes?</h2>
<p>Exosomes are like letters your cells send each other: tiny packages of information that help guide what the body should do next. Each one is far smaller than a skin cell and carries proteins, RNA and lipids from one cell to another.</p>
<p>An exosome product is cell-free. It contains no living cells, only the messages that cells release.</p>
</section>
<section aria-labelledby="how-title">
<h2 id="how-title">How PBME Topical™ is used</h2>
<p>PBME Topical™ is made from exosomes of bone marrow-derived mesenchymal stem cells. It is applied to the skin after a treatment, to support the skin's own healing.</p>
<p>At ${practice.name} it is part of the aftercare for:</p>
<ul>
<li>non-ablative laser (Fraxel)</li>
<li>radiofrequency (RF) microneedling</li>
<li>hair restoration</li>
</ul>
<p>Fraxel and RF microneedling make controlled micro-injuries in the skin. Aftercare is about supporting the natural healing that follows without adding irritation.</p>
</section>
<section aria-labelledby="not-title">
<h2 id="not-title">What it does not replace</h2>
<p>Exosomes work with your skincare routine, not in place of it. They do not exfoliate, hydrate or protect from the sun. No topical product, PBME included, replaces sunscreen, hydration or long-term care.</p>
</section>
<section aria-labelledby="who-title">
<h2 id="who-title">Who the consultation is for</h2>
<ul>
<li>You have had, or are planning, Fraxel or RF microneedling and want to talk about aftercare.</li>
<li>You are considering hair restoration.</li>
<li>You want to ask about small-joint injections for arthritis, which a new Florida law allows the practice to offer.</li>
<li>You are curious whether exosome aftercare fits your own skin care.</li>
</ul>
<p>Not everyone needs exosomes. Whether they make sense for you is something to decide together at the consultation.</p>
</section>
<section aria-labelledby="surgeon-title">
<h2 id="surgeon-title">Your surgeon</h2>
<p>${practice.surgeon} is a triple-board certified plastic surgeon who has cared for patients in Tampa for two decades. ${practice.surgeon} and the team at ${practice.name} were early adopters of PBME Topical™.</p>
</section>
<p class="note">This page is general information, not medical advice. It does not promise any result; what suits you is decided with your surgeon.</p>
</div>
<section id="${CONSULTATION_ANCHOR}" class="consultation" aria-labelledby="consultation-title">
<h2 id="consultation-title">Request a consultation</h2>
<p>Fields are required unless marked optional.</p>
${form}
</section>
</div>`;
  return renderDocument({
    title: `${errors.length ? 'Error: ' : ''}Exosome aftercare consultations | ${practice.name}`,
    description: `What exosomes are, in plain words, and how to request an exosome aftercare consultation with ${practice.surgeon}.`,
    practice,
    main,
    assetBase: options.assetBase,
    withScript: true,
  });
}
