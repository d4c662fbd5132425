import { sequenceDefinitionSchema } from '../../functions/sequence/definition';
import {
  nextStepOnPath,
  pathContext,
  pathFor,
  pathProblems,
  type StepCondition,
  topicCombinations,
} from '../../functions/sequence/paths';

const step = (id: string, when?: StepCondition, enabled = true) => ({ id, enabled, ...(when ? { when } : {}) });

const steps = [
  step('welcome'),
  step('laser', { topics: ['fraxel-aftercare', 'rf-microneedling-aftercare'] }),
  step('hair', { topics: ['hair-restoration'] }),
  step('routine', { topics: ['fraxel-aftercare'], general: true }),
  step('joints', { topics: ['small-joint-injections'] }),
  step('surgeon'),
];
const ids = (list: { id: string }[]) => list.map((entry) => entry.id);

describe('paths by interest', () => {
  it('gives a hair-restoration-only lead none of the laser steps', () => {
    expect(ids(pathFor(steps, ['hair-restoration']))).toEqual(['welcome', 'hair', 'surgeon']);
  });

  it('gives a lead with several topics each fitting step once, in the sequence order', () => {
    expect(ids(pathFor(steps, ['small-joint-injections', 'fraxel-aftercare', 'rf-microneedling-aftercare']))).toEqual([
      'welcome',
      'laser',
      'routine',
      'joints',
      'surgeon',
    ]);
  });

  it('puts a lead with none of the named topics on the general path', () => {
    expect(ids(pathFor(steps, ['skin-regeneration']))).toEqual(['welcome', 'routine', 'surgeon']);
    expect(ids(pathFor(steps, []))).toEqual(['welcome', 'routine', 'surgeon']);
  });

  it('keeps a lead with a named topic off the general-only steps', () => {
    expect(
      ids(
        pathFor(
          [step('a'), step('general-only', { general: true }), step('z', { topics: ['hair-restoration'] })],
          ['hair-restoration', 'skin-regeneration'],
        ),
      ),
    ).toEqual(['a', 'z']);
  });

  it('finds the next step on the path, skipping received and disabled steps', () => {
    const withDisabled = [
      ...steps.slice(0, 4),
      step('joints', { topics: ['small-joint-injections'] }, false),
      steps[5]!,
    ];
    const context = pathContext(withDisabled, ['small-joint-injections', 'hair-restoration']);
    expect(nextStepOnPath(withDisabled, -1, context)).toBe(0);
    expect(nextStepOnPath(withDisabled, 0, context)).toBe(2);
    expect(nextStepOnPath(withDisabled, 0, context, new Set(['hair']))).toBe(5);
    expect(nextStepOnPath(withDisabled, 5, context)).toBe(-1);
  });

  it('treats steps without a condition (versions from before paths) as one linear path', () => {
    const linear = [step('a'), step('b'), step('c')];
    for (const topics of topicCombinations()) expect(ids(pathFor(linear, topics))).toEqual(['a', 'b', 'c']);
  });
});

describe('engagement branches', () => {
  const branched = [
    ...steps,
    step('book-now', { engagement: 'booking-click' }),
    step('keep-writing', { engagement: 'inactive' }),
    step('hair-book-now', { engagement: 'booking-click', topics: ['hair-restoration'] }),
  ];

  it('keeps branch steps off the regular path', () => {
    expect(ids(pathFor(branched, ['hair-restoration']))).toEqual(['welcome', 'hair', 'surgeon']);
  });

  it('adds a branch step only while its branch fires, and a topic-limited one only for that topic', () => {
    const clicked = pathContext(branched, ['fraxel-aftercare'], new Set(['booking-click'] as const));
    expect(nextStepOnPath(branched, 5, clicked)).toBe(6);
    expect(nextStepOnPath(branched, 6, clicked)).toBe(-1);
    const hairClicked = pathContext(branched, ['hair-restoration'], new Set(['booking-click'] as const));
    expect(nextStepOnPath(branched, 6, hairClicked)).toBe(8);
    const inactive = pathContext(branched, ['fraxel-aftercare'], new Set(['inactive'] as const));
    expect(nextStepOnPath(branched, 5, inactive)).toBe(7);
  });

  it('names a branch step that can never fire, and the setting it needs', () => {
    expect(pathProblems(branched, { inactiveAfter: 3 })).toEqual([
      {
        path: ['steps', 6, 'when', 'engagement'],
        message:
          'step "book-now" is on no lead\'s path: the "booking-click" branch needs `engagement.bookingClickWait` in the sequence',
      },
      {
        path: ['steps', 8, 'when', 'engagement'],
        message:
          'step "hair-book-now" is on no lead\'s path: the "booking-click" branch needs `engagement.bookingClickWait` in the sequence',
      },
    ]);
    expect(pathProblems(branched, { inactiveAfter: 3, bookingClickWait: 'PT48H' })).toEqual([]);
  });
});

describe('path validation', () => {
  it('covers every topic combination, from none to all', () => {
    const combinations = topicCombinations();
    expect(combinations).toHaveLength(32);
    expect(combinations[0]).toEqual([]);
    expect(combinations.at(-1)).toHaveLength(5);
  });

  it('accepts a sequence where every lead has a path', () => {
    expect(pathProblems(steps)).toEqual([]);
  });

  it('names the topic combinations that would get no email', () => {
    const problems = pathProblems([
      step('laser', { topics: ['fraxel-aftercare'] }),
      step('hair', { topics: ['hair-restoration'] }),
    ]);
    expect(problems).toEqual([
      {
        path: ['steps'],
        message: expect.stringMatching(/^a lead with no topic would get no email \(and \d+ other topic combinations\)/),
      },
    ]);
  });

  it('reports neither a disabled step nor a general step that only leads without topics reach', () => {
    // Every topic is named, so the general path only holds leads with no topic at all; a disabled
    // step is off every path on purpose and is not reported.
    const all = [
      step('everyone'),
      step('named', {
        topics: [
          'fraxel-aftercare',
          'rf-microneedling-aftercare',
          'hair-restoration',
          'small-joint-injections',
          'skin-regeneration',
        ],
      }),
      step('off', { topics: ['hair-restoration'] }, false),
    ];
    expect(pathProblems(all)).toEqual([]);
  });

  it('refuses conditions that say nothing or name an unknown topic, naming the step and field', () => {
    const base = {
      id: 's',
      name: 'S',
      sendWindow: { days: ['mon'], start: '09:00', end: '17:00' },
      steps: [
        {
          id: 'a',
          delay: 'PT0S',
          template: 'a',
          subject: 'Hello',
          preheader: 'p',
          sources: ['a quote of ten+'],
          when: {},
        },
        {
          id: 'b',
          delay: 'P1D',
          template: 'b',
          subject: 'Hi',
          preheader: 'p',
          sources: ['a quote of ten+'],
          when: { topics: ['knees'] },
        },
      ],
    };
    const result = sequenceDefinitionSchema.safeParse(base);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toEqual([
      ['steps.0.when', 'a condition needs `topics`, `general: true`, `engagement`, or a combination'],
      ['steps.1.when.topics.0', expect.stringContaining('use one of: fraxel-aftercare')],
    ]);
  });
});
