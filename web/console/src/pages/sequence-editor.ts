import { ApiError } from '../api';
import type { PageFactory } from '../app';
import { h, replace, uid } from '../dom';
import { formatNumber, isoDay, plural, timeElement } from '../format';
import { isAdmin } from '../session';
import { refreshStackClock, stackNow } from '../stack-clock';
import { dataTable } from '../table';
import { type ContentProblem, type SequenceDetail, type SequenceDraft, WEEKDAY_LIST, WEEKDAY_NAMES } from '../types';
import {
  busy,
  button,
  confirmDialog,
  errorRegion,
  field,
  input,
  pageHeading,
  scrollTable,
  select,
  statusRegion,
} from '../ui';
import { keepUnsaved, takeUnsaved } from '../unsaved';
import { createPreview } from './sequence/preview';
import { fieldsAsProblems, locate, problemItem } from './sequence/problems';
import { createStepEditor, stepsTable } from './sequence/steps';
import { reviewText } from './sequences';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const sequenceEditorPage: PageFactory = ({ ctx, params }) => {
  const sequenceId = params[0] ?? '';
  const heading = pageHeading(`Sequence ${sequenceId}`);
  const status = statusRegion();
  const errors = errorRegion();
  const body = h('div', { 'aria-busy': 'true' });
  const admin = isAdmin(ctx.session());

  let built = false;
  let draft: SequenceDraft | undefined;
  // Who is editing, and the saved draft the edits start from: kept edits come back only to them.
  const username = ctx.session()?.user.username;
  let baseSavedAt = '';
  let restoreNote: string | undefined;
  let dirty = false;
  let savedProblems: ContentProblem[] = [];
  /** The rules the server checks before publishing, from the last save. */
  let publishChecks: string[] = [];
  /** Whether the server has checked the draft yet (a save or a publish). */
  let checked = false;
  let previewProblems: ContentProblem[] = [];

  const getDraft = (): SequenceDraft => draft!;

  // ---------- Parts that live as long as the page ----------
  const summary = h('section', { class: 'panel', 'aria-labelledby': 'summary-title' });
  const problemsPanel = h('section', { class: 'problems-panel', 'aria-labelledby': 'problems-title', tabindex: -1 });
  const stepsSlot = h('div');
  const dirtyNote = h('p', { class: 'dirty-note', role: 'status' });

  const editor = createStepEditor({
    draft: getDraft,
    onChange(structural) {
      markDirty();
      renderSteps();
      if (structural) preview.now();
      else preview.schedule();
    },
    onRemove(index) {
      const steps = getDraft().definition.steps;
      steps.splice(index, 1);
      markDirty();
      selectStep(Math.min(index, steps.length - 1));
      status.set('Step removed from the draft.');
      editor.focusHeading();
    },
  });

  const preview = createPreview({
    api: ctx.api,
    sequenceId,
    draft: getDraft,
    stepIndex: () => editor.index,
    onProblems(list) {
      previewProblems = list;
      editor.setProblems([...savedProblems, ...previewProblems]);
    },
    onShowProblem: showProblem,
  });

  function markDirty(): void {
    if (!dirty) {
      dirty = true;
      dirtyNote.textContent = 'Unsaved changes.';
    }
  }

  function markClean(): void {
    dirty = false;
    dirtyNote.textContent = '';
  }

  function renderSteps(): void {
    replace(
      stepsSlot,
      stepsTable(getDraft(), editor.index, (index) => {
        selectStep(index);
        editor.focusHeading();
      }),
    );
  }

  function selectStep(index: number): void {
    editor.show(index);
    editor.setProblems([...savedProblems, ...previewProblems]);
    renderSteps();
    preview.now();
  }

  function showProblem(problem: ContentProblem): void {
    const where = locate(problem.where);
    let index = where.stepIndex;
    if (index === undefined && where.template !== undefined) {
      index = getDraft().definition.steps.findIndex((step) => step.template === where.template);
    }
    if (index !== undefined && index >= 0) {
      if (index !== editor.index) selectStep(index);
      editor.focus(where.template !== undefined ? 'mjml' : where.field, where.line);
      return;
    }
    const setting = where.field ? body.querySelector<HTMLElement>(`[data-setting="${CSS.escape(where.field)}"]`) : null;
    setting?.focus();
  }

  /** Whether "Show" has somewhere to go: a step field, a template, a setting, or the review form. */
  function canShow(problem: ContentProblem): boolean {
    const where = locate(problem.where);
    const steps = getDraft().definition.steps;
    if (where.stepIndex !== undefined) return where.stepIndex < steps.length;
    if (where.template !== undefined) return steps.some((step) => step.template === where.template);
    return Boolean(where.field && body.querySelector(`[data-setting="${CSS.escape(where.field)}"]`));
  }

  function renderProblems(title: string, list: ContentProblem[], emphasise = false): void {
    problemsPanel.className = `problems-panel${list.length && emphasise ? ' problems-panel--refused' : ''}`;
    const rules =
      publishChecks.length > 0 && h('p', { class: 'hint' }, `Publishing checks ${publishChecks.join(', ')}.`);
    if (list.length === 0) {
      replace(
        problemsPanel,
        h('h2', { id: 'problems-title' }, title),
        h(
          'p',
          null,
          checked ? 'Nothing stops this draft from being published.' : 'Not checked yet: saving the draft checks it.',
        ),
        rules,
      );
      return;
    }
    replace(
      problemsPanel,
      h('h2', { id: 'problems-title' }, title),
      h('p', null, `${plural(list.length, 'problem')} must be fixed before this draft can be published.`),
      h(
        'ul',
        { class: 'problems' },
        list.map((problem) => problemItem(problem, canShow(problem) ? () => showProblem(problem) : undefined)),
      ),
      rules,
    );
  }

  function renderSummary(current: SequenceDetail): void {
    const { published } = current;
    const expired = published.review?.expired;
    replace(
      summary,
      h('h2', { id: 'summary-title' }, 'Versions'),
      (expired || !published.review) &&
        h(
          'div',
          { class: 'warning' },
          h(
            'p',
            null,
            h(
              'strong',
              null,
              expired
                ? 'The clinical review of the published version has expired.'
                : 'Nobody has recorded a clinical review of the published version.',
            ),
            ' Its emails keep going out. Record a review of the draft and publish.',
          ),
        ),
      h(
        'dl',
        { class: 'details' },
        h(
          'div',
          null,
          h('dt', null, 'Published'),
          h(
            'dd',
            null,
            `Version ${published.version}`,
            published.publishedAt ? [', ', timeElement(published.publishedAt)] : '',
            published.publishedBy ? ` by ${published.publishedBy}` : '',
          ),
        ),
        h('div', null, h('dt', null, 'Its clinical review'), h('dd', null, reviewText(published.review))),
        h(
          'div',
          null,
          h('dt', null, 'Draft'),
          h(
            'dd',
            null,
            current.draft
              ? ['Saved ', timeElement(current.draft.savedAt), ` by ${current.draft.savedBy}`]
              : `No saved draft: editing a copy of version ${published.version}`,
          ),
        ),
        h('div', null, h('dt', null, 'Draft’s clinical review'), h('dd', null, reviewText(current.draft?.review))),
      ),
      current.versions.length > 0 &&
        scrollTable(
          'Versions table',
          dataTable({
            caption: 'Versions and the leads on each',
            columns: ['Version', 'Published', 'By', 'Active leads', 'Clinical review'],
            rows: current.versions.map((version) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, version.version),
                h('td', null, timeElement(version.publishedAt)),
                h('td', null, version.publishedBy ?? ''),
                h('td', null, formatNumber(version.active)),
                h('td', null, reviewText(version.review)),
              ),
            ),
          }),
        ),
    );
  }

  // ---------- Sequence settings ----------
  function settingsSection(current: SequenceDraft): HTMLElement {
    const definition = current.definition;
    const change = () => {
      markDirty();
      preview.schedule();
    };
    const name = input({ value: definition.name, maxlength: 120, 'data-setting': 'name' });
    name.addEventListener('input', () => {
      definition.name = name.value;
      change();
    });
    const description = h(
      'textarea',
      { class: 'control', rows: 2, maxlength: 500, 'data-setting': 'description' },
      definition.description ?? '',
    );
    description.addEventListener('input', () => {
      definition.description = description.value || undefined;
      change();
    });
    const days = WEEKDAY_LIST.map((day) => {
      const box = h('input', {
        type: 'checkbox',
        id: uid(`day-${day}`),
        value: day,
        checked: definition.sendWindow.days.includes(day),
        'data-setting': day === 'mon' ? 'sendWindow.days' : undefined,
      });
      box.addEventListener('change', () => {
        definition.sendWindow.days = WEEKDAY_LIST.filter((d) =>
          d === day ? box.checked : definition.sendWindow.days.includes(d),
        );
        change();
      });
      return h('div', { class: 'choice' }, box, h('label', { for: box.id }, WEEKDAY_NAMES[day]));
    });
    const start = input({ type: 'time', value: definition.sendWindow.start, 'data-setting': 'sendWindow.start' });
    const end = input({ type: 'time', value: definition.sendWindow.end, 'data-setting': 'sendWindow.end' });
    start.addEventListener('input', () => {
      definition.sendWindow.start = start.value;
      change();
    });
    end.addEventListener('input', () => {
      definition.sendWindow.end = end.value;
      change();
    });
    const fallback = input({
      value: definition.timeZoneFallback,
      maxlength: 64,
      'data-setting': 'timeZoneFallback',
      spellcheck: 'false',
    });
    fallback.addEventListener('input', () => {
      definition.timeZoneFallback = fallback.value.trim();
      change();
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'settings-title' },
      h('h2', { id: 'settings-title' }, 'Sequence settings'),
      field(name, { label: 'Name' }),
      field(description, { label: 'Description (optional)' }),
      h(
        'fieldset',
        { class: 'field group' },
        h('legend', null, 'Send window'),
        h('p', { class: 'hint' }, 'Emails go out only on these days, between these times in the lead’s own time zone.'),
        h('div', { class: 'choices choices--inline' }, days),
        h('div', { class: 'form-grid' }, field(start, { label: 'From' }), field(end, { label: 'Until' })),
      ),
      field(fallback, {
        label: 'Time zone when the lead gave none',
        hint: '"practice" means the practice’s own time zone.',
      }),
    );
  }

  // ---------- Save, test, publish ----------
  async function save(): Promise<boolean> {
    try {
      const saved = await ctx.api.saveDraft(sequenceId, getDraft());
      baseSavedAt = saved.savedAt;
      savedProblems = saved.problems;
      publishChecks = saved.checks ?? [];
      checked = true;
      markClean();
      renderProblems('Problems that stop publishing', savedProblems);
      editor.setProblems([...savedProblems, ...previewProblems]);
      status.set(
        `Draft saved${saved.problems.length ? ` with ${plural(saved.problems.length, 'problem')} that ${saved.problems.length === 1 ? 'stops' : 'stop'} publishing` : ''}.`,
      );
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.fields.length || error.problems.length)) {
        savedProblems = [...fieldsAsProblems(error.fields), ...error.problems];
        renderProblems('The draft was not saved', savedProblems, true);
        editor.setProblems([...savedProblems, ...previewProblems]);
        status.set(`The draft was not saved: ${plural(savedProblems.length, 'problem')}.`);
        problemsPanel.focus();
      } else {
        errors.show(error, 'The draft was not saved.');
        status.set('');
      }
      return false;
    }
  }

  const saveButton = button('Save draft', {
    onclick: () => {
      errors.clear();
      status.set('Saving the draft…');
      void busy(saveButton, save, body);
    },
  });

  const testButton = button('Send test to me', {
    class: 'button--secondary',
    onclick: async () => {
      errors.clear();
      const step = getDraft().definition.steps[editor.index];
      if (!step) return;
      const email = ctx.session()?.user.email ?? 'your address';
      const ok = await confirmDialog({
        title: 'Send a test email?',
        body: `Step “${step.id}” of the draft will be sent to ${email}.${dirty ? ' Your changes are saved to the draft first.' : ''}`,
        confirmLabel: 'Send test',
      });
      if (!ok) return;
      await busy(testButton, async () => {
        if (dirty && !(await save())) return;
        status.set('Sending the test…');
        try {
          await ctx.api.testSend(sequenceId, step.id);
          status.set(`Test email for step ${step.id} sent to ${email}.`);
        } catch (error) {
          status.set('');
          errors.show(error, 'The test email was not sent.');
        }
      });
    },
  });

  const published = h('div', { class: 'published-result' });
  const publishButton = button('Publish', {
    onclick: async () => {
      errors.clear();
      const ok = await confirmDialog({
        title: 'Publish the draft?',
        body: `The draft becomes a new, unchangeable version. New leads get it within a minute; leads already enrolled stay on their version unless you move them.${dirty ? ' Your changes are saved to the draft first.' : ''}`,
        confirmLabel: 'Publish',
      });
      if (!ok) return;
      await busy(
        publishButton,
        async () => {
          if (dirty && !(await save())) return;
          status.set('Publishing…');
          try {
            const result = await ctx.api.publish(sequenceId);
            savedProblems = [];
            renderProblems('Problems that stop publishing', []);
            replace(
              published,
              h(
                'p',
                { class: 'success' },
                `Published version ${result.version} `,
                timeElement(result.publishedAt),
                '.',
              ),
            );
            status.set(`Published version ${result.version}.`);
            await reload(false);
          } catch (error) {
            if (error instanceof ApiError && (error.problems.length || error.fields.length)) {
              savedProblems = [...error.problems, ...fieldsAsProblems(error.fields)];
              renderProblems('Publishing was refused', savedProblems, true);
              editor.setProblems([...savedProblems, ...previewProblems]);
              status.set(`Publishing was refused: ${plural(savedProblems.length, 'problem')}.`);
              problemsPanel.focus();
            } else {
              status.set('');
              errors.show(error, 'The draft was not published.');
            }
          }
        },
        body,
      );
    },
  });

  // ---------- Clinical review (admin) ----------
  function reviewSection(): HTMLElement | undefined {
    if (!admin) return undefined;
    // A publish refusal about the review ("where": "review") leads here.
    const reviewer = input({ maxlength: 120, autocomplete: 'name', required: true, 'data-setting': 'review' });
    // Tomorrow on the stack's clock: the server refuses a review that ends before then.
    const tomorrowAfter = (now: Date) => isoDay(new Date(now.getTime() + 86_400_000));
    let tomorrow = tomorrowAfter(stackNow());
    const validUntil = input({ type: 'date', min: tomorrow, required: true });
    void refreshStackClock(ctx.api).then((now) => {
      tomorrow = tomorrowAfter(now);
      validUntil.min = tomorrow;
    });
    const reviewStatus = statusRegion();
    const reviewErrors = errorRegion();
    const submit = h('button', { type: 'submit', class: 'button button--secondary' }, 'Record clinical review');
    const form = h(
      'form',
      { novalidate: true },
      h(
        'p',
        null,
        'Record who reviewed the medical content of the saved draft, and until when the review holds. Publishing needs a current review.',
      ),
      h(
        'div',
        { class: 'form-grid' },
        field(reviewer, { label: 'Reviewer', hint: 'Name and role, e.g. Dr. Jane Doe, MD' }),
        field(validUntil, { label: 'Valid until' }),
      ),
      reviewErrors.element,
      reviewStatus.element,
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      reviewErrors.clear();
      if (reviewer.value.trim().length < 3 || !validUntil.value || validUntil.value < tomorrow) {
        reviewErrors.showText('Enter the reviewer’s name (3 characters or more) and a date after today.');
        (reviewer.value.trim().length < 3 ? reviewer : validUntil).focus();
        return;
      }
      await busy(submit, async () => {
        if (dirty && !(await save())) return;
        try {
          await ctx.api.recordReview(sequenceId, { reviewer: reviewer.value.trim(), validUntil: validUntil.value });
          // The saved draft now has a current review: that problem is gone, the others stay.
          if (checked) {
            savedProblems = savedProblems.filter((problem) => problem.where !== 'review');
            renderProblems('Problems that stop publishing', savedProblems);
            editor.setProblems([...savedProblems, ...previewProblems]);
          }
          await reload(true);
          reviewStatus.set(`Review by ${reviewer.value.trim()} recorded, valid until ${validUntil.value}.`);
        } catch (error) {
          reviewErrors.show(error, 'The review was not recorded.');
        }
      });
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'review-title' },
      h('h2', { id: 'review-title' }, 'Clinical review'),
      form,
    );
  }

  // ---------- Move enrolled leads ----------
  function migrateSection(current: SequenceDetail): HTMLElement {
    const options = current.versions.map((version) => ({
      value: version.version,
      label: `Version ${version.version} (${formatNumber(version.active)} active)`,
    }));
    const fromVersion = select(options, {
      value:
        current.versions.find((v) => v.active > 0 && v.version !== current.published.version)?.version ??
        options[0]?.value,
    });
    const toVersion = select(options, { value: current.published.version });
    const migrateStatus = statusRegion();
    const migrateErrors = errorRegion();
    const result = h('div', { class: 'migration' });
    const previewButton = h('button', { type: 'submit', class: 'button button--secondary' }, 'Preview the move');
    const form = h(
      'form',
      { novalidate: true },
      h('p', null, 'Leads stay on the version they started on. To move them, preview what changes first.'),
      h(
        'div',
        { class: 'form-grid' },
        field(fromVersion, { label: 'Move leads on' }),
        field(toVersion, { label: 'To version' }),
      ),
      migrateErrors.element,
      previewButton,
      migrateStatus.element,
      result,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      migrateErrors.clear();
      result.replaceChildren();
      if (fromVersion.value === toVersion.value) {
        migrateErrors.showText('Choose two different versions.');
        toVersion.focus();
        return;
      }
      const move = { fromVersion: fromVersion.value, toVersion: toVersion.value };
      await busy(previewButton, async () => {
        migrateStatus.set('Working out what would change…');
        try {
          const dry = await ctx.api.migrate(sequenceId, { ...move, dryRun: true });
          migrateStatus.set(
            `${plural(dry.leads, 'lead')} would move from version ${move.fromVersion} to ${move.toVersion}.`,
          );
          const moveButton = button(`Move ${plural(dry.leads, 'lead')}`, {
            disabled: dry.leads === 0,
            onclick: async () => {
              const ok = await confirmDialog({
                title: `Move ${plural(dry.leads, 'lead')}?`,
                body: `They continue from version ${move.toVersion} at their next step. This cannot be undone.`,
                confirmLabel: 'Move leads',
                destructive: true,
              });
              if (!ok) return;
              await busy(moveButton, async () => {
                try {
                  const done = await ctx.api.migrate(sequenceId, { ...move, dryRun: false });
                  // The section is drawn again with the new counts; the page's status keeps the news.
                  await reload(true);
                  status.set(`Moved ${plural(done.moved ?? done.leads, 'lead')} to version ${move.toVersion}.`);
                  document.getElementById('migrate-title')?.focus();
                } catch (error) {
                  migrateErrors.show(error, 'The leads were not moved.');
                }
              });
            },
          });
          replace(
            result,
            h('h3', null, 'What changes for them'),
            dry.changes.length
              ? h(
                  'ul',
                  null,
                  dry.changes.map((change) => h('li', null, change)),
                )
              : h('p', null, 'Nothing in the steps changes.'),
            moveButton,
          );
        } catch (error) {
          migrateStatus.set('');
          migrateErrors.show(error, 'The move could not be previewed.');
        }
      });
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'migrate-title' },
      h('h2', { id: 'migrate-title', tabindex: -1 }, 'Move enrolled leads'),
      form,
    );
  }

  const migrateSlot = h('div');

  function render(current: SequenceDetail, keepDraft: boolean): void {
    renderSummary(current);
    replace(migrateSlot, migrateSection(current));
    // A review or a move changes the versions, not the draft being edited: keep the form as it is.
    if (keepDraft && built && draft) return;
    built = true;
    baseSavedAt = current.draft?.savedAt ?? '';
    const unsaved = takeUnsaved(sequenceId);
    const restored =
      unsaved && unsaved.username === username && unsaved.baseSavedAt === baseSavedAt ? unsaved : undefined;
    if (restored) {
      restoreNote = 'Your unsaved changes from before you were signed out are back. Save the draft to keep them.';
    } else if (unsaved) {
      restoreNote =
        unsaved.username !== username
          ? 'Unsaved changes another user left in this tab were not restored.'
          : 'Your unsaved changes from before you were signed out were not restored: the draft was saved again meanwhile.';
    }
    draft = clone(restored?.draft ?? current.draft?.draft ?? current.published.draft);
    if (restored) markDirty();
    else markClean();
    heading.textContent = `Sequence: ${draft.definition.name}`;
    document.title = `${draft.definition.name} | Marketing console`;
    if (problemsPanel.childElementCount === 0) renderProblems('Problems that stop publishing', savedProblems);
    const selected = Math.min(editor.index, draft.definition.steps.length - 1);
    replace(
      body,
      summary,
      problemsPanel,
      settingsSection(draft),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'steps-title' },
        h('h2', { id: 'steps-title' }, 'Steps'),
        stepsSlot,
        button('Add step', { class: 'button--secondary', onclick: addStep }),
      ),
      editor.element,
      preview.element,
      h(
        'section',
        { class: 'panel sticky-actions', 'aria-labelledby': 'draft-actions-title' },
        h('h2', { id: 'draft-actions-title' }, 'Draft'),
        dirtyNote,
        h('div', { class: 'actions' }, saveButton, testButton, publishButton),
        published,
      ),
      reviewSection(),
      migrateSlot,
    );
    selectStep(selected);
  }

  function addStep(): void {
    const current = getDraft();
    const base = current.definition.steps[editor.index] ?? current.definition.steps[0]!;
    const ids = new Set(current.definition.steps.map((step) => step.id));
    let n = current.definition.steps.length + 1;
    while (ids.has(`step-${n}`)) n += 1;
    const id = `step-${n}`;
    current.templates[id] = current.templates[base.template] ?? '';
    current.definition.steps.push({
      ...clone(base),
      id,
      template: id,
      delay: 'P3D',
      subject: 'New email',
      variants: [],
      subjectWeight: 1,
    });
    markDirty();
    selectStep(current.definition.steps.length - 1);
    status.set(`Step ${id} added at the end. Its content is a copy of ${base.id}.`);
    editor.focusHeading();
  }

  async function reload(keepDraft: boolean): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      render(await ctx.api.sequence(sequenceId), keepDraft);
    } finally {
      body.removeAttribute('aria-busy');
    }
  }

  reload(false)
    .then(() => status.set(restoreNote ?? 'Sequence loaded.'))
    .catch((error) => errors.show(error, 'This sequence could not be loaded.'));

  return {
    title: `Sequence ${sequenceId}`,
    element: h(
      'div',
      null,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/sequences' }, 'Back to sequences')),
      heading,
      status.element,
      errors.element,
      body,
    ),
    cleanup() {
      preview.stop();
    },
    canLeave: () => !dirty,
    keepForLater() {
      if (dirty && draft && username) keepUnsaved(sequenceId, { username, baseSavedAt, draft: getDraft() });
    },
  };
};
