import { type CounterRow, sequenceResults } from '../../functions/admin/results';
import type { StepCounter } from '../../functions/drip/ports';
import { handleSesEvent, type SesEventDeps, sesEventSchema } from '../../functions/drip/ses-event';
import { INTEREST_IDS } from '../../functions/lead/interests';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { BEFORE_PATHS, GENERAL_PATH, pathKey } from '../../functions/sequence/paths';

/** Results name who each step goes to, so a branch step's figures read as that branch's, a topic step's as its path's. */

const sequence = bundledEmails().sequences['exosome-aftercare']!;
const row = (stepId: string, sent: number): CounterRow => ({
  stepId,
  variant: 'a',
  counts: { sent } as Record<StepCounter, number>,
});

describe('results per path and branch', () => {
  it('carries each step’s condition from the published version with its figures', async () => {
    const results = await sequenceResults(
      { sequenceId: sequence.id, from: '2026-03-01', to: '2026-03-31' },
      {
        stats: { between: async () => [row('welcome', 10), row('hair-restoration', 4), row('booking-nudge', 2)] },
        versionsOf: async () => [sequence],
      },
    );
    const byStep = Object.fromEntries(results.steps.map((step) => [step.stepId, step]));
    expect(byStep.welcome).toMatchObject({ sent: 10 });
    expect(byStep.welcome!.when).toBeUndefined();
    expect(byStep['hair-restoration']).toMatchObject({ sent: 4, when: { topics: ['hair-restoration'] } });
    expect(byStep['booking-nudge']).toMatchObject({ sent: 2, when: { engagement: 'booking-click' } });
  });
});

describe('path key', () => {
  const steps = [
    { id: 'welcome', enabled: true },
    { id: 'fraxel', enabled: true, when: { topics: ['fraxel-aftercare' as const] } },
    { id: 'why-pbme', enabled: true, when: { topics: ['hair-restoration' as const], general: true } },
  ];

  it('is the sorted set of the sequence’s topics the lead chose, or general', () => {
    expect(pathKey(steps, ['hair-restoration', 'fraxel-aftercare', 'hair-restoration'])).toBe(
      'fraxel-aftercare_hair-restoration',
    );
    expect(pathKey(steps, ['fraxel-aftercare'])).toBe('fraxel-aftercare');
    // A topic no step names does not make a path of its own.
    expect(pathKey(steps, ['small-joint-injections', 'hair-restoration'])).toBe('hair-restoration');
    expect(pathKey(steps, ['small-joint-injections'])).toBe(GENERAL_PATH);
    expect(pathKey(steps, [])).toBe(GENERAL_PATH);
  });

  it('fits an SES tag value whatever the topics, and no topic id can be confused with the separator or general', () => {
    const all = pathKey(
      INTEREST_IDS.map((topic) => ({ id: topic, enabled: true, when: { topics: [topic] } })),
      [...INTEREST_IDS],
    );
    expect(all).toMatch(/^[a-z0-9_-]{1,200}$/);
    for (const topic of INTEREST_IDS) {
      expect(topic).not.toContain('_');
      expect(topic).not.toBe(GENERAL_PATH);
      expect(topic).not.toBe(BEFORE_PATHS);
    }
  });
});

describe('results split by path', () => {
  const pathRow = (stepId: string, path: string | undefined, sent: number, opened: number): CounterRow => ({
    stepId,
    variant: 'a',
    ...(path ? { path } : {}),
    counts: { sent, opened } as Record<StepCounter, number>,
  });

  it('gives each step variant one row per path that adds up to its totals, old pathless rows apart', async () => {
    const results = await sequenceResults(
      { sequenceId: sequence.id, from: '2026-03-01', to: '2026-03-31' },
      {
        stats: {
          between: async () => [
            pathRow('why-pbme', 'hair-restoration', 3, 2),
            pathRow('why-pbme', GENERAL_PATH, 5, 1),
            pathRow('why-pbme', undefined, 2, 2),
            // The same path on another day adds to its row.
            pathRow('why-pbme', 'hair-restoration', 4, 1),
          ],
        },
        versionsOf: async () => [sequence],
      },
    );
    const [step] = results.steps;
    expect(step).toMatchObject({ stepId: 'why-pbme', sent: 14, opened: 6 });
    expect(step!.paths.map(({ path, sent, opened }) => ({ path, sent, opened }))).toEqual([
      { path: 'hair-restoration', sent: 7, opened: 3 },
      { path: GENERAL_PATH, sent: 5, opened: 1 },
      { path: BEFORE_PATHS, sent: 2, opened: 2 },
    ]);
  });
});

describe('an SES event’s path tag', () => {
  const counted = async (path: string | undefined) => {
    const counts: unknown[] = [];
    const deps = {
      ids: { currentLeadId: async (leadId: string) => leadId, leadIdFor: async () => undefined },
      clock: { now: () => new Date('2026-03-02T12:00:00Z') },
      sendRecords: {
        recordEmailEvent: async (...args: unknown[]) => {
          counts.push(args[5]);
          return true;
        },
      },
    } as unknown as SesEventDeps;
    const tags = { kind: ['step'], lead: ['lead-1'], sequence: [sequence.id], step: ['why-pbme'], variant: ['a'] };
    const event = sesEventSchema.parse({
      eventType: 'Delivery',
      mail: { messageId: 'm-1', tags: path === undefined ? tags : { ...tags, path: [path] } },
      delivery: { timestamp: '2026-03-02T12:00:00Z' },
    });
    expect(await handleSesEvent(event, deps)).toBe('counted');
    return counts;
  };

  it('counts the event on its path’s row, and a tag from before paths (or not a path key) in the totals only', async () => {
    const base = { variant: 'a', day: '2026-03-02', counter: 'delivered' };
    expect(await counted('hair-restoration')).toEqual([{ ...base, path: 'hair-restoration' }]);
    expect(await counted(undefined)).toEqual([base]);
    expect(await counted('x#PATH#y')).toEqual([base]);
  });
});
