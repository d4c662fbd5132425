import { h, replace, uid } from '../../dom';
import { dataTable } from '../../table';
import type { ContentProblem, SequenceDraft } from '../../types';
import { button, confirmDialog, scrollTable } from '../../ui';
import { conditionFieldset, describeCondition } from './conditions';
import { locate } from './problems';

type Step = SequenceDraft['definition']['steps'][number];

export const SUBJECT_MAX = 60;
export const PREHEADER_MAX = 140;

/** "P3D" → "3 days", "PT12H" → "12 hours", "PT0S" → "straight away". */
export function describeDelay(delay: string): string {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(delay);
  if (!match) return delay;
  const units = ['week', 'day', 'hour', 'minute', 'second'];
  const parts = match
    .slice(1)
    .map((value, index) =>
      value && Number(value) > 0 ? `${Number(value)} ${units[index]}${Number(value) === 1 ? '' : 's'}` : '',
    )
    .filter(Boolean);
  return parts.length ? parts.join(' ') : 'straight away';
}

function variantsText(step: Step): string {
  if (step.variants.length === 0) return 'None';
  return [
    `A (weight ${step.subjectWeight})`,
    ...step.variants.map((v) => `${v.id}: ${v.subject} (weight ${v.weight})`),
  ].join('; ');
}

export function stepsTable(draft: SequenceDraft, selected: number, onSelect: (index: number) => void): HTMLDivElement {
  const rows = draft.definition.steps.map((step, index) =>
    h(
      'tr',
      { class: index === selected ? 'is-selected' : undefined },
      h('td', null, String(index + 1)),
      h(
        'th',
        { scope: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            'aria-label': `Edit step ${step.id}`,
            'aria-current': index === selected ? 'true' : undefined,
            onclick: () => onSelect(index),
          },
          step.id,
        ),
      ),
      h('td', null, step.delay, h('br'), h('span', { class: 'muted' }, describeDelay(step.delay))),
      h('td', null, step.subject),
      h('td', null, variantsText(step)),
      h('td', null, step.preheader),
      h('td', null, describeCondition(step.when)),
      h('td', null, step.enabled ? 'Yes' : h('strong', null, 'No')),
    ),
  );
  const table = dataTable({
    caption: 'Steps of the sequence',
    captionHidden: true,
    columns: ['#', 'Step', 'Delay', 'Subject', 'A/B variants', 'Preheader', 'Who gets it', 'Enabled'],
    rows,
  });
  return scrollTable('Steps table', table);
}

interface Slot {
  wrapper: HTMLElement;
  control: HTMLElement;
  error: HTMLElement;
}

export interface StepEditorOptions {
  draft: () => SequenceDraft;
  /** A field changed: mark unsaved, refresh the table, update the preview. */
  onChange(structural: boolean): void;
  onRemove(index: number): void;
}

/** The form for one step (fields, variants, MJML), with problems shown beside their fields. */
export function createStepEditor(options: StepEditorOptions) {
  const heading = h('h2', { id: 'step-editor-title', tabindex: -1 }, 'Step');
  const form = h('div', { class: 'step-form' });
  const element = h('section', { class: 'panel', 'aria-labelledby': 'step-editor-title' }, heading, form);
  const slots = new Map<string, Slot>();
  let index = 0;
  let problems: ContentProblem[] = [];
  let mjml: HTMLTextAreaElement | undefined;

  const step = (): Step => options.draft().definition.steps[index]!;

  function slot(key: string, label: string, control: HTMLElement, hint?: string, className = ''): HTMLElement {
    if (!control.id) control.id = uid(`step-${key.replace(/[^a-z0-9]/gi, '-')}`);
    const error = h('p', { class: 'field-error', id: `${control.id}-error` });
    const hintId = hint ? `${control.id}-hint` : undefined;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    const wrapper = h(
      'div',
      { class: `field ${className}`.trim(), 'data-field': key },
      h('label', { for: control.id }, label),
      hint && h('p', { class: 'hint', id: hintId }, hint),
      error,
      control,
    );
    slots.set(key, { wrapper, control, error });
    return wrapper;
  }

  function text(
    key: string,
    label: string,
    value: string,
    write: (value: string) => void,
    attrs: Record<string, string | number | boolean> = {},
    hint?: string,
  ): HTMLElement {
    const control = h('input', { class: 'control', type: 'text', value, ...attrs });
    control.addEventListener('input', () => {
      write(control.value);
      options.onChange(key === 'id' || key === 'template');
    });
    return slot(key, label, control, hint);
  }

  function number(key: string, label: string, value: number, write: (value: number) => void): HTMLElement {
    const control = h('input', {
      class: 'control control--short',
      type: 'number',
      min: 0,
      max: 100,
      step: 1,
      value,
      inputmode: 'numeric',
    });
    control.addEventListener('input', () => {
      write(control.value === '' ? Number.NaN : Number(control.value));
      options.onChange(false);
    });
    return slot(key, label, control);
  }

  function subjectCounter(input: HTMLInputElement): HTMLElement {
    const counter = h('p', { class: 'counter', 'aria-live': 'polite' });
    const update = () => {
      const length = input.value.length;
      counter.textContent = `${length} of ${SUBJECT_MAX} characters${length > SUBJECT_MAX ? ` – ${length - SUBJECT_MAX} too many` : ''}`;
      counter.classList.toggle('counter--over', length > SUBJECT_MAX);
    };
    input.addEventListener('input', update);
    update();
    return counter;
  }

  function variantRows(current: Step): HTMLElement {
    const list = h('div', { class: 'variants' });
    const render = () => {
      for (const key of [...slots.keys()]) if (key.startsWith('variants[')) slots.delete(key);
      replace(
        list,
        current.variants.map((variant, v) =>
          h(
            'fieldset',
            { class: 'variant' },
            h('legend', null, `Variant ${variant.id || v + 2}`),
            text(
              `variants[${v}].id`,
              'Variant id',
              variant.id,
              (value) => {
                variant.id = value.trim();
              },
              { maxlength: 64, autocomplete: 'off', spellcheck: 'false' },
            ),
            text(
              `variants[${v}].subject`,
              'Subject',
              variant.subject,
              (value) => {
                variant.subject = value;
              },
              { autocomplete: 'off' },
            ),
            number(`variants[${v}].weight`, 'Weight', variant.weight, (value) => {
              variant.weight = value;
            }),
            button('Remove variant', {
              class: 'button--secondary button--small',
              'aria-label': `Remove variant ${variant.id}`,
              onclick: () => {
                current.variants.splice(v, 1);
                render();
                options.onChange(true);
                addVariant.focus();
              },
            }),
          ),
        ),
      );
      applyProblems();
    };
    const addVariant = button('Add subject variant', {
      class: 'button--secondary button--small',
      onclick: () => {
        const used = new Set(current.variants.map((v) => v.id));
        const id = 'bcdefghij'.split('').find((letter) => !used.has(letter)) ?? `v${current.variants.length + 2}`;
        current.variants.push({ id, subject: current.subject, weight: 1 });
        render();
        options.onChange(true);
        slots.get(`variants[${current.variants.length - 1}].subject`)?.control.focus();
      },
    });
    render();
    return h(
      'fieldset',
      { class: 'field group' },
      h('legend', null, 'A/B subject variants'),
      h(
        'p',
        { class: 'hint' },
        'Each subject is sent in proportion to its weight. The main subject above is variant A.',
      ),
      list,
      addVariant,
    );
  }

  function render(): void {
    slots.clear();
    const current = step();
    heading.textContent = `Step ${index + 1}: ${current.id}`;
    const subject = text(
      'subject',
      'Subject',
      current.subject,
      (value) => {
        current.subject = value;
      },
      { autocomplete: 'off' },
      `At most ${SUBJECT_MAX} characters, one line, nothing about the reader’s health.`,
    );
    const subjectInput = subject.querySelector('input')!;
    subject.append(subjectCounter(subjectInput));

    const enabled = h('input', { type: 'checkbox', id: uid('step-enabled'), checked: current.enabled });
    enabled.addEventListener('change', () => {
      current.enabled = enabled.checked;
      options.onChange(false);
    });
    const enabledError = h('p', { class: 'field-error', id: `${enabled.id}-error` });
    const enabledField = h(
      'div',
      { class: 'field', 'data-field': 'enabled' },
      enabledError,
      h('div', { class: 'choice' }, enabled, h('label', { for: enabled.id }, 'Send this step (untick to skip it)')),
    );
    slots.set('enabled', { wrapper: enabledField, control: enabled, error: enabledError });

    const condition = conditionFieldset(current, () => options.onChange(true));
    const conditionError = h('p', { class: 'field-error', id: uid('step-when-error') });
    condition.fieldset.insertBefore(conditionError, condition.fieldset.children[1] ?? null);
    slots.set('when', { wrapper: condition.fieldset, control: condition.control, error: conditionError });

    const sources = h('textarea', { class: 'control', rows: 3 }, current.sources.join('\n'));
    sources.addEventListener('input', () => {
      current.sources = sources.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      options.onChange(false);
    });

    const templateId = current.template;
    mjml = h(
      'textarea',
      { class: 'control control--code', rows: 18, spellcheck: 'false', autocapitalize: 'off' },
      options.draft().templates[templateId] ?? '',
    );
    const mjmlArea = mjml;
    mjmlArea.addEventListener('input', () => {
      options.draft().templates[step().template] = mjmlArea.value;
      options.onChange(false);
    });

    // Identifiers and durations: trimmed, never spell-checked or auto-completed.
    const codeLike = (field: 'id' | 'delay', label: string, maxlength: number, hint: string) =>
      text(
        field,
        label,
        current[field],
        (value) => {
          current[field] = value.trim();
        },
        { maxlength, autocomplete: 'off', spellcheck: 'false' },
        hint,
      );

    const remove = button('Remove this step', {
      class: 'button--danger button--small',
      disabled: options.draft().definition.steps.length <= 1,
      onclick: async () => {
        const ok = await confirmDialog({
          title: `Remove step “${current.id}”?`,
          body: 'The step is removed from the draft. Nothing changes for leads until the draft is published.',
          confirmLabel: 'Remove step',
          destructive: true,
        });
        if (ok) options.onRemove(index);
      },
    });

    replace(
      form,
      h(
        'div',
        { class: 'form-grid' },
        codeLike('id', 'Step id', 64, 'Lower-case letters, digits and hyphens.'),
        codeLike(
          'delay',
          'Delay',
          40,
          'After the previous email, as an ISO-8601 duration: P3D = 3 days, PT12H = 12 hours.',
        ),
        text(
          'template',
          'Template',
          current.template,
          (value) => {
            const next = value.trim();
            const drafts = options.draft();
            if (next && drafts.templates[next] === undefined)
              drafts.templates[next] = drafts.templates[current.template] ?? '';
            current.template = next;
          },
          { maxlength: 64, autocomplete: 'off', spellcheck: 'false' },
          'The MJML below belongs to this template.',
        ),
        number('subjectWeight', 'Weight of subject A', current.subjectWeight, (value) => {
          current.subjectWeight = value;
        }),
      ),
      subject,
      variantRows(current),
      text(
        'preheader',
        'Preheader',
        current.preheader,
        (value) => {
          current.preheader = value;
        },
        { maxlength: 200, autocomplete: 'off' },
        `The preview line inboxes show after the subject; at most ${PREHEADER_MAX} characters.`,
      ),
      enabledField,
      condition.fieldset,
      slot('sources', 'Sources', sources, 'Passages of the article this email draws on, one per line.'),
      slot(
        'mjml',
        `MJML of template “${templateId}”`,
        mjmlArea,
        'The email body. The shared layout (header, footer, unsubscribe link, address) is added on the server.',
        'field--code',
      ),
      h('div', { class: 'actions' }, remove),
    );
    applyProblems();
  }

  function applyProblems(): void {
    const messages = new Map<string, string[]>();
    const current = step();
    for (const problem of problems) {
      const where = locate(problem.where);
      let key: string | undefined;
      if (where.stepIndex === index)
        key = where.field?.startsWith('template') ? 'template' : where.field?.startsWith('when') ? 'when' : where.field;
      else if (where.template !== undefined && where.template === current.template) key = 'mjml';
      if (!key) continue;
      const text = where.line ? `Line ${where.line}: ${problem.message}` : problem.message;
      messages.set(key, [...(messages.get(key) ?? []), text]);
    }
    for (const [key, { control, error, wrapper }] of slots) {
      const list = messages.get(key) ?? [];
      error.textContent = list.length ? `Error: ${list.join(' ')}` : '';
      wrapper.classList.toggle('field--error', list.length > 0);
      const described = (control.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .filter((id) => id && id !== error.id);
      if (list.length) {
        control.setAttribute('aria-invalid', 'true');
        described.push(error.id);
      } else control.removeAttribute('aria-invalid');
      if (described.length) control.setAttribute('aria-describedby', described.join(' '));
      else control.removeAttribute('aria-describedby');
    }
  }

  function focusLine(line: number): void {
    if (!mjml) return;
    const lines = mjml.value.split('\n');
    const start = lines.slice(0, Math.max(0, line - 1)).reduce((sum, text) => sum + text.length + 1, 0);
    const end = start + (lines[line - 1]?.length ?? 0);
    mjml.focus();
    mjml.setSelectionRange(start, end);
    // Put the line in view: roughly its share of the textarea's scroll height.
    mjml.scrollTop = Math.max(0, ((line - 3) / Math.max(lines.length, 1)) * mjml.scrollHeight);
  }

  return {
    element,
    get index() {
      return index;
    },
    show(next: number) {
      index = Math.max(0, Math.min(next, options.draft().definition.steps.length - 1));
      render();
    },
    setProblems(next: ContentProblem[]) {
      problems = next;
      applyProblems();
    },
    focusHeading() {
      heading.focus();
    },
    /** Focus a field of the current step, or a line of its MJML. */
    focus(field: string | undefined, line?: number) {
      if (line !== undefined && (!field || field === 'mjml' || field.startsWith('template'))) {
        focusLine(line);
        return;
      }
      const key = field && slots.has(field) ? field : field?.replace(/\[\d+\].*$/, '');
      const target = key ? slots.get(key)?.control : undefined;
      if (target) {
        target.scrollIntoView({ block: 'center' });
        target.focus();
      } else heading.focus();
    },
  };
}

export type StepEditor = ReturnType<typeof createStepEditor>;
