import type { PageFactory } from '../app';
import { headerColumns, splitRecords } from '../csv';
import { h, replace } from '../dom';
import { formatNumber, plural, timeElement } from '../format';
import { dataTable } from '../table';
import { IMPORT_COLUMNS, type ImportReport } from '../types';
import { busy, button, confirmDialog, errorRegion, field, pageHeading, scrollTable, statusRegion } from '../ui';

/** The contract's limit on one request's CSV. */
export const MAX_CSV_CHARS = 5_000_000;
/** Rows per request when importing: progress to show, and each request well inside the API's time limit. */
export const IMPORT_CHUNK_ROWS = 1000;

export interface CsvParts {
  header: string;
  rows: string[];
}

export function csvParts(csv: string): CsvParts | undefined {
  const records = splitRecords(csv.replace(/^\uFEFF/, ''));
  const [header, ...rows] = records;
  return header === undefined ? undefined : { header, rows };
}

export function chunks(parts: CsvParts, size = IMPORT_CHUNK_ROWS): { csv: string; offset: number; count: number }[] {
  const list: { csv: string; offset: number; count: number }[] = [];
  for (let offset = 0; offset < parts.rows.length; offset += size) {
    const rows = parts.rows.slice(offset, offset + size);
    list.push({ csv: `${parts.header}\r\n${rows.join('\r\n')}\r\n`, offset, count: rows.length });
  }
  return list;
}

export function missingColumns(header: string): string[] {
  const present = new Set(headerColumns(header));
  return IMPORT_COLUMNS.required.filter((column) => !present.has(column));
}

function reportView(report: ImportReport, title: string, dryRun: boolean): HTMLElement {
  const refused = [...report.refused].sort((a, b) => a.row - b.row);
  return h(
    'section',
    { class: 'panel report', 'aria-labelledby': 'report-title' },
    h('h2', { id: 'report-title', tabindex: -1 }, title),
    h(
      'dl',
      { class: 'details details--numbers' },
      h('div', null, h('dt', null, 'Rows in the file'), h('dd', null, formatNumber(report.rows))),
      h(
        'div',
        null,
        h('dt', null, dryRun ? 'Would be imported' : 'Imported'),
        h('dd', { 'data-count': 'accepted' }, formatNumber(report.accepted)),
      ),
      h(
        'div',
        null,
        h('dt', null, 'Already leads (duplicates)'),
        h('dd', { 'data-count': 'duplicates' }, formatNumber(report.duplicates)),
      ),
      h('div', null, h('dt', null, 'Refused'), h('dd', { 'data-count': 'refused' }, formatNumber(refused.length))),
      report.lastFirstEmailAt &&
        h(
          'div',
          null,
          h('dt', null, dryRun ? 'Last first email would go out' : 'Last first email goes out'),
          h('dd', { 'data-count': 'last-first-email' }, timeElement(report.lastFirstEmailAt)),
        ),
    ),
    refused.length > 0 &&
      scrollTable(
        'Refused rows',
        dataTable({
          caption: `Refused rows (${formatNumber(refused.length)})`,
          columns: ['Row', 'Why'],
          rows: refused.map((item) =>
            h('tr', null, h('th', { scope: 'row' }, String(item.row)), h('td', null, item.reason)),
          ),
        }),
      ),
  );
}

export const importPage: PageFactory = ({ ctx }) => {
  const status = statusRegion();
  const errors = errorRegion();
  const report = h('div');
  const file = h('input', { type: 'file', class: 'control', accept: '.csv,text/csv', id: 'import-file' });
  const check = h('button', { type: 'submit', class: 'button button--secondary' }, 'Check file');
  const importButton = button('Import', { hidden: true });
  const progress = h('progress', { class: 'progress', max: 1, value: 0, 'aria-labelledby': 'import-progress-label' });
  const progressText = h('span', { id: 'import-progress-text' });
  const progressLine = h(
    'p',
    { class: 'progress-line', hidden: true },
    h('span', { id: 'import-progress-label', class: 'visually-hidden' }, 'Import progress'),
    progress,
    ' ',
    progressText,
  );
  let checked: { name: string; parts: CsvParts; report: ImportReport } | undefined;
  let controller: AbortController | undefined;

  const form = h(
    'form',
    { novalidate: true },
    field(file, {
      label: 'CSV file of contacts who have consented',
      hint: `A header row is required. Required columns: ${IMPORT_COLUMNS.required.join(', ')}. Optional: ${IMPORT_COLUMNS.optional.join(', ')}.`,
    }),
    errors.element,
    h('div', { class: 'actions' }, check, importButton),
  );

  function reset(): void {
    checked = undefined;
    importButton.hidden = true;
    report.replaceChildren();
    progressLine.hidden = true;
  }

  async function readFile(): Promise<{ name: string; text: string } | undefined> {
    const chosen = file.files?.[0];
    if (!chosen) {
      errors.showText('Choose a CSV file first.');
      file.focus();
      return undefined;
    }
    const text = await chosen.text();
    if (text.length > MAX_CSV_CHARS) {
      errors.showText(
        `The file is too large: at most ${formatNumber(MAX_CSV_CHARS)} characters. Split it and import the parts one after the other.`,
      );
      file.focus();
      return undefined;
    }
    return { name: chosen.name, text };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    reset();
    const chosen = await readFile();
    if (!chosen) return;
    const parts = csvParts(chosen.text);
    if (!parts || parts.rows.length === 0) {
      errors.showText('The file has no rows below its header.');
      file.focus();
      return;
    }
    const missing = missingColumns(parts.header);
    if (missing.length > 0) {
      errors.showText(
        `The header row lacks the required column${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}.`,
      );
      file.focus();
      return;
    }
    await busy(
      check,
      async () => {
        status.set('Checking the file…');
        try {
          const result = await ctx.api.importCsv({ csv: chosen.text, dryRun: true });
          checked = { name: chosen.name, parts, report: result };
          replace(report, reportView(result, `Check of ${chosen.name}: nothing imported yet`, true));
          importButton.textContent = `Import ${plural(result.accepted, 'contact')}`;
          importButton.hidden = result.accepted === 0;
          status.set(
            `Checked: ${plural(result.accepted, 'row')} would be imported, ${plural(result.refused.length, 'row')} refused, ${plural(result.duplicates, 'duplicate')}.`,
          );
        } catch (error) {
          status.set('');
          errors.show(error, 'The file could not be checked.');
        }
      },
      report,
    );
  });

  file.addEventListener('change', reset);

  importButton.addEventListener('click', async () => {
    if (!checked) return;
    const current = checked;
    const ok = await confirmDialog({
      title: `Import ${plural(current.report.accepted, 'contact')}?`,
      body: `They become leads and start the nurture sequence; first emails are spread out to stay within the sending rate.${current.report.refused.length ? ` ${plural(current.report.refused.length, 'refused row')} will be skipped.` : ''}`,
      confirmLabel: 'Import',
    });
    if (!ok) return;
    errors.clear();
    const parts = chunks(current.parts);
    const total: ImportReport = { rows: 0, accepted: 0, duplicates: 0, refused: [] };
    controller = new AbortController();
    const signal = controller.signal;
    progressLine.hidden = false;
    progress.max = current.parts.rows.length;
    progress.value = 0;
    progressText.textContent = `0 of ${formatNumber(current.parts.rows.length)} rows`;
    status.set('Import started.');
    let done = 0;
    await busy(
      importButton,
      async () => {
        check.disabled = true;
        try {
          for (const part of parts) {
            const result = await ctx.api.importCsv({ csv: part.csv, dryRun: false }, signal);
            total.rows += result.rows;
            total.accepted += result.accepted;
            total.duplicates += result.duplicates;
            total.refused.push(...result.refused.map((item) => ({ row: item.row + part.offset, reason: item.reason })));
            if (
              result.lastFirstEmailAt &&
              (!total.lastFirstEmailAt || result.lastFirstEmailAt > total.lastFirstEmailAt)
            ) {
              total.lastFirstEmailAt = result.lastFirstEmailAt;
            }
            done += part.count;
            progress.value = done;
            progressText.textContent = `${formatNumber(done)} of ${formatNumber(current.parts.rows.length)} rows`;
          }
          checked = undefined;
          importButton.hidden = true;
          replace(report, reportView(total, `Imported from ${current.name}`, false));
          status.set(
            `Import finished: ${plural(total.accepted, 'contact')} imported.${total.lastFirstEmailAt ? ` The last first email goes out ${new Date(total.lastFirstEmailAt).toLocaleString('en-US')}.` : ''}`,
          );
          report.querySelector<HTMLElement>('#report-title')?.focus();
        } catch (error) {
          status.set('');
          if (done > 0) replace(report, reportView(total, `Partly imported from ${current.name}`, false));
          errors.show(
            error,
            done > 0
              ? `The import stopped after ${formatNumber(done)} rows. Running it again skips the contacts already imported.`
              : 'Nothing was imported.',
          );
        } finally {
          check.disabled = false;
        }
      },
      report,
    );
  });

  return {
    title: 'Import contacts',
    element: h(
      'div',
      null,
      pageHeading('Import contacts'),
      h(
        'p',
        null,
        'Only contacts who have consented to emails may be imported; the consent source and date are required for each. Check the file first: nothing is imported until you press Import.',
      ),
      form,
      progressLine,
      status.element,
      report,
    ),
    cleanup() {
      controller?.abort();
    },
  };
};
