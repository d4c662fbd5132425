import { type JourneyStep, planJourney, ScheduleInputError } from '../../functions/schedule';
import type { SendWindow } from '../../functions/sequence/definition';

const OFFICE: SendWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' };

describe('planJourney', () => {
  it('lists every enabled step in order, each delay counting from the previous planned send', () => {
    // Arrange: starts Thursday 2026-03-05 10:00 EST; New York moves to EDT on Sunday 2026-03-08.
    const steps: JourneyStep[] = [
      { id: 'welcome', delay: 'PT0S', enabled: true },
      { id: 'day-3', delay: 'P3D', enabled: true },
      { id: 'paused', delay: 'P1W', enabled: false },
      { id: 'follow-up', delay: 'P2DT12H', enabled: true },
    ];

    // Act
    const plan = planJourney({
      start: new Date('2026-03-05T15:00:00Z'),
      steps,
      window: OFFICE,
      timeZone: 'America/New_York',
    });

    // Assert
    // day-3: Thursday + 3 days = Sunday 10:00 EDT, closed, so Monday 09:00 EDT.
    // follow-up: from Monday 09:00 (the planned send, not Sunday's due time) + 2.5 days = Wednesday 21:00,
    // after the window, so Thursday 09:00. The disabled step adds nothing.
    expect(plan).toEqual([
      {
        stepId: 'welcome',
        sendAt: new Date('2026-03-05T15:00:00Z'),
        localTime: '2026-03-05T10:00:00-05:00',
        weekday: 'thu',
      },
      {
        stepId: 'day-3',
        sendAt: new Date('2026-03-09T13:00:00Z'),
        localTime: '2026-03-09T09:00:00-04:00',
        weekday: 'mon',
      },
      {
        stepId: 'follow-up',
        sendAt: new Date('2026-03-12T13:00:00Z'),
        localTime: '2026-03-12T09:00:00-04:00',
        weekday: 'thu',
      },
    ]);
  });

  it('shows the local offset changing when summer time ends in London', () => {
    // Arrange
    const steps: JourneyStep[] = [
      { id: 'one', delay: 'P1D', enabled: true },
      { id: 'two', delay: 'P3D', enabled: true },
    ];

    // Act: from Thursday 2026-10-22 11:00 BST.
    const plan = planJourney({
      start: new Date('2026-10-22T10:00:00Z'),
      steps,
      window: OFFICE,
      timeZone: 'Europe/London',
    });

    // Assert: Friday 11:00 BST, then Monday 11:00 GMT.
    expect(plan.map(({ localTime, weekday }) => [localTime, weekday])).toEqual([
      ['2026-10-23T11:00:00+01:00', 'fri'],
      ['2026-10-26T11:00:00+00:00', 'mon'],
    ]);
  });

  it.each([
    ['Asia/Kolkata', '2026-05-04T09:00:00+05:30'],
    ['Asia/Kathmandu', '2026-05-04T09:00:00+05:45'],
    ['Pacific/Chatham', '2026-05-04T09:00:00+12:45'],
    ['America/St_Johns', '2026-05-04T09:00:00-02:30'],
  ])('writes the local time with the offset of %s', (timeZone, expected) => {
    // Arrange: Monday 04:00 local time, before the window.
    const steps: JourneyStep[] = [{ id: 'only', delay: 'PT0S', enabled: true }];

    // Act
    const [first] = planJourney({
      start: new Date(expected.replace('09:00', '04:00')),
      steps,
      window: OFFICE,
      timeZone,
    });

    // Assert
    expect(first?.localTime).toBe(expected);
    expect(first?.sendAt).toEqual(new Date(expected));
  });

  it('keeps milliseconds in the local time when the start has them', () => {
    // Act
    const plan = planJourney({
      start: new Date('2026-06-03T10:00:00.250-04:00'),
      steps: [{ id: 'now', delay: 'PT0S', enabled: true }],
      window: OFFICE,
      timeZone: 'America/New_York',
    });

    // Assert
    expect(plan[0]?.localTime).toBe('2026-06-03T10:00:00.250-04:00');
  });

  it('returns nothing when no step is enabled', () => {
    // Act
    const plan = planJourney({
      start: new Date('2026-06-03T10:00:00Z'),
      steps: [{ id: 'off', delay: 'P1D', enabled: false }],
      window: OFFICE,
      timeZone: 'UTC',
    });

    // Assert
    expect(plan).toEqual([]);
  });

  it('names the step whose delay is malformed and plans nothing', () => {
    // Arrange
    const steps: JourneyStep[] = [
      { id: 'fine', delay: 'P1D', enabled: true },
      { id: 'broken', delay: 'P1M', enabled: true },
    ];

    // Act
    const attempt = () =>
      planJourney({ start: new Date('2026-06-03T10:00:00Z'), steps, window: OFFICE, timeZone: 'UTC' });

    // Assert
    expect(attempt).toThrow(ScheduleInputError);
    expect(attempt).toThrow(/^Step "broken": Invalid delay "P1M": years and months/);
  });

  it('ignores a malformed delay on a disabled step', () => {
    // Act
    const plan = planJourney({
      start: new Date('2026-06-03T10:00:00Z'),
      steps: [{ id: 'draft', delay: 'soon', enabled: false }],
      window: OFFICE,
      timeZone: 'UTC',
    });

    // Assert
    expect(plan).toEqual([]);
  });
});
