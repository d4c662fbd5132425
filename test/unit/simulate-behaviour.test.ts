import { type SimulateDeps, simulateJourney } from '../../functions/admin/simulate';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { contentVersion } from '../../functions/sequence/compile/version';
import type { CompiledSequence, CompiledStep } from '../../functions/sequence/compiled';
import { pathFor } from '../../functions/sequence/paths';
import { ValidationError } from '../../functions/shared/errors';

/**
 * The simulator's sample behaviours: the path a sample lead takes when it opens, clicks the
 * booking link, or does nothing, with each email's local date and time.
 */

const bundled = bundledEmails().sequences['exosome-aftercare']!;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function depsFor(sequence: CompiledSequence): SimulateDeps {
  return {
    versions: {
      get: async (id, version) => (id === sequence.id && version === sequence.version ? sequence : undefined),
    },
    sequences: { getDraft: async () => undefined, getPointer: async () => undefined },
    leadEnrolments: { getLead: async () => undefined, getEnrolment: async () => undefined },
    bundledVersion: () => sequence.version,
    clock: { now: () => new Date('2026-03-02T15:00:00Z') },
    practiceTimeZone: 'America/New_York',
  };
}

const simulate = (sequence: CompiledSequence, body: Record<string, unknown>) =>
  simulateJourney(
    { sequenceId: sequence.id, version: 'published', timeZone: 'America/New_York', ...body },
    depsFor(sequence),
  );

describe('the simulator with a sample behaviour', () => {
  // Monday 2 March 2026, 10:00 in New York (EST).
  const start = '2026-03-02T15:00:00Z';

  it('sends the regular path of the topics to a lead who opens every email', async () => {
    const sends = await simulate(bundled, { start, topics: ['hair-restoration'], behaviour: 'opens' });
    expect(sends.map((send) => send.stepId)).toEqual(pathFor(bundled.steps, ['hair-restoration']).map((s) => s.id));
    expect(sends.some((send) => send.branch !== undefined || send.hotLead)).toBe(false);
    expect(sends[0]).toMatchObject({ atSignUp: true, localTime: 'Mon 2 Mar 2026, 10:00 EST' });
    // exosomes-explained three days later at the same local time.
    expect(sends[1]).toMatchObject({ stepId: 'exosomes-explained', localTime: 'Thu 5 Mar 2026, 10:00 EST' });
  });

  it('alerts staff and sends the booking nudge 48 hours after a booking click, then goes on with the path', async () => {
    const sends = await simulate(bundled, { start, topics: ['hair-restoration'], behaviour: 'booking-click' });
    const regular = pathFor(bundled.steps, ['hair-restoration']).map((s) => s.id);
    expect(sends.map((send) => send.stepId)).toEqual([regular[0], 'booking-nudge', ...regular.slice(1)]);
    const nudge = sends[1]!;
    expect(nudge).toMatchObject({ branch: 'booking-click', hotLead: true, localTime: 'Wed 4 Mar 2026, 10:00 EST' });
    expect(Date.parse(nudge.sendAt) - Date.parse(start)).toBe(48 * HOUR);
    expect(sends.filter((send) => send.hotLead)).toHaveLength(1);
    // The regular step after the branch counts its delay (P3D) from the nudge.
    expect(sends[2]).toMatchObject({ stepId: 'exosomes-explained', localTime: 'Sat 7 Mar 2026, 10:00 EST' });
  });

  it('shows the daylight-saving change in local times', async () => {
    // Sunday 8 March 2026 New York moves to EDT: the same 10:00 local is an hour earlier in UTC.
    const sends = await simulate(bundled, { start, behaviour: 'opens' });
    const edt = sends.find((send) => send.localTime.endsWith('EDT'))!;
    expect(edt.localTime).toMatch(/, 10:00 EDT$/);
    expect(new Date(edt.sendAt).getUTCHours()).toBe(14);
  });

  it('slows down, asks "shall we keep writing?" and ends as sunset for a lead who does nothing', async () => {
    const email = bundled.steps[1]!;
    const step = (id: string, when?: CompiledStep['when']): CompiledStep => ({
      ...email,
      id,
      delay: id === 'a' ? 'PT0S' : 'P1D',
      ...(when ? { when } : {}),
    });
    const content = {
      ...bundled,
      sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, start: '00:00', end: '23:59' },
      engagement: { inactiveAfter: 2, inactiveSlowdown: 'P7D' },
      steps: [step('a'), step('b'), step('c'), step('d'), step('keep-writing', { engagement: 'inactive' })],
    } as CompiledSequence;
    const { version: _, ...rest } = content;
    const quiet: CompiledSequence = { ...rest, version: contentVersion(rest) };

    const nothing = await simulate(quiet, { start, behaviour: 'nothing' });
    expect(nothing.map((send) => send.stepId)).toEqual(['a', 'b', 'c', 'keep-writing']);
    const gaps = nothing
      .slice(1)
      .map((send, index) => (Date.parse(send.sendAt) - Date.parse(nothing[index]!.sendAt)) / DAY);
    expect(gaps).toEqual([1, 1, 8]);
    expect(nothing.at(-1)).toMatchObject({ branch: 'inactive' });
    // The slower cadence is elapsed time (7 × 24 h), so it crosses the DST change at 11:00 EDT.
    expect(nothing.at(-1)!.localTime).toBe('Thu 12 Mar 2026, 11:00 EDT');
    // The next turn, a day and the slowdown after the question, ends the enrolment.
    expect(nothing.at(-1)!.sunset).toEqual({
      sendAt: '2026-03-20T15:00:00.000Z',
      localTime: 'Fri 20 Mar 2026, 11:00 EDT',
    });
    expect(nothing.slice(0, -1).every((send) => send.sunset === undefined)).toBe(true);

    const opens = await simulate(quiet, { start, behaviour: 'opens' });
    expect(opens.map((send) => send.stepId)).toEqual(['a', 'b', 'c', 'd']);
    expect(opens.some((send) => send.sunset)).toBe(false);
  });

  it('refuses a behaviour for a real lead, naming the field', async () => {
    await expect(simulate(bundled, { leadId: 'x', behaviour: 'opens' })).rejects.toThrow(ValidationError);
    await expect(simulate(bundled, { leadId: 'x', behaviour: 'opens' })).rejects.toMatchObject({
      fields: [{ field: 'behaviour' }],
    });
  });
});
