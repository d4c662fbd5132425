import { ApiError, SessionEndedError } from './api';
import { type Attrs, type Child, h, replace, uid } from './dom';

/** A polite live region for progress and results of async work ("Saved", "Loaded 50 leads"). */
export function statusRegion(className = 'status'): { element: HTMLElement; set(text: string): void } {
  const element = h('p', { class: className, role: 'status' });
  return {
    element,
    set(text: string) {
      element.textContent = text;
    },
  };
}

/** An assertive region for failures; it stays in the page (empty and not shown) so additions are announced. */
export function errorRegion(): {
  element: HTMLElement;
  show(error: unknown, intro?: string): void;
  showText(text: string): void;
  clear(): void;
} {
  const element = h('div', { class: 'error-box', role: 'alert' });
  return {
    element,
    showText(text: string) {
      replace(element, h('p', { class: 'error-title' }, text));
    },
    show(error: unknown, intro?: string) {
      if (error instanceof SessionEndedError) return;
      replace(element, ...errorContent(error, intro));
    },
    clear() {
      element.replaceChildren();
    },
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.name === 'AbortError') return 'Stopped.';
  return 'Something went wrong in the console. Reload the page and try again.';
}

function errorContent(error: unknown, intro?: string): Child[] {
  const fields = error instanceof ApiError ? error.fields : [];
  return [
    h('p', { class: 'error-title' }, intro ? `${intro} ${errorMessage(error)}` : errorMessage(error)),
    fields.length > 0 &&
      h(
        'ul',
        null,
        fields.map((field) => h('li', null, h('code', null, field.field), `: ${field.message}`)),
      ),
  ];
}

export interface ConfirmOptions {
  title: string;
  body: Child;
  confirmLabel: string;
  /** Red button and the focus starts on Cancel. */
  destructive?: boolean;
}

/**
 * A modal `<dialog>` that resolves true only when the user presses the confirm button.
 * Escape, Cancel and closing all resolve false; focus returns to where it was.
 */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  const titleId = uid('dialog-title');
  const bodyId = uid('dialog-body');
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const cancel = h('button', { type: 'button', class: 'button button--secondary', value: 'cancel' }, 'Cancel');
  const confirm = h(
    'button',
    { type: 'button', class: `button${options.destructive ? ' button--danger' : ''}`, value: 'confirm' },
    options.confirmLabel,
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
    h('h2', { id: titleId }, options.title),
    h('div', { id: bodyId, class: 'dialog-body' }, options.body),
    h('div', { class: 'actions' }, cancel, confirm),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let confirmed = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      confirmed = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(confirmed);
    });
    dialog.showModal();
    (options.destructive ? cancel : confirm).focus();
  });
}

/** Disables a button while its work runs, and marks the region busy for assistive technology. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>, region?: HTMLElement): Promise<T> {
  button.disabled = true;
  region?.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    region?.removeAttribute('aria-busy');
  }
}

export interface FieldOptions {
  label: string;
  hint?: string;
  /** Extra class on the wrapper. */
  className?: string;
}

/** A labelled control with an optional hint, wired with for/id and aria-describedby. */
export function field<T extends HTMLElement>(control: T, options: FieldOptions): HTMLDivElement {
  if (!control.id) control.id = uid('field');
  const hintId = options.hint ? `${control.id}-hint` : undefined;
  if (hintId) {
    const existing = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', existing ? `${hintId} ${existing}` : hintId);
  }
  return h(
    'div',
    { class: `field${options.className ? ` ${options.className}` : ''}` },
    h('label', { for: control.id }, options.label),
    options.hint && h('p', { class: 'hint', id: hintId }, options.hint),
    control,
  );
}

export function input(attrs: Attrs): HTMLInputElement {
  return h('input', { class: 'control', type: 'text', ...attrs });
}

export function select(
  options: readonly { value: string; label: string }[],
  attrs: Attrs & { value?: string } = {},
): HTMLSelectElement {
  const { value, ...rest } = attrs;
  const element = h(
    'select',
    { class: 'control', ...rest },
    options.map((option) => h('option', { value: option.value, selected: option.value === value }, option.label)),
  );
  if (value !== undefined) element.value = String(value);
  return element;
}

export function button(label: Child, attrs: Attrs = {}): HTMLButtonElement {
  const className = typeof attrs.class === 'string' ? `button ${attrs.class}` : 'button';
  return h('button', { type: 'button', ...attrs, class: className }, label);
}

/**
 * On a phone, shows each row of a wide table as a card: every cell on its own line with its
 * column's name (from `data-label`, drawn by CSS). Explicit roles keep the table semantics that
 * some browsers drop when rows stop being `display: table-row`.
 */
export function stackOnPhones(table: HTMLTableElement): HTMLTableElement {
  table.classList.add('table--stack');
  table.setAttribute('role', 'table');
  const labels = Array.from(table.tHead?.rows[0]?.cells ?? []).map((cell) => cell.textContent ?? '');
  for (const group of Array.from(table.querySelectorAll('thead, tbody, tfoot'))) group.setAttribute('role', 'rowgroup');
  for (const row of Array.from(table.rows)) {
    row.setAttribute('role', 'row');
    Array.from(row.cells).forEach((cell, index) => {
      const header = cell.tagName === 'TH';
      const scope = cell.getAttribute('scope');
      cell.setAttribute('role', header ? (scope === 'row' ? 'rowheader' : 'columnheader') : 'cell');
      if (!header || scope === 'row') cell.dataset.label = labels[index] ?? '';
    });
  }
  return table;
}

/** A table that may be wider than a phone: it scrolls inside a focusable, named region. */
export function scrollTable(label: string, table: HTMLTableElement): HTMLDivElement {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}

export function pageHeading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: -1, class: 'page-title' }, text);
}

/** Debounce for live previews: the last call wins after `ms` of quiet. */
export function debounce<A extends unknown[]>(
  ms: number,
  fn: (...args: A) => void,
): ((...args: A) => void) & {
  cancel(): void;
} {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wrapped = (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  wrapped.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return wrapped;
}
