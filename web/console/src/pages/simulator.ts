import type { SampleBehaviour } from '../../../../functions/admin/contract';
import { INTEREST_IDS, INTERESTS } from '../../../../functions/lead/interests';
import type { PageFactory } from '../app';
import { h, replace, uid } from '../dom';
import { timeElement } from '../format';
import { refreshStackClock, stackNow } from '../stack-clock';
import { dataTable } from '../table';
import type { SequenceListItem, SimulatedSend } from '../types';
import { busy, errorRegion, field, input, pageHeading, scrollTable, select, stackOnPhones, statusRegion } from '../ui';
import { browserTimeZone, nowInZone, timeZones, zonedToUtc } from '../zoned-time';
import { versionLabel } from './sequences';

export const simulatorPage: PageFactory = ({ ctx, query }) => {
  const status = statusRegion();
  const errors = errorRegion();
  const results = h('div', { class: 'results' });

  const sequence = select([], { name: 'sequenceId' });
  const version = select([], { name: 'version' });
  const zone = browserTimeZone();
  const timeZone = select(
    timeZones().map((value) => ({ value, label: value.replace(/_/g, ' ') })),
    { name: 'timeZone', value: zone },
  );
  const start = input({
    type: 'datetime-local',
    name: 'start',
    value: nowInZone(zone, stackNow().getTime()),
    step: 60,
  });
  // Now on the stack's clock, until the user picks a time.
  let startChosen = false;
  start.addEventListener('input', () => {
    startChosen = true;
  });
  const leadId = input({
    name: 'leadId',
    maxlength: 64,
    value: query.get('leadId') ?? '',
    autocomplete: 'off',
    spellcheck: 'false',
  });

  const who = query.get('leadId') ? 'lead' : 'sample';
  const radio = (value: string, label: string) => {
    const id = uid(`who-${value}`);
    const control = h('input', { type: 'radio', name: 'who', id, value, checked: value === who });
    control.addEventListener('change', toggle);
    return h('div', { class: 'choice' }, control, h('label', { for: id }, label));
  };
  // The sample lead's topics choose its path (none ticked: the general path).
  const topicBoxes = INTEREST_IDS.map((topic) =>
    h('input', { type: 'checkbox', id: uid(`sim-${topic}`), value: topic, name: 'topics' }),
  );
  const BEHAVIOUR_LABELS: Record<SampleBehaviour, string> = {
    opens: 'Opens every email',
    'booking-click': 'Clicks the booking link in the first email, does not book',
    nothing: 'Does nothing (opens and clicks nothing)',
  };
  const behaviour = select(
    Object.entries(BEHAVIOUR_LABELS).map(([value, label]) => ({ value, label })),
    { name: 'behaviour', value: 'opens' },
  );
  const sampleFields = h(
    'div',
    null,
    h(
      'div',
      { class: 'form-grid' },
      field(timeZone, { label: 'Lead’s time zone' }),
      field(start, { label: 'Signs up at', hint: 'Local time in the lead’s zone.' }),
      field(behaviour, { label: 'What the lead does', hint: 'The engagement branches the path takes follow from it.' }),
    ),
    h(
      'fieldset',
      { class: 'field group' },
      h('legend', null, 'Topics the lead chose'),
      h('p', { class: 'hint' }, 'The path follows them; none ticked shows the general path.'),
      topicBoxes.map((box) =>
        h('div', { class: 'choice' }, box, h('label', { for: box.id }, INTERESTS[box.value as keyof typeof INTERESTS])),
      ),
    ),
  );
  const leadFields = h(
    'div',
    null,
    field(leadId, {
      label: 'Lead id',
      hint: 'From the address of a lead’s timeline page. The lead’s own time zone is used.',
    }),
  );
  const submit = h('button', { type: 'submit', class: 'button' }, 'Simulate');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'form-grid' }, field(sequence, { label: 'Sequence' }), field(version, { label: 'Version' })),
    h(
      'fieldset',
      { class: 'field group' },
      h('legend', null, 'Lead'),
      h(
        'div',
        { class: 'choices choices--inline' },
        radio('sample', 'A sample lead'),
        radio('lead', 'An existing lead'),
      ),
      sampleFields,
      leadFields,
    ),
    errors.element,
    submit,
  );

  function selectedWho(): string {
    return form.querySelector<HTMLInputElement>('input[name="who"]:checked')?.value ?? 'sample';
  }

  function toggle(): void {
    const lead = selectedWho() === 'lead';
    sampleFields.hidden = lead;
    leadFields.hidden = !lead;
  }

  async function loadVersions(): Promise<void> {
    const id = sequence.value;
    if (!id) return;
    version.disabled = true;
    try {
      const detail = await ctx.api.sequence(id);
      const choices = [
        ...[...detail.versions].reverse().map((v) => ({
          value: v.version,
          label: versionLabel(v.version, v.review, v.version === detail.published.version),
        })),
        ...(detail.draft ? [{ value: 'draft', label: 'Draft (not published)' }] : []),
      ];
      if (!choices.some((choice) => choice.value === detail.published.version)) {
        choices.unshift({
          value: detail.published.version,
          label: versionLabel(detail.published.version, detail.published.review, true),
        });
      }
      replace(
        version,
        choices.map((choice) => h('option', { value: choice.value }, choice.label)),
      );
      version.value = query.get('version') ?? detail.published.version;
      if (!version.value) version.value = detail.published.version;
    } catch (error) {
      errors.show(error, 'The versions could not be loaded.');
    } finally {
      version.disabled = false;
    }
  }

  /** Each A/B subject on its own line, lettered; a step without variants shows its one subject. */
  function subjects(send: SimulatedSend): Node | string {
    if (send.variants.length <= 1) return send.subject;
    return h(
      'ul',
      { class: 'plain' },
      send.variants.map((variant) => h('li', null, `${variant.id.toUpperCase()}: ${variant.subject}`)),
    );
  }

  function when(send: SimulatedSend): string {
    if (!send.atSignUp) return send.localTime;
    return `${send.localTime} (at sign-up${send.outsideWindow ? ', outside the send window' : ''})`;
  }

  /** Why this email goes at this turn, and what happens with it. */
  function why(send: SimulatedSend): string {
    const notes = [
      send.branch === 'booking-click'
        ? 'Booking-click branch'
        : send.branch === 'inactive'
          ? 'Inactive branch'
          : 'Path',
      ...(send.hotLead ? ['staff get the hot-lead alert'] : []),
    ];
    return notes.join('; ');
  }

  function render(sends: SimulatedSend[]): void {
    if (sends.length === 0) {
      replace(results, h('p', null, 'No emails would be sent.'));
      return;
    }
    // The count is in the status line above; the caption names the table.
    const table = dataTable({
      caption: 'Each email, in the order it goes out',
      columns: ['#', 'Step', 'Subject', 'Local date and time', 'Time zone', 'In your time', 'Why'],
      rows: sends.map((send, index) =>
        h(
          'tr',
          null,
          h('td', null, String(index + 1)),
          h('th', { scope: 'row' }, send.stepId),
          h('td', null, subjects(send)),
          h('td', { class: 'nowrap' }, when(send)),
          h('td', null, send.timeZone),
          h('td', null, timeElement(send.sendAt)),
          h('td', null, why(send)),
        ),
      ),
    });
    const sunset = sends.at(-1)?.sunset;
    const early = sends.some((send) => send.outsideWindow);
    replace(
      results,
      early &&
        h(
          'p',
          { class: 'note' },
          'The first email goes out as soon as the lead signs up, even outside the send window; the later ones wait for it.',
        ),
      scrollTable('Simulated sends', stackOnPhones(table)),
      sunset &&
        h(
          'p',
          { class: 'note' },
          `With no open or click after that, the enrolment ends as sunset on ${sunset.localTime}: not an unsubscribe, and the address is not suppressed.`,
        ),
    );
  }

  /** Set once the sequences and versions are in: a click before then is kept and run then. */
  let ready = false;
  let runWhenReady = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!ready) {
      runWhenReady = true;
      status.set('Loading the sequences; the simulation runs as soon as they are in.');
      return;
    }
    void simulate();
  });

  async function simulate(): Promise<void> {
    errors.clear();
    const lead = selectedWho() === 'lead';
    if (!sequence.value || !version.value) {
      errors.showText('Choose a sequence and a version.');
      sequence.focus();
      return;
    }
    if (lead && !leadId.value.trim()) {
      errors.showText('Enter the lead’s id.');
      leadId.focus();
      return;
    }
    if (!lead && !start.value) {
      errors.showText('Enter when the sample lead signs up.');
      start.focus();
      return;
    }
    const body = lead
      ? { sequenceId: sequence.value, version: version.value, leadId: leadId.value.trim() }
      : {
          sequenceId: sequence.value,
          version: version.value,
          timeZone: timeZone.value,
          start: zonedToUtc(start.value, timeZone.value),
          topics: topicBoxes.filter((box) => box.checked).map((box) => box.value),
          behaviour: behaviour.value,
        };
    await busy(
      submit,
      async () => {
        status.set('Simulating…');
        try {
          const sends = await ctx.api.simulate(body);
          render(sends);
          status.set(`${sends.length} email${sends.length === 1 ? '' : 's'} would be sent.`);
        } catch (error) {
          status.set('');
          errors.show(error, 'The journey could not be simulated.');
        }
      },
      results,
    );
  }

  sequence.addEventListener('change', () => void loadVersions());
  toggle();
  Promise.all([ctx.api.sequences(), refreshStackClock(ctx.api)])
    .then(async ([items, now]: [SequenceListItem[], Date]) => {
      if (!startChosen) start.value = nowInZone(timeZone.value, now.getTime());
      replace(
        sequence,
        items.map((item) => h('option', { value: item.sequenceId }, item.name)),
      );
      const wanted = query.get('sequenceId');
      if (wanted && items.some((item) => item.sequenceId === wanted)) sequence.value = wanted;
      await loadVersions();
      ready = true;
      status.set('Ready.');
      // Opened for a lead ("Simulate this lead's future emails"), or Simulate was pressed early.
      if (runWhenReady || query.get('leadId')) await simulate();
    })
    .catch((error) => errors.show(error, 'Sequences could not be loaded.'));

  return {
    title: 'Journey simulator',
    element: h(
      'div',
      null,
      pageHeading('Journey simulator'),
      h(
        'p',
        null,
        'Every future email for one lead, with its exact local date and time after delays, send windows, closed days and daylight-saving changes.',
      ),
      form,
      h(
        'section',
        { 'aria-labelledby': 'sends-title' },
        h('h2', { id: 'sends-title' }, 'Sends'),
        status.element,
        results,
      ),
    ),
  };
};
