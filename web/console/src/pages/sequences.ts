import type { PageFactory } from '../app';
import { h, replace } from '../dom';
import { formatDate, formatNumber, timeElement } from '../format';
import { dataTable } from '../table';
import type { Review, SequenceListItem } from '../types';
import { errorRegion, pageHeading, scrollTable, statusRegion } from '../ui';

/** A version's clinical review; a missing or expired one reads as a warning wherever it is shown. */
export function reviewText(review: Review | undefined): Node | string {
  if (!review) return h('span', { class: 'review review--missing' }, 'Warning: no clinical review recorded');
  return h(
    'span',
    { class: review.expired ? 'review review--expired' : 'review' },
    review.expired ? 'Expired ' : 'Valid until ',
    timeElement(review.validUntil, true),
    ` (${review.reviewer})`,
  );
}

/** How a version is named where versions are listed: with a warning when nobody (currently) reviewed it. */
export function versionLabel(version: string, review: Review | undefined, published = false): string {
  const warning = !review
    ? ', warning: no clinical review'
    : review.expired
      ? ', warning: clinical review expired'
      : '';
  const notes = `${published ? 'published' : ''}${warning}`.replace(/^, /, '');
  return `Version ${version}${notes ? ` (${notes})` : ''}`;
}

function expiredBanner(items: SequenceListItem[]): HTMLElement | undefined {
  const expired = items.filter((item) => item.review?.expired);
  const unreviewed = items.filter((item) => !item.review);
  const pinned = items.flatMap((item) => (item.unreviewedPinned ?? []).map((version) => ({ item, ...version })));
  if (expired.length === 0 && unreviewed.length === 0 && pinned.length === 0) return undefined;
  const link = (item: SequenceListItem) =>
    h('a', { href: `#/sequences/${encodeURIComponent(item.sequenceId)}` }, item.name);
  return h(
    'section',
    { class: 'warning', 'aria-labelledby': 'expired-title' },
    h('h2', { id: 'expired-title' }, 'Clinical review expired or missing'),
    h(
      'p',
      null,
      'These sequences are sending medical content that nobody has reviewed, or whose review has run out. Ask the clinical reviewer to check them and record a review, then publish; move leads off versions nobody has reviewed.',
    ),
    h('ul', null, [
      ...unreviewed.map((item) =>
        h('li', null, link(item), ` – new leads get version ${item.publishedVersion}, which has no clinical review`),
      ),
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
    const table = dataTable({
      caption: 'Sequences',
      captionHidden: true,
      columns: ['Sequence', 'Published version', 'Draft', 'Clinical review', 'Enrolled leads'],
      rows,
    });
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
