import { CONTACT_METHODS, INTERESTS } from '../../../../functions/lead/interests';
import type { PageFactory } from '../app';
import { h, replace } from '../dom';
import { downloadLink, revokeLater } from '../download';
import { timeElement } from '../format';
import { isAdmin } from '../session';
import { dataTable } from '../table';
import { type LeadTimeline, STATUS_NAMES, type TimelineEvent } from '../types';
import { busy, button, confirmDialog, errorRegion, pageHeading, scrollTable, statusRegion } from '../ui';
import { pipelineForm } from './lead-follow-up';
import { HOT_LEAD_TITLE } from './leads';

const label = (map: Record<string, string>, id: string): string => map[id] ?? id;

function detailList(timeline: LeadTimeline): HTMLDListElement {
  const { lead } = timeline;
  const rows: [string, Node | string][] = [
    ['Email', lead.email],
    ['Phone', lead.phone ?? 'Not given'],
    ['Status', STATUS_NAMES[lead.status] ?? lead.status],
    ['Interests', lead.interests.map((id) => label(INTERESTS, id)).join(', ') || 'None given'],
    ['Preferred contact', label(CONTACT_METHODS, lead.preferredContact)],
    ['Time zone', lead.timeZone ?? 'Not known (the practice’s zone is used)'],
    ['Source', lead.source],
    ['First seen', timeElement(lead.createdAt)],
    ['Submissions', String(lead.submissionCount)],
    ['Sequence', lead.progress],
  ];
  if (lead.hotLeadAt) rows.push(['Hot lead', h('span', { title: HOT_LEAD_TITLE }, timeElement(lead.hotLeadAt))]);
  if (timeline.suppressed) rows.push(['Suppressed', timeline.suppressed]);
  return h(
    'dl',
    { class: 'details' },
    rows.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))),
  );
}

function eventItem(event: TimelineEvent): HTMLLIElement {
  const where = [event.sequenceId, event.stepId].filter(Boolean).join(' · ');
  return h(
    'li',
    { class: `event event--${event.kind}` },
    h('p', { class: 'event-when' }, timeElement(event.at)),
    h('p', { class: 'event-title' }, event.title),
    event.detail && h('p', { class: 'event-detail' }, event.detail),
    where && h('p', { class: 'event-where' }, where),
  );
}

export const leadPage: PageFactory = ({ ctx, params }) => {
  const leadId = params[0] ?? '';
  const heading = pageHeading('Lead');
  const status = statusRegion();
  const errors = errorRegion();
  const body = h('div', { class: 'timeline-body', 'aria-busy': 'true' });
  let exportLink: HTMLAnchorElement | undefined;
  let timeline: LeadTimeline | undefined;
  let closed = false;

  const name = () =>
    timeline ? [timeline.lead.firstName, timeline.lead.lastName].filter(Boolean).join(' ') : 'this lead';

  async function run(
    trigger: HTMLButtonElement,
    confirm: { title: string; body: string; confirmLabel: string; destructive?: boolean },
    work: () => Promise<string | undefined>,
  ): Promise<void> {
    errors.clear();
    if (!(await confirmDialog(confirm))) {
      status.set('Cancelled. Nothing was changed.');
      return;
    }
    status.set('Working…');
    try {
      const done = await busy(trigger, work, body);
      if (done) status.set(done);
      // The page was drawn again: keep focus somewhere sensible rather than lost on the body.
      if (!trigger.isConnected && !closed) heading.focus();
    } catch (error) {
      status.set('');
      errors.show(error, `${confirm.confirmLabel} did not work.`);
    }
  }

  function actions(current: LeadTimeline): HTMLElement {
    const booked = button('Mark booked', {
      onclick: () =>
        void run(
          booked,
          {
            title: 'Mark as booked?',
            body: `${name()} will be marked as booked, and their emails stop.`,
            confirmLabel: 'Mark booked',
          },
          async () => {
            await ctx.api.markBooked(leadId);
            await reload();
            return 'Marked as booked.';
          },
        ),
    });
    const exportData = button('Export data', {
      class: 'button--secondary',
      onclick: () =>
        void run(
          exportData,
          {
            title: 'Export this person’s data?',
            body: `Downloads everything held about ${name()} as a JSON file (a GDPR access request). Keep the file safe and delete it once it has been sent.`,
            confirmLabel: 'Export data',
          },
          async () => {
            const data = await ctx.api.exportLead(leadId);
            revokeLater(exportLink);
            const filename = `lead-${leadId}.json`;
            exportLink = downloadLink(
              JSON.stringify(data, null, 2),
              'application/json',
              filename,
              `Download ${filename} again`,
            );
            replace(exportSlot, exportLink);
            exportLink.click();
            return `Export ready: ${data.items.length} items. The download has started.`;
          },
        ),
    });
    const exportSlot = h('p', { class: 'export-result' });
    const erase = isAdmin(ctx.session())
      ? button('Erase lead', {
          class: 'button--danger',
          onclick: () =>
            void run(
              erase as HTMLButtonElement,
              {
                title: 'Erase this lead for good?',
                body: `Every record of ${name()} will be deleted (GDPR erasure). Only an anonymous hash stays so they are never emailed again. This cannot be undone.`,
                confirmLabel: 'Erase lead',
                destructive: true,
              },
              async () => {
                await ctx.api.eraseLead(leadId);
                closed = true;
                ctx.notify('The lead was erased.');
                ctx.navigate('#/leads');
                return undefined;
              },
            ),
        })
      : undefined;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title' }, 'Actions'),
      h('div', { class: 'actions' }, current.lead.status === 'booked' ? undefined : booked, exportData, erase),
      exportSlot,
      h(
        'p',
        null,
        h('a', { href: `#/simulator?leadId=${encodeURIComponent(leadId)}` }, 'Simulate this lead’s future emails'),
      ),
    );
  }

  function enrolments(current: LeadTimeline): HTMLElement {
    if (current.enrolments.length === 0) {
      return h(
        'section',
        { 'aria-labelledby': 'enrolments-title' },
        h('h2', { id: 'enrolments-title' }, 'Sequences'),
        h('p', null, 'Not enrolled in any sequence.'),
      );
    }
    const rows = current.enrolments.map((enrolment) => {
      const stop = button('Stop sequence', {
        class: 'button--secondary button--small',
        'aria-label': `Stop sequence ${enrolment.sequenceId}`,
        onclick: () =>
          void run(
            stop,
            {
              title: 'Stop this sequence?',
              body: `${name()} will get no more emails from “${enrolment.sequenceId}”. They stay a lead and can be enrolled again later.`,
              confirmLabel: 'Stop sequence',
              destructive: true,
            },
            async () => {
              await ctx.api.stopSequence(leadId, enrolment.sequenceId);
              await reload();
              return `Sequence ${enrolment.sequenceId} stopped.`;
            },
          ),
      });
      return h(
        'tr',
        null,
        h('th', { scope: 'row' }, enrolment.sequenceId),
        h('td', null, enrolment.sequenceVersion),
        h('td', null, enrolment.status, enrolment.exitReason ? ` (${enrolment.exitReason})` : ''),
        // A finished or stopped sequence has no next step.
        h(
          'td',
          null,
          enrolment.status === 'active' || enrolment.status === 'pending' ? String(enrolment.stepIndex + 1) : '–',
        ),
        h('td', null, timeElement(enrolment.nextSendAt)),
        h('td', null, enrolment.status === 'active' ? stop : ''),
      );
    });
    const table = dataTable({
      caption: 'Sequences this lead is enrolled in',
      captionHidden: true,
      columns: ['Sequence', 'Version', 'Status', 'Next step', 'Next send', 'Action'],
      rows,
    });
    return h(
      'section',
      { 'aria-labelledby': 'enrolments-title' },
      h('h2', { id: 'enrolments-title' }, 'Sequences'),
      scrollTable('Sequences table', table),
    );
  }

  /** Staff follow-up: open tasks (each can be marked done), pipeline status, owner and a note. */
  function followUp(current: LeadTimeline): HTMLElement {
    const tasks = current.lead.openTasks ?? [];
    const form = pipelineForm(current.lead, (change, save) => {
      errors.clear();
      status.set('Saving…');
      busy(save, () => ctx.api.updatePipeline(leadId, change), body)
        .then(async () => {
          await reload();
          status.set('Follow-up saved.');
        })
        .catch((error) => {
          status.set('');
          errors.show(error, 'The follow-up could not be saved.');
        });
    });
    const taskItems = tasks.map((task) => {
      const done = button('Mark done', {
        class: 'button--secondary',
        onclick: () =>
          void run(done, { title: 'Mark this task done?', body: task.title, confirmLabel: 'Mark done' }, async () => {
            await ctx.api.completeTask(leadId, task.taskId);
            await reload();
            return 'Task done.';
          }),
      });
      return h('li', null, `${task.title} (open since `, timeElement(task.openedAt), ') ', done);
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'follow-up-title' },
      h('h2', { id: 'follow-up-title' }, 'Follow-up'),
      taskItems.length ? h('ul', { 'aria-label': 'Open tasks' }, taskItems) : h('p', null, 'No open task.'),
      form,
    );
  }

  function render(current: LeadTimeline): void {
    heading.textContent = name();
    document.title = `${name()} | Marketing console`;
    const events = [...current.events].sort((a, b) => b.at.localeCompare(a.at));
    replace(
      body,
      h(
        'section',
        { 'aria-labelledby': 'details-title' },
        h('h2', { id: 'details-title' }, 'Details'),
        detailList(current),
      ),
      actions(current),
      followUp(current),
      enrolments(current),
      h(
        'section',
        { 'aria-labelledby': 'events-title' },
        h('h2', { id: 'events-title' }, 'Timeline'),
        events.length === 0
          ? h('p', null, 'Nothing has happened yet.')
          : h('ol', { class: 'events', 'aria-label': 'Events, newest first' }, events.map(eventItem)),
      ),
    );
  }

  async function reload(): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    try {
      timeline = await ctx.api.lead(leadId);
      if (!closed) render(timeline);
    } finally {
      body.removeAttribute('aria-busy');
    }
  }

  reload().catch((error) => {
    errors.show(error, 'This lead could not be loaded.');
  });

  return {
    title: 'Lead',
    element: h(
      'div',
      null,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/leads' }, 'Back to leads')),
      heading,
      status.element,
      errors.element,
      body,
    ),
    cleanup() {
      revokeLater(exportLink);
    },
  };
};
