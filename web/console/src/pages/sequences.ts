import type { PageFactory } from '../app';
import { h, replace } from '../dom';
import { formatDate, formatNumber, timeElement } from '../format';
import type { Review, SequenceListItem } from '../types';
import { errorRegion, pageHeading, scrollTable, statusRegion } from '../ui';

export function reviewText(review: Review | undefined): Node | string {
  if (!review) return 'No clinical review recorded';
  return h(
    'span',
    { class: review.expired ? 'review review--expired' : 'review' },
    review.expired ? 'Expired ' : 'Valid until ',
    timeElement(review.validUntil, true),
    ` (${review.reviewer})`,
  );
}

function expiredBanner(items: SequenceListItem[]): HTMLElement | undefined {
  const expired = items.filter((item) => item.review?.expired);
  const pinned = items.flatMap((item) => (item.unreviewedPinned ?? []).map((version) => ({ item, ...version })));
  if (expired.length === 0 && pinned.length === 0) return undefined;
  const link = (item: SequenceListItem) =>
    h('a', { href: `#/sequences/${encodeURIComponent(item.sequenceId)}` }, item.name);
  return h(
    'section',
    { class: 'warning', 'aria-labelledby': 'expired-title' },
    h('h2', { id: 'expired-title' }, 'Clinical review expired'),
    h(
      'p',
      null,
      'These sequences are still sending medical content whose review has run out. Ask the clinical reviewer to check them and record a new review; move leads off versions nobody has reviewed.',
    ),
    h('ul', null, [
      ...expired.map((item) =>
        h(
          'li',
          null,
          link(item),
          ` – review by ${item.review!.reviewer} ran out on ${formatDate(item.review!.validUntil)}`,
        ),
      ),
      ...pinned.map(({ item, version, active, reviewExpiredOn }) =>
        h(
          'li',
          null,
          link(item),
          ` – ${formatNumber(active)} lead${active === 1 ? ' is' : 's are'} still on version ${version}, ${
            reviewExpiredOn ? `whose review ran out on ${formatDate(reviewExpiredOn)}` : 'which has no clinical review'
          }`,
        ),
      ),
    ]),
  );
}

export const sequencesPage: PageFactory = ({ ctx }) => {
  const status = statusRegion();
  const errors = errorRegion();
  const body = h('div', { 'aria-busy': 'true' });

  function render(items: SequenceListItem[]): void {
    if (items.length === 0) {
      replace(body, h('p', null, 'There are no sequences yet.'));
      return;
    }
    const rows = items.map((item) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, h('a', { href: `#/sequences/${encodeURIComponent(item.sequenceId)}` }, item.name)),
        h('td', null, item.publishedVersion, item.publishedAt ? h('br') : '', timeElement(item.publishedAt)),
        h('td', null, item.hasDraft ? 'Unpublished draft' : 'None'),
        h('td', null, reviewText(item.review)),
        h(
          'td',
          null,
          item.enrolled.length === 0
            ? 'None'
            : h(
                'ul',
                { class: 'plain' },
                item.enrolled.map((entry) => h('li', null, `v${entry.version}: ${formatNumber(entry.active)} active`)),
              ),
        ),
      ),
    );
    const table = h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Sequences'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Sequence', 'Published version', 'Draft', 'Clinical review', 'Enrolled leads'].map((text) =>
            h('th', { scope: 'col' }, text),
          ),
        ),
      ),
      h('tbody', null, rows),
    );
    replace(body, expiredBanner(items), scrollTable('Sequences table', table));
  }

  ctx.api
    .sequences()
    .then((items) => {
      render(items);
      status.set(`${items.length} sequence${items.length === 1 ? '' : 's'} loaded.`);
    })
    .catch((error) => errors.show(error, 'Sequences could not be loaded.'))
    .finally(() => body.removeAttribute('aria-busy'));

  return {
    title: 'Sequences',
    element: h('div', null, pageHeading('Sequences'), status.element, errors.element, body),
  };
};
