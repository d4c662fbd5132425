import type { PageFactory } from '../app';
import { h, replace } from '../dom';
import { plural, timeElement } from '../format';
import { dataTable } from '../table';
import type { BookingInboxItem } from '../types';
import { busy, button, confirmDialog, errorRegion, pageHeading, scrollTable, stackOnPhones, statusRegion } from '../ui';

const KIND_NAMES: Record<BookingInboxItem['kind'], string> = {
  'unmatched-booking': 'Booking from an address that is not a lead',
  'unmatched-cancellation': 'Cancellation from an address that is not a lead',
  'cancellation-to-decide': 'Cancelled consultation: rebook or not',
};
const TOOL_NAMES: Record<BookingInboxItem['tool'], string> = { calendly: 'Calendly', acuity: 'Acuity Scheduling' };

/**
 * The staff booking inbox: what Calendly and Acuity told us that no lead explains (a booking or a
 * cancellation from an unknown address) and cancellations left to staff. Staff delete an entry
 * once they have dealt with it, after confirming.
 */
export const bookingInboxPage: PageFactory = ({ ctx }) => {
  const heading = pageHeading('Booking inbox');
  const status = statusRegion();
  const errors = errorRegion();
  const results = h('div', null);
  let closed = false;

  const person = (entry: BookingInboxItem) =>
    entry.email ??
    (entry.leadId ? h('a', { href: `#/leads/${encodeURIComponent(entry.leadId)}` }, 'Open the lead') : '–');

  function deleteButton(entry: BookingInboxItem): HTMLButtonElement {
    const control = button('Delete', { class: 'button--secondary' });
    control.addEventListener('click', async () => {
      errors.clear();
      const sure = await confirmDialog({
        title: 'Delete this inbox entry?',
        body: `${KIND_NAMES[entry.kind]} (${TOOL_NAMES[entry.tool]}). Delete it once you have dealt with it: it cannot be brought back.`,
        confirmLabel: 'Delete',
        destructive: true,
      });
      if (!sure) {
        status.set('Cancelled. Nothing was deleted.');
        return;
      }
      try {
        await busy(control, () => ctx.api.deleteInboxEntry(entry.entryId), results);
        await load();
        status.set('Entry deleted.');
        if (!closed) heading.focus();
      } catch (error) {
        status.set('');
        errors.show(error, 'The entry could not be deleted.');
      }
    });
    return control;
  }

  function render(entries: BookingInboxItem[]): void {
    if (entries.length === 0) {
      replace(results, h('p', null, 'The booking inbox is empty.'));
      return;
    }
    const table = dataTable({
      caption: 'Booking inbox, newest first',
      captionHidden: true,
      columns: ['Received', 'What', 'Tool', 'Person', 'Actions'],
      rows: entries.map((entry) =>
        h(
          'tr',
          { 'data-entry': entry.entryId },
          h('td', null, timeElement(entry.at)),
          h('th', { scope: 'row' }, KIND_NAMES[entry.kind] ?? entry.kind),
          h('td', null, TOOL_NAMES[entry.tool] ?? entry.tool),
          h('td', null, person(entry)),
          h('td', null, deleteButton(entry)),
        ),
      ),
    });
    replace(
      results,
      h('p', null, `${plural(entries.length, 'entry', 'entries')}.`),
      scrollTable('Booking inbox table', stackOnPhones(table)),
    );
  }

  async function load(): Promise<void> {
    const { entries } = await ctx.api.bookingInbox();
    if (!closed) render(entries);
  }

  void load().catch((error) => errors.show(error, 'The booking inbox could not be loaded.'));
  return {
    title: 'Booking inbox',
    element: h(
      'div',
      null,
      heading,
      h(
        'p',
        null,
        'Bookings and cancellations from Calendly and Acuity that no lead explains, and cancellations ',
        'left to staff to decide on. Entries are kept for 180 days; delete one once you have dealt with it.',
      ),
      status.element,
      errors.element,
      results,
    ),
    cleanup() {
      closed = true;
    },
  };
};
