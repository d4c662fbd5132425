import { type CounterRow, sequenceResults } from '../../functions/admin/results';
import type { StepCounter } from '../../functions/drip/ports';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';

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
