import { INTEREST_IDS, INTERESTS } from '../../../../../functions/lead/interests';
import {
  ENGAGEMENT_BRANCHES,
  type EngagementBranch,
  type StepCondition,
} from '../../../../../functions/sequence/paths';
import { h, uid } from '../../dom';

/** How the console names each engagement branch. */
export const BRANCH_NAMES: Record<EngagementBranch, string> = {
  'booking-click': 'Clicked “Book a consultation” and did not book in time',
  inactive: 'Opened and clicked none of the last emails',
};

/** A step's condition as staff read it: "Everyone.", "Leads who chose …", "Only when: …". */
export function describeCondition(when: StepCondition | undefined): string {
  if (!when) return 'Everyone.';
  const who: string[] = [];
  if (when.topics?.length) who.push(`leads who chose ${when.topics.map((topic) => INTERESTS[topic]).join(' or ')}`);
  if (when.general) who.push('leads who chose none of this sequence’s topics (the general path)');
  const audience = who.length ? who.join('; or ') : 'everyone';
  const text = audience.charAt(0).toUpperCase() + audience.slice(1);
  return when.engagement ? `Only when: ${BRANCH_NAMES[when.engagement]}. For ${audience}.` : `${text}.`;
}

/**
 * The "Who gets this step" fields: topics (any of), the general path, and an engagement branch.
 * Writes `when` (or removes it: everyone) on every change.
 */
export function conditionFieldset(
  current: { when?: StepCondition | undefined },
  onChange: () => void,
): { fieldset: HTMLFieldSetElement; control: HTMLElement } {
  const summary = h('p', { class: 'hint', 'aria-live': 'polite' }, describeCondition(current.when));
  const topicBoxes = INTEREST_IDS.map((topic) =>
    h('input', {
      type: 'checkbox',
      id: uid(`when-${topic}`),
      value: topic,
      checked: !!current.when?.topics?.includes(topic),
    }),
  );
  const general = h('input', { type: 'checkbox', id: uid('when-general'), checked: !!current.when?.general });
  const branch = h(
    'select',
    { class: 'control', id: uid('when-branch') },
    h('option', { value: '', selected: !current.when?.engagement }, 'No: on the regular path'),
    ENGAGEMENT_BRANCHES.map((id) =>
      h('option', { value: id, selected: current.when?.engagement === id }, `Only when: ${BRANCH_NAMES[id]}`),
    ),
  );
  const write = () => {
    const topics = topicBoxes.filter((box) => box.checked).map((box) => box.value as StepCondition['topics'] & string);
    const when: StepCondition = {
      ...(topics.length ? { topics: topics as NonNullable<StepCondition['topics']> } : {}),
      ...(general.checked ? { general: true } : {}),
      ...(branch.value ? { engagement: branch.value as EngagementBranch } : {}),
    };
    if (Object.keys(when).length === 0) delete current.when;
    else current.when = when;
    summary.textContent = describeCondition(current.when);
    onChange();
  };
  for (const input of [...topicBoxes, general, branch]) input.addEventListener('change', write);
  const fieldset = h(
    'fieldset',
    { class: 'field', 'data-field': 'when' },
    h('legend', null, 'Who gets this step'),
    summary,
    h('p', { class: 'hint' }, 'No topic ticked: every topic. Steps go out in the order of the list.'),
    topicBoxes.map((box) =>
      h(
        'div',
        { class: 'choice' },
        box,
        h('label', { for: box.id }, `Chose ${INTERESTS[box.value as keyof typeof INTERESTS]}`),
      ),
    ),
    h(
      'div',
      { class: 'choice' },
      general,
      h('label', { for: general.id }, 'Chose none of this sequence’s topics (the general path)'),
    ),
    h('label', { for: branch.id }, 'Engagement branch'),
    branch,
  );
  return { fieldset, control: topicBoxes[0]! };
}
