import type { FieldProblem } from '../../api';
import { h } from '../../dom';
import type { ContentProblem } from '../../types';

/** Where a problem points inside the editor. */
export interface Location {
  stepIndex?: number;
  /** A field of the step form ("subject", "variants[0].weight") or of the settings ("sendWindow.start"). */
  field?: string;
  template?: string;
  line?: number;
}

/** "steps.2.variants.0.subject" and "steps[2].variants[0].subject" read the same. */
function bracketed(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

export function locate(where: string): Location {
  const path = bracketed(where.trim().replace(/^definition\./, ''));
  const template = /^templates[.[]"?([a-z0-9][a-z0-9-]*)"?\]?(?:.*?\bline\s+(\d+))?/i.exec(path);
  if (template) return { template: template[1], line: template[2] ? Number(template[2]) : undefined };
  const step = /^steps\[(\d+)\]\.?(.*)$/.exec(path);
  if (step) {
    const rest = step[2] ?? '';
    const line = /\bline\s+(\d+)/.exec(rest);
    return {
      stepIndex: Number(step[1]),
      field: rest.replace(/\s.*$/, '') || undefined,
      line: line ? Number(line[1]) : undefined,
    };
  }
  const line = /\bline\s+(\d+)/.exec(path);
  return { field: path.replace(/\s.*$/, '') || undefined, line: line ? Number(line[1]) : undefined };
}

/** A 400 on a bad shape lists zod fields; show them with the content problems. */
export function fieldsAsProblems(fields: FieldProblem[]): ContentProblem[] {
  return fields.map((field) => ({ where: field.field, message: field.message }));
}

export function problemItem(problem: ContentProblem, onShow?: () => void): HTMLLIElement {
  return h(
    'li',
    null,
    h('code', { class: 'where' }, problem.where),
    ' ',
    h('span', null, problem.message),
    onShow &&
      h(
        'button',
        { type: 'button', class: 'link-button', 'aria-label': `Show ${problem.where}`, onclick: onShow },
        'Show',
      ),
  );
}
