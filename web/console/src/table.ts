import { type Child, h } from './dom';

/** A table of records: one header cell per column, and a caption (read out only, when hidden). */
export function dataTable(table: {
  caption: string;
  captionHidden?: boolean;
  columns: readonly string[];
  rows: Child;
}): HTMLTableElement {
  return h(
    'table',
    { class: 'table' },
    h('caption', table.captionHidden ? { class: 'visually-hidden' } : null, table.caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        table.columns.map((text) => h('th', { scope: 'col' }, text)),
      ),
    ),
    h('tbody', null, table.rows),
  );
}
