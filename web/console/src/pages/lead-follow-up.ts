import { h } from '../dom';
import { type LeadTimeline, PIPELINE_NAMES } from '../types';
import { field, input, select } from '../ui';

/** What the follow-up form sends (POST /admin/api/leads/{id}/pipeline). */
export interface PipelineChange {
  status: string;
  owner: string | null;
  note?: string;
}

/** The lead page's follow-up form: pipeline stage, owner and a note, saved together. */
export function pipelineForm(
  lead: LeadTimeline['lead'],
  onSave: (change: PipelineChange, save: HTMLButtonElement) => void,
): HTMLFormElement {
  const stages = Object.entries(PIPELINE_NAMES).map(([value, label]) => ({ value, label }));
  const pipeline = select(stages, { name: 'pipelineStatus', value: lead.pipelineStatus ?? 'new' });
  const owner = input({ name: 'owner', maxlength: 254, value: lead.owner ?? '', autocomplete: 'off' });
  const note = input({ name: 'note', maxlength: 2000, value: '', autocomplete: 'off' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save follow-up') as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'filters', novalidate: true },
    h(
      'div',
      { class: 'filter-grid' },
      field(pipeline, { label: 'Pipeline stage' }),
      field(owner, { label: 'Owner', hint: 'a console user; empty for nobody' }),
      field(note, { label: 'Add a note', className: 'field--wide' }),
    ),
    h('div', { class: 'actions' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSave(
      {
        status: pipeline.value,
        owner: owner.value.trim() || null,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      },
      save,
    );
  });
  return form;
}
