import type { ApiClient } from '../../api';
import { SessionEndedError } from '../../api';
import { h, replace } from '../../dom';
import { emailFrame, prepareEmail, showEmail } from '../../email-frame';
import type { ContentProblem, PreviewResponse, SequenceDraft } from '../../types';
import { debounce, errorMessage, select, statusRegion } from '../../ui';
import { locate, problemItem } from './problems';

export const PREVIEW_DELAY_MS = 500;

export interface PreviewOptions {
  api: ApiClient;
  sequenceId: string;
  draft: () => SequenceDraft;
  stepIndex: () => number;
  /** The preview's own problems (MJML errors with lines), for the fields beside them. */
  onProblems(problems: ContentProblem[]): void;
  onShowProblem(problem: ContentProblem): void;
}

/** The live preview of the selected step: desktop and phone frames, the text version, problems. */
export function createPreview(options: PreviewOptions) {
  const status = statusRegion('status status--quiet');
  const variant = select([{ value: '', label: 'A (main subject)' }], { id: 'preview-variant' });
  const subject = h('p', { class: 'preview-subject' });
  const desktop = emailFrame('Email preview at desktop width', 'email-frame--desktop');
  const phone = emailFrame('Email preview at phone width', 'email-frame--phone');
  const text = h('pre', { class: 'email-text', tabindex: 0, 'aria-label': 'Plain-text version' });
  const problems = h('div', { class: 'preview-problems' });
  let controller: AbortController | undefined;
  let lastStep = -1;

  const element = h(
    'section',
    { class: 'panel preview', 'aria-labelledby': 'preview-title' },
    h('h2', { id: 'preview-title' }, 'Preview'),
    h('div', { class: 'field field--inline' }, h('label', { for: 'preview-variant' }, 'Subject variant'), variant),
    status.element,
    problems,
    subject,
    h(
      'div',
      { class: 'preview-grid' },
      h(
        'figure',
        { class: 'preview-figure' },
        h('figcaption', null, 'Desktop (640 px)'),
        h('div', { class: 'frame-scroll', role: 'region', 'aria-label': 'Desktop preview', tabindex: 0 }, desktop),
      ),
      h(
        'figure',
        { class: 'preview-figure' },
        h('figcaption', null, 'Phone (375 px)'),
        h('div', { class: 'frame-scroll', role: 'region', 'aria-label': 'Phone preview', tabindex: 0 }, phone),
      ),
      h('figure', { class: 'preview-figure preview-figure--text' }, h('figcaption', null, 'Plain text'), text),
    ),
  );

  function refreshVariants(): void {
    const step = options.draft().definition.steps[options.stepIndex()];
    if (!step) return;
    const current = variant.value;
    const choices = [
      { value: '', label: `A: ${step.subject}` },
      ...step.variants.map((v) => ({ value: v.id, label: `${v.id.toUpperCase()}: ${v.subject}` })),
    ];
    replace(
      variant,
      choices.map((choice) => h('option', { value: choice.value }, choice.label)),
    );
    variant.value = choices.some((choice) => choice.value === current) ? current : '';
  }

  function showProblems(list: ContentProblem[]): void {
    if (list.length === 0) {
      problems.replaceChildren();
      return;
    }
    replace(
      problems,
      h('h3', null, `Problems in this email (${list.length})`),
      h(
        'ul',
        { class: 'problems' },
        list.map((problem) =>
          problemItem(problem, locatable(problem) ? () => options.onShowProblem(problem) : undefined),
        ),
      ),
    );
  }

  function locatable(problem: ContentProblem): boolean {
    const where = locate(problem.where);
    return where.stepIndex !== undefined || where.template !== undefined;
  }

  async function render(result: PreviewResponse): Promise<void> {
    subject.replaceChildren(h('span', { class: 'muted' }, 'Subject: '), result.subject);
    text.textContent = result.text;
    const email = prepareEmail(result.html);
    await Promise.all([showEmail(desktop, email), showEmail(phone, email)]);
  }

  async function update(): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const step = options.draft().definition.steps[options.stepIndex()];
    if (!step) return;
    element.setAttribute('aria-busy', 'true');
    status.set('Updating the preview…');
    try {
      const result = await options.api.preview(
        options.sequenceId,
        { draft: options.draft(), stepId: step.id, ...(variant.value ? { variantId: variant.value } : {}) },
        mine.signal,
      );
      if (mine.signal.aborted) return;
      showProblems(result.problems);
      options.onProblems(result.problems);
      await render(result);
      status.set(
        result.problems.length
          ? `Preview updated with ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`
          : 'Preview updated.',
      );
    } catch (error) {
      if (mine.signal.aborted || error instanceof SessionEndedError) return;
      const fields = (error as { fields?: { field: string; message: string }[] }).fields ?? [];
      const list = fields.map((field) => ({ where: field.field.replace(/^draft\./, ''), message: field.message }));
      showProblems(list);
      options.onProblems(list);
      status.set(`The preview could not be updated: ${errorMessage(error)}`);
    } finally {
      if (controller === mine) element.removeAttribute('aria-busy');
    }
  }

  const scheduled = debounce(PREVIEW_DELAY_MS, () => void update());
  variant.addEventListener('change', () => void update());

  return {
    element,
    /** After an edit: wait for a pause in typing. */
    schedule() {
      if (options.stepIndex() !== lastStep) {
        lastStep = options.stepIndex();
        refreshVariants();
      }
      scheduled();
    },
    /** A different step, or variants changed: refresh the choices and update now. */
    now() {
      lastStep = options.stepIndex();
      refreshVariants();
      scheduled.cancel();
      void update();
    },
    refreshVariants,
    stop() {
      scheduled.cancel();
      controller?.abort();
    },
  };
}
