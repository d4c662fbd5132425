import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Duration } from 'luxon';
import { renderEmail, renderLine } from '../functions/render/render';
import { renderStep } from '../functions/render/render-step';
import { displayPath } from '../functions/sequence/compile/problems';
import type { CompiledSequence, CompiledStep, EmailBundle } from '../functions/sequence/compiled';
import { buildEmails, EMAILS_DIR } from './build';
import { SAMPLE_VALUES } from './sample-values';

export const DEFAULT_PREVIEW_DIR = join(EMAILS_DIR, 'dist', 'preview');
/** The site's icon, so the gallery's tab has one too (and the browser asks for no favicon.ico). */
const FAVICON = join(EMAILS_DIR, '..', 'web', 'assets', 'favicon.svg');

export interface PreviewOptions {
  /** A bundle already built; by default the sources are built afresh (nothing written). */
  bundle?: EmailBundle;
  emailsDir?: string;
}

export interface PreviewResult {
  outDir: string;
  indexFile: string;
  files: string[];
}

/**
 * Headers the gallery needs when served (the local stack mounts it at /preview): the page
 * frames its own emails, and the emails carry inline styles as every email must. The site's
 * stricter policy (frame-ancestors 'none', no inline style) would blank the frames. Its one
 * script (its own file) sizes each frame to its email.
 */
export const PREVIEW_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https:; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

interface Rendered {
  title: string;
  page: string;
  subjects: { id: string; subject: string; weight?: number }[];
  preheader: string;
  html: string;
  text: string;
  delay?: string;
  day?: number;
  sources: readonly string[];
}

/** Writes a static gallery of every email, rendered with sample data, to `outDir`. */
export async function writePreview(outDir = DEFAULT_PREVIEW_DIR, options: PreviewOptions = {}): Promise<PreviewResult> {
  const bundle =
    options.bundle ??
    (await buildEmails({ outFile: false, ...(options.emailsDir ? { emailsDir: options.emailsDir } : {}) }));
  const groups: { heading: string; details: string; emails: Rendered[] }[] = [];
  for (const sequence of Object.values(bundle.sequences)) {
    groups.push({ heading: sequence.name, details: sequenceDetails(sequence), emails: sequenceEmails(sequence) });
  }
  groups.push({
    heading: 'Transactional emails',
    details: 'Sent by the capture path, not part of any sequence.',
    emails: transactionalEmails(bundle),
  });

  const files: string[] = [];
  const write = async (path: string, content: string) => {
    const file = join(outDir, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, content);
    files.push(file);
  };
  for (const email of groups.flatMap((group) => group.emails)) {
    await write(`${email.page}.html`, email.html);
    await write(`${email.page}.txt`, email.text);
  }
  await write('preview.css', STYLESHEET);
  await write('preview.js', SCRIPT);
  await write('favicon.svg', await readFile(FAVICON, 'utf8'));
  await write('index.html', indexPage(groups));
  return { outDir, indexFile: join(outDir, 'index.html'), files };
}

function sequenceEmails(sequence: CompiledSequence): Rendered[] {
  let day = 0;
  return sequence.steps.map((step: CompiledStep) => {
    day += Duration.fromISO(step.delay).as('days');
    const rendered = renderStep({ sequence, step, values: SAMPLE_VALUES });
    return {
      title: `${step.id}${step.enabled ? '' : ' (disabled)'}`,
      page: `${sequence.id}/${step.id}`,
      subjects: step.variants.map(({ id, subject, weight }) => ({
        id,
        subject: renderLine(subject, SAMPLE_VALUES),
        weight,
      })),
      preheader: renderLine(step.preheader, SAMPLE_VALUES),
      html: rendered.html,
      text: rendered.text,
      delay: step.delay,
      day,
      sources: step.sources,
    };
  });
}

function transactionalEmails(bundle: EmailBundle): Rendered[] {
  return Object.entries(bundle.transactional).map(([id, template]) => {
    const rendered = renderEmail({ template, subject: template.subject, values: SAMPLE_VALUES });
    return {
      title: id,
      page: `transactional/${id}`,
      subjects: [{ id: 'a', subject: rendered.subject }],
      preheader: renderLine(template.preheader, SAMPLE_VALUES),
      html: rendered.html,
      text: rendered.text,
      sources: [],
    };
  });
}

function sequenceDetails(sequence: CompiledSequence): string {
  const { days, start, end } = sequence.sendWindow;
  return `${sequence.id}, version ${sequence.version}. Sends ${days.join(', ')} ${start}–${end} in the recipient's time zone (fallback: ${sequence.timeZoneFallback}). Stops on: ${sequence.exitOn.join(', ')}.`;
}

function indexPage(groups: { heading: string; details: string; emails: Rendered[] }[]): string {
  const sections = groups
    .map(
      (group) => `<section>
<h2>${escapeText(group.heading)}</h2>
<p class="details">${escapeText(group.details)}</p>
${summaryTable(group.emails)}
${group.emails.map(emailSection).join('\n')}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Email preview</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="preview.css">
<script src="preview.js" defer></script>
</head>
<body>
<main>
<h1>Email preview</h1>
<p>Every email rendered with sample data (first name "${escapeText(SAMPLE_VALUES.firstName)}"), at desktop (640&nbsp;px) and mobile (375&nbsp;px) widths (on a narrower screen each frame shrinks to fit), with its plain-text part and the article passages it draws on. Its links have the shape of real ones, with sample tokens. Generated by <code>npm run emails:preview</code>.</p>
${sections}
</main>
</body>
</html>
`;
}

function summaryTable(emails: Rendered[]): string {
  const rows = emails
    .map(
      (email) => `<tr>
<td data-label="When">${email.day === undefined ? '' : `Day ${formatDays(email.day)}`}</td>
<td data-label="Delay">${email.delay === undefined ? '' : escapeText(formatDelay(email.delay))}</td>
<td data-label="Email"><a href="#${escapeText(email.page)}">${escapeText(email.title)}</a></td>
<td data-label="Subject">${subjectList(email)}</td>
<td data-label="Preheader">${escapeText(email.preheader)}</td>
</tr>`,
    )
    .join('\n');
  return `<table>
<thead><tr><th scope="col">When</th><th scope="col">Delay</th><th scope="col">Email</th><th scope="col">Subject</th><th scope="col">Preheader</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function emailSection(email: Rendered): string {
  const sources = email.sources.length
    ? `<h4>Article sources</h4><ul class="sources">${email.sources.map((quote) => `<li><q>${escapeText(quote)}</q></li>`).join('')}</ul>`
    : '';
  return `<article id="${escapeText(email.page)}">
<h3>${escapeText(email.title)}</h3>
<p><strong>Subject:</strong> ${subjectList(email)}<br><strong>Preheader:</strong> ${escapeText(email.preheader)}<br><a href="${escapeText(email.page)}.html">Open the HTML</a> · <a href="${escapeText(email.page)}.txt">Open the text</a></p>
<div class="frames">
<figure><figcaption>Desktop</figcaption><iframe src="${escapeText(email.page)}.html" title="${escapeText(email.title)} at desktop width" width="640" height="900" loading="lazy" sandbox="${FRAME_SANDBOX}"></iframe></figure>
<figure><figcaption>Mobile</figcaption><iframe src="${escapeText(email.page)}.html" title="${escapeText(email.title)} at mobile width" width="375" height="900" loading="lazy" sandbox="${FRAME_SANDBOX}"></iframe></figure>
<div class="side"><h4>Plain text</h4><pre>${escapeText(email.text)}</pre>${sources}</div>
</div>
</article>`;
}

function subjectList(email: Rendered): string {
  if (email.subjects.length === 1) return escapeText(email.subjects[0]!.subject);
  const items = email.subjects.map(
    (variant) => `<li>${escapeText(variant.id)} (weight ${variant.weight}): ${escapeText(variant.subject)}</li>`,
  );
  return `<ul class="variants">${items.join('')}</ul>`;
}

function formatDelay(delay: string): string {
  const duration = Duration.fromISO(delay);
  if (duration.as('seconds') === 0) return 'right after sign-up';
  return `${duration.rescale().toHuman()} after the previous email`;
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * No scripts run in a frame (emails have none, and the sandbox would stop them); same origin
 * lets the gallery's own script read how tall each email is.
 */
const FRAME_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

/** Sizes each frame to its email, so the footer shows; again when the width changes. */
const SCRIPT = `'use strict';
function fit(frame) {
  var doc = frame.contentDocument;
  if (!doc || !doc.documentElement) return;
  // Plus the frame's own border, so the whole email shows inside it.
  frame.height = String(doc.documentElement.scrollHeight + frame.offsetHeight - frame.clientHeight);
  frame.dataset.sized = 'true';
}
document.querySelectorAll('iframe').forEach(function (frame) {
  frame.addEventListener('load', function () { fit(frame); });
  if (frame.contentDocument && frame.contentDocument.readyState === 'complete') fit(frame);
});
var pending;
window.addEventListener('resize', function () {
  clearTimeout(pending);
  pending = setTimeout(function () { document.querySelectorAll('iframe').forEach(fit); }, 150);
});
`;

const STYLESHEET = `body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1f2933; background: #f4f4f2; }
main { max-width: 1500px; margin: 0 auto; padding: 24px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 24px; }
th, td { border: 1px solid #c9ccd1; padding: 6px 8px; text-align: left; vertical-align: top; }
article { background: #fff; border: 1px solid #c9ccd1; padding: 16px; margin-bottom: 24px; }
.frames { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; max-width: 100%; }
iframe { border: 1px solid #c9ccd1; background: #fff; max-width: 100%; box-sizing: border-box; display: block; }
.side { flex: 1 1 320px; min-width: 280px; }
pre { white-space: pre-wrap; background: #f4f4f2; padding: 12px; font-size: 13px; max-height: 900px; overflow: auto; }
.sources q { display: block; color: #4a5560; }
.variants { margin: 0; padding-left: 18px; }
.details { color: #4a5560; }
a { color: #1d4e6b; }
@media (max-width: 40rem) {
  main { padding: 12px; }
  article { padding: 12px; }
  /* The step table as one block per email, each cell with its column's name. */
  table, tbody, tr, td { display: block; width: auto; }
  thead { position: absolute; left: -10000px; }
  tr { border: 1px solid #c9ccd1; margin-bottom: 8px; }
  th, td { border: 0; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
  td:empty { display: none; }
  .side { min-width: 0; }
}
`;

async function main(): Promise<void> {
  const result = await writePreview();
  console.log(`wrote ${result.files.length} files; open ${displayPath(result.indexFile)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
