import { INTERESTS, type Interest } from '../../../../functions/lead/interests';
import { BEFORE_PATHS, GENERAL_PATH } from '../../../../functions/sequence/paths';
import type { PageFactory } from '../app';
import { h, replace, svg } from '../dom';
import { formatDate, formatNumber, formatPercent, plural } from '../format';
import { refreshStackClock, stackNow } from '../stack-clock';
import type { Results, StepResult } from '../types';
import { busy, errorRegion, field, input, pageHeading, scrollTable, select, statusRegion } from '../ui';
import { describeCondition } from './sequence/conditions';

/** Where SES starts reviewing an account (the API's alarms sit at half of these). */
export const SES_REVIEW = { bounceRate: 0.05, complaintRate: 0.001 };

const FUNNEL = [
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['booked', 'Booked'],
] as const;
const BESIDE = [
  ['cancelled', 'Booking cancelled'],
  ['unsubscribed', 'Unsubscribed'],
  ['bounced', 'Bounced'],
  ['complained', 'Complained'],
] as const;
type Measure = (typeof FUNNEL)[number][0] | (typeof BESIDE)[number][0];

/** A bar as inline SVG: its length is an attribute, so no inline style is needed under the CSP. */
function bar(measure: Measure, fraction: number): SVGSVGElement {
  const width = Math.max(0, Math.min(100, fraction * 100));
  return svg(
    'svg',
    { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10 }),
    svg('rect', {
      class: `bar-fill bar-fill--${measure}`,
      x: 0,
      y: 0,
      width: width.toFixed(2),
      height: 10,
      'data-measure': measure,
    }),
  );
}

function measureRows(result: StepResult, list: readonly (readonly [Measure, string])[]): HTMLTableRowElement[] {
  return list.map(([measure, label]) => {
    const count = result[measure];
    const fraction = result.sent > 0 ? count / result.sent : 0;
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      h('td', { class: 'number' }, formatNumber(count)),
      h('td', { class: 'number' }, result.sent > 0 ? formatPercent(fraction) : '–'),
      h('td', { class: 'bar-cell' }, bar(measure, fraction)),
    );
  });
}

/** A path key as staff read it: the topics the leads chose, the general path, or the old rows. */
export function describePath(path: string): string {
  if (path === GENERAL_PATH) return 'General path';
  if (path === BEFORE_PATHS) return 'Before paths were recorded';
  return path
    .split('_')
    .map((topic) => INTERESTS[topic as Interest] ?? topic)
    .join(' + ');
}

const PATH_MEASURES = [...FUNNEL, ...BESIDE] as const;

/** The variant's figures split by the leads' paths: a step shared by several paths, path by path. */
function pathTable(result: StepResult): HTMLElement | false {
  if (result.paths.length === 0) return false;
  const title = `Step ${result.stepId}, variant ${result.variant.toUpperCase()}: by path`;
  const cell = (count: number, sent: number, measure: Measure) =>
    h(
      'td',
      { class: 'number', 'data-measure': measure },
      measure === 'sent' || sent === 0
        ? formatNumber(count)
        : `${formatNumber(count)} (${formatPercent(count / sent)})`,
    );
  return scrollTable(
    title,
    h(
      'table',
      { class: 'table table--paths', 'data-step': result.stepId, 'data-variant': result.variant },
      h('caption', null, 'By path'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Path'),
          PATH_MEASURES.map(([, label]) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        null,
        result.paths.map((path) =>
          h(
            'tr',
            { 'data-path': path.path },
            h('th', { scope: 'row' }, describePath(path.path)),
            PATH_MEASURES.map(([measure]) => cell(path[measure], path.sent, measure)),
          ),
        ),
      ),
    ),
  );
}

function variantChart(result: StepResult): HTMLElement {
  const title = `Step ${result.stepId}, variant ${result.variant.toUpperCase()}`;
  const head = h(
    'thead',
    null,
    h(
      'tr',
      null,
      ['Measure', 'Count', 'Of sent', 'Chart'].map((text) => h('th', { scope: 'col' }, text)),
    ),
  );
  return h(
    'figure',
    { class: 'funnel', 'data-step': result.stepId, 'data-variant': result.variant },
    h('figcaption', null, h('strong', null, `Variant ${result.variant.toUpperCase()}`), ': ', result.subject),
    scrollTable(
      `${title} funnel`,
      h(
        'table',
        { class: 'table table--funnel' },
        h('caption', { class: 'visually-hidden' }, `${title}: funnel`),
        head,
        h('tbody', { class: 'funnel-main' }, measureRows(result, FUNNEL)),
        h(
          'tbody',
          { class: 'funnel-beside' },
          h('tr', null, h('th', { scope: 'rowgroup', colspan: 4, class: 'subhead' }, 'Beside the funnel')),
          measureRows(result, BESIDE),
        ),
      ),
    ),
    pathTable(result),
  );
}

function rateCard(label: string, rate: number, alarm: number, sesReview: number): HTMLElement {
  const over = rate >= alarm;
  return h(
    'div',
    { class: `rate${over ? ' rate--over' : ''}`, 'data-rate': label.toLowerCase().replace(/\s+/g, '-') },
    h('p', { class: 'rate-label' }, label),
    h('p', { class: 'rate-value' }, formatPercent(rate, 2)),
    h(
      'p',
      { class: 'rate-threshold' },
      `Alarm at ${formatPercent(alarm, 2)}; SES reviews the account at ${formatPercent(sesReview, 2)}.`,
    ),
    over &&
      h(
        'p',
        { class: 'rate-warning' },
        h(
          'strong',
          null,
          rate >= sesReview ? 'Warning: at or over the SES review level.' : 'Warning: over the alarm threshold.',
        ),
        ' Pause imports and check the list and content before sending more.',
      ),
  );
}

function render(target: HTMLElement, results: Results): string[] {
  const warnings: string[] = [];
  const { rates } = results;
  if (rates.bounceRate >= rates.bounceAlarm)
    warnings.push(`bounce rate ${formatPercent(rates.bounceRate, 2)} is over the alarm threshold`);
  if (rates.complaintRate >= rates.complaintAlarm)
    warnings.push(`complaint rate ${formatPercent(rates.complaintRate, 2)} is over the alarm threshold`);
  const steps = new Map<string, StepResult[]>();
  for (const result of results.steps) steps.set(result.stepId, [...(steps.get(result.stepId) ?? []), result]);
  replace(
    target,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'rates-title' },
      h('h2', { id: 'rates-title' }, 'Bounce and complaint rates'),
      warnings.length > 0 &&
        h('div', { class: 'warning' }, h('p', null, h('strong', null, 'Over threshold: '), `${warnings.join('; ')}.`)),
      h(
        'div',
        { class: 'rates' },
        rateCard('Bounce rate', rates.bounceRate, rates.bounceAlarm, SES_REVIEW.bounceRate),
        rateCard('Complaint rate', rates.complaintRate, rates.complaintAlarm, SES_REVIEW.complaintRate),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'funnel-title' },
      h('h2', { id: 'funnel-title' }, `Per step, ${formatDate(results.from)} to ${formatDate(results.to)}`),
      steps.size === 0
        ? h('p', null, 'Nothing was sent in this period.')
        : [...steps.entries()].map(([stepId, variants]) =>
            h(
              'section',
              { class: 'step-results', 'aria-label': `Step ${stepId}` },
              h('h3', null, `Step ${stepId}`),
              h('p', { class: 'hint' }, `Who gets it: ${describeCondition(variants[0]!.when)}`),
              h('div', { class: 'funnels' }, variants.map(variantChart)),
            ),
          ),
    ),
  );
  return warnings;
}

export const resultsPage: PageFactory = ({ ctx, query }) => {
  const status = statusRegion();
  const errors = errorRegion();
  const output = h('div', { class: 'results' });
  const sequence = select([], { name: 'sequenceId' });
  const from = input({ type: 'date', name: 'from', value: query.get('from') ?? '' });
  const to = input({ type: 'date', name: 'to', value: query.get('to') ?? '' });
  /** The last 30 days on the stack's clock, unless the address or the user chose the range. */
  const chosen = { from: query.has('from'), to: query.has('to') };
  from.addEventListener('input', () => {
    chosen.from = true;
  });
  to.addEventListener('input', () => {
    chosen.to = true;
  });
  // The counters are kept per UTC day (functions/drip/send-step.ts), so the default range is in
  // UTC days: a browser west of Greenwich would otherwise leave out today's sends after 00:00 UTC.
  const utcDay = (date: Date) => date.toISOString().slice(0, 10);
  const defaultRange = (today: Date) => {
    if (!chosen.from) from.value = utcDay(new Date(today.getTime() - 29 * 86_400_000));
    if (!chosen.to) to.value = utcDay(today);
  };
  defaultRange(stackNow());
  const submit = h('button', { type: 'submit', class: 'button' }, 'Show results');
  const form = h(
    'form',
    { novalidate: true },
    h(
      'div',
      { class: 'form-grid' },
      field(sequence, { label: 'Sequence' }),
      field(from, { label: 'From' }),
      field(to, { label: 'To' }),
    ),
    errors.element,
    submit,
  );

  async function load(): Promise<void> {
    errors.clear();
    if (!sequence.value || !from.value || !to.value || from.value > to.value) {
      errors.showText('Choose a sequence and a date range whose start is not after its end.');
      (from.value > to.value ? from : sequence).focus();
      return;
    }
    await busy(
      submit,
      async () => {
        status.set('Loading results…');
        try {
          const results = await ctx.api.results({ sequenceId: sequence.value, from: from.value, to: to.value });
          const warnings = render(output, results);
          status.set(
            `Results loaded for ${plural(results.steps.length, 'step variant')}.${warnings.length ? ` Warning: ${warnings.join('; ')}.` : ''}`,
          );
        } catch (error) {
          status.set('');
          errors.show(error, 'Results could not be loaded.');
        }
      },
      output,
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });

  Promise.all([ctx.api.sequences(), refreshStackClock(ctx.api)])
    .then(([items, today]) => {
      defaultRange(today);
      replace(
        sequence,
        items.map((item) => h('option', { value: item.sequenceId }, item.name)),
      );
      const wanted = query.get('sequenceId');
      if (wanted && items.some((item) => item.sequenceId === wanted)) sequence.value = wanted;
      if (items.length > 0) void load();
    })
    .catch((error) => errors.show(error, 'Sequences could not be loaded.'));

  return {
    title: 'Results',
    element: h('div', null, pageHeading('Results'), form, status.element, output),
  };
};
