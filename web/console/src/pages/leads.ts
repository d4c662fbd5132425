import { INTERESTS } from '../../../../functions/lead/interests';
import type { PageFactory } from '../app';
import { toCsv } from '../csv';
import { h, replace } from '../dom';
import { downloadLink, fileStamp, revokeLater } from '../download';
import { formatNumber, plural, timeElement } from '../format';
import { dataTable } from '../table';
import {
  LEAD_STATUS_LIST,
  type LeadPage,
  type LeadQuery,
  type LeadSummary,
  PIPELINE_NAMES,
  STATUS_NAMES,
} from '../types';
import {
  busy,
  button,
  errorRegion,
  field,
  input,
  pageHeading,
  scrollTable,
  select,
  stackOnPhones,
  statusRegion,
} from '../ui';

const PAGE_SIZE = 50;
const EXPORT_PAGE_SIZE = 500;
const FILTER_NAMES = [
  'q',
  'status',
  'interest',
  'source',
  'from',
  'to',
  'pipelineStatus',
  'owner',
  'openTask',
  'sort',
] as const;
type Filters = Partial<Record<(typeof FILTER_NAMES)[number], string>>;

/** What the hot-lead flag means, for its tooltip and the timeline. */
export const HOT_LEAD_TITLE =
  'Clicked “Book a consultation” in an email and had not booked when the wait ran out; staff were emailed.';

export const CSV_HEADER = [
  'lead_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'status',
  'interests',
  'source',
  'created_at',
  'submissions',
  'progress',
] as const;

export function leadRow(lead: LeadSummary): (string | number)[] {
  return [
    lead.leadId,
    lead.firstName,
    lead.lastName ?? '',
    lead.email,
    lead.phone ?? '',
    lead.status,
    lead.interests.join(';'),
    lead.source,
    lead.createdAt,
    lead.submissionCount,
    lead.progress,
  ];
}

const interestLabel = (id: string): string => (INTERESTS as Record<string, string>)[id] ?? id;

function filtersFrom(query: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

function toQuery(filters: Filters): Partial<LeadQuery> {
  const { openTask, ...rest } = filters;
  return {
    ...(rest as Partial<LeadQuery>),
    ...(openTask ? { openTask: openTask === 'yes' } : {}),
  };
}

/** The follow-up column: pipeline status, owner, open tasks. */
function followUpText(lead: LeadSummary): string {
  const tasks = lead.openTasks?.length ?? 0;
  return [
    PIPELINE_NAMES[lead.pipelineStatus ?? 'new'] ?? lead.pipelineStatus,
    lead.owner ? `owner ${lead.owner}` : 'no owner',
    tasks ? `${tasks} open task${tasks === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export const leadsPage: PageFactory = ({ ctx, query }) => {
  let filters = filtersFrom(query);
  const cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;
  let listing: AbortController | undefined;
  let exporting: AbortController | undefined;
  let exportLink: HTMLAnchorElement | undefined;

  // ---------- Filters ----------
  const q = input({ type: 'search', name: 'q', maxlength: 100, value: filters.q ?? '', autocomplete: 'off' });
  const status = select(
    [{ value: '', label: 'Any status' }, ...LEAD_STATUS_LIST.map((value) => ({ value, label: STATUS_NAMES[value] }))],
    { name: 'status', value: filters.status ?? '' },
  );
  const interest = select(
    [{ value: '', label: 'Any interest' }, ...Object.entries(INTERESTS).map(([value, label]) => ({ value, label }))],
    { name: 'interest', value: filters.interest ?? '' },
  );
  const source = input({ name: 'source', maxlength: 100, value: filters.source ?? '', autocomplete: 'off' });
  const from = input({ type: 'date', name: 'from', value: filters.from ?? '' });
  const to = input({ type: 'date', name: 'to', value: filters.to ?? '' });
  const pipelineStatus = select(
    [{ value: '', label: 'Any stage' }, ...Object.entries(PIPELINE_NAMES).map(([value, label]) => ({ value, label }))],
    { name: 'pipelineStatus', value: filters.pipelineStatus ?? '' },
  );
  const owner = input({ name: 'owner', maxlength: 254, value: filters.owner ?? '', autocomplete: 'off' });
  const openTask = select(
    [
      { value: '', label: 'Either' },
      { value: 'yes', label: 'Has an open task' },
      { value: 'no', label: 'No open task' },
    ],
    { name: 'openTask', value: filters.openTask ?? '' },
  );
  const sort = select(
    [
      { value: '', label: 'Newest first' },
      { value: 'pipeline-status', label: 'Pipeline stage' },
      { value: 'owner', label: 'Owner' },
      { value: 'open-task', label: 'Open tasks first' },
    ],
    { name: 'sort', value: filters.sort ?? '' },
  );
  const myTasks = button('My open tasks', {
    class: 'button--secondary',
    onclick: () => {
      owner.value = 'me';
      openTask.value = 'yes';
      const read = readForm();
      if (!read) return;
      filters = read;
      writeHash();
      restart();
    },
  });
  const filterErrors = errorRegion();
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter leads', novalidate: true },
    h(
      'div',
      { class: 'filter-grid' },
      field(q, { label: 'Name or email', className: 'field--wide' }),
      field(status, { label: 'Status' }),
      field(interest, { label: 'Interest' }),
      field(source, { label: 'Source', hint: 'utm_source, or "direct"' }),
      field(from, { label: 'Created from' }),
      field(to, { label: 'Created to' }),
      field(pipelineStatus, { label: 'Pipeline stage' }),
      field(owner, { label: 'Owner', hint: 'a console user, or "me"' }),
      field(openTask, { label: 'Follow-up task' }),
      field(sort, { label: 'Order within a page' }),
    ),
    filterErrors.element,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button' }, 'Apply filters'),
      button('Clear filters', { class: 'button--secondary', onclick: () => clearFilters() }),
      myTasks,
    ),
  );

  // ---------- Results ----------
  const listStatus = statusRegion();
  const listErrors = errorRegion();
  const results = h('div', { class: 'results', id: 'lead-results' });
  const previous = button('Previous page', { class: 'button--secondary', onclick: () => void load(pageIndex - 1) });
  const next = button('Next page', { class: 'button--secondary', onclick: () => void load(pageIndex + 1) });
  const pageLabel = h('span', { class: 'pager-label' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Lead pages' }, previous, pageLabel, next);

  // ---------- Export ----------
  const exportButton = button('Export CSV', { onclick: () => void exportCsv() });
  const cancelExport = button('Stop export', {
    class: 'button--secondary',
    hidden: true,
    onclick: () => exporting?.abort(),
  });
  const exportText = h('span', { id: 'export-progress-text' }, 'No export yet.');
  const progress = h('progress', { class: 'progress', 'aria-labelledby': 'export-progress-label', hidden: true });
  const exportStatus = statusRegion();
  const exportErrors = errorRegion();
  const exportResult = h('p', { class: 'export-result' });
  const exportPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Export'),
    h('p', null, 'Downloads every lead that matches the filters as a CSV file, page by page.'),
    h('div', { class: 'actions' }, exportButton, cancelExport),
    h(
      'p',
      { class: 'progress-line' },
      h('span', { id: 'export-progress-label', class: 'visually-hidden' }, 'Export progress'),
      progress,
      ' ',
      exportText,
    ),
    exportStatus.element,
    exportErrors.element,
    exportResult,
  );

  function readForm(): Filters | undefined {
    const next: Filters = {};
    const values: Filters = {
      q: q.value.trim(),
      status: status.value,
      interest: interest.value,
      source: source.value.trim(),
      from: from.value,
      to: to.value,
      pipelineStatus: pipelineStatus.value,
      owner: owner.value.trim(),
      openTask: openTask.value,
      sort: sort.value,
    };
    for (const name of FILTER_NAMES) if (values[name]) next[name] = values[name];
    if (next.from && next.to && next.from > next.to) {
      filterErrors.showText('"Created from" must be on or before "Created to".');
      from.setAttribute('aria-invalid', 'true');
      from.focus();
      return undefined;
    }
    from.removeAttribute('aria-invalid');
    filterErrors.clear();
    return next;
  }

  function writeHash(): void {
    const params = new URLSearchParams();
    for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]!);
    const search = params.toString();
    history.replaceState(null, '', `#/leads${search ? `?${search}` : ''}`);
  }

  function clearFilters(): void {
    q.value = '';
    status.value = '';
    interest.value = '';
    source.value = '';
    from.value = '';
    to.value = '';
    pipelineStatus.value = '';
    owner.value = '';
    openTask.value = '';
    sort.value = '';
    filters = {};
    writeHash();
    restart();
  }

  function restart(): void {
    cursors.length = 1;
    void load(0);
  }

  function renderTable(page: LeadPage): void {
    if (page.items.length === 0) {
      // The status line above says so; saying it again here would read it twice.
      replace(results);
      return;
    }
    const rows = page.items.map((lead) =>
      h(
        'tr',
        null,
        h(
          'th',
          { scope: 'row' },
          h(
            'a',
            { href: `#/leads/${encodeURIComponent(lead.leadId)}` },
            [lead.firstName, lead.lastName].filter(Boolean).join(' '),
          ),
        ),
        h('td', null, lead.email),
        h(
          'td',
          null,
          h('span', { class: `badge badge--${lead.status}` }, STATUS_NAMES[lead.status] ?? lead.status),
          lead.hotLeadAt ? [' ', h('span', { class: 'badge badge--hot', title: HOT_LEAD_TITLE }, 'Hot lead')] : null,
        ),
        h('td', null, lead.interests.map(interestLabel).join(', ')),
        h('td', null, lead.source),
        h('td', null, timeElement(lead.createdAt)),
        h('td', null, lead.progress),
        h('td', null, followUpText(lead)),
      ),
    );
    const table = dataTable({
      caption: `Leads, page ${pageIndex + 1}`,
      captionHidden: true,
      columns: ['Name', 'Email', 'Status', 'Interests', 'Source', 'Created', 'Sequence', 'Follow-up'],
      rows,
    });
    replace(results, scrollTable('Leads table', stackOnPhones(table)));
  }

  async function load(index: number): Promise<void> {
    if (index < 0 || index >= cursors.length) return;
    listing?.abort();
    const controller = new AbortController();
    listing = controller;
    listErrors.clear();
    results.setAttribute('aria-busy', 'true');
    previous.disabled = true;
    next.disabled = true;
    listStatus.set('Loading leads…');
    try {
      const page = await ctx.api.leads(
        { ...toQuery(filters), cursor: cursors[index], limit: PAGE_SIZE },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      pageIndex = index;
      cursors.length = index + 1;
      if (page.nextCursor) cursors.push(page.nextCursor);
      renderTable(page);
      pageLabel.textContent = `Page ${pageIndex + 1}`;
      previous.disabled = pageIndex === 0;
      next.disabled = !page.nextCursor;
      listStatus.set(
        page.items.length === 0
          ? 'No leads match these filters.'
          : `Showing ${plural(page.items.length, 'lead')} on page ${pageIndex + 1}${page.nextCursor ? '; more on the next page' : ''}.`,
      );
    } catch (error) {
      if (controller.signal.aborted) return;
      listStatus.set('');
      listErrors.show(error, 'Leads could not be loaded.');
      previous.disabled = pageIndex === 0;
      next.disabled = pageIndex + 1 >= cursors.length;
    } finally {
      if (listing === controller) results.removeAttribute('aria-busy');
    }
  }

  async function exportCsv(): Promise<void> {
    exporting?.abort();
    const controller = new AbortController();
    exporting = controller;
    revokeLater(exportLink);
    exportLink = undefined;
    exportResult.replaceChildren();
    exportErrors.clear();
    const rows: (string | number)[][] = [];
    let scanned = 0;
    cancelExport.hidden = false;
    progress.hidden = false;
    progress.removeAttribute('value');
    exportText.textContent = '0 rows so far';
    exportStatus.set('Export started.');
    try {
      await busy(
        exportButton,
        async () => {
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await ctx.api.leads(
              { ...toQuery(filters), cursor, limit: EXPORT_PAGE_SIZE },
              controller.signal,
            );
            rows.push(...page.items.map(leadRow));
            scanned += page.scanned;
            pages += 1;
            cursor = page.nextCursor;
            exportText.textContent = `${formatNumber(rows.length)} rows so far (${formatNumber(scanned)} leads examined)`;
            // Announce now and then, not on every page: a screen reader cannot keep up with each.
            if (pages % 5 === 0) exportStatus.set(`${formatNumber(rows.length)} rows so far.`);
          } while (cursor);
        },
        exportPanel,
      );
      const filename = `leads-${fileStamp()}.csv`;
      exportLink = downloadLink(
        toCsv(CSV_HEADER, rows),
        'text/csv;charset=utf-8',
        filename,
        `Download ${filename} (${plural(rows.length, 'row')})`,
      );
      progress.value = 1;
      progress.max = 1;
      exportText.textContent = `${formatNumber(rows.length)} rows exported`;
      replace(exportResult, exportLink);
      exportStatus.set(`Export ready: ${plural(rows.length, 'row')}. The download has started.`);
      exportLink.click();
    } catch (error) {
      progress.hidden = true;
      if (controller.signal.aborted) {
        exportText.textContent = `Stopped after ${formatNumber(rows.length)} rows.`;
        exportStatus.set('Export stopped. Nothing was downloaded.');
      } else {
        exportText.textContent = '';
        exportStatus.set('');
        exportErrors.show(error, `The export stopped after ${formatNumber(rows.length)} rows.`);
      }
    } finally {
      cancelExport.hidden = true;
      if (exporting === controller) exporting = undefined;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = readForm();
    if (!next) return;
    filters = next;
    writeHash();
    restart();
  });

  void load(0);

  return {
    title: 'Leads',
    element: h(
      'div',
      null,
      pageHeading('Leads'),
      form,
      h(
        'section',
        { 'aria-labelledby': 'results-title' },
        h('h2', { id: 'results-title' }, 'Matching leads'),
        listStatus.element,
        listErrors.element,
        results,
        pager,
      ),
      exportPanel,
    ),
    cleanup() {
      listing?.abort();
      exporting?.abort();
      revokeLater(exportLink);
    },
  };
};
