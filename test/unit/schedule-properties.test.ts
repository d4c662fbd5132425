import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addDelay,
  isInSendWindow,
  type JourneyStep,
  nextSendTime,
  parseDuration,
  planJourney,
} from '../../functions/schedule';
import { ISO_DURATION, type SendWindow, WEEKDAYS } from '../../functions/sequence/definition';

// Property tests. The oracle reads local clocks with luxon (Intl), independently of the module's own
// conversion from local time to instants.

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Zones with interesting rules, and moments near their changes, so that samples often cross one. */
const ZONES: { zone: string; changes: string[] }[] = [
  { zone: 'America/New_York', changes: ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'] },
  { zone: 'Europe/London', changes: ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'] },
  { zone: 'Asia/Kolkata', changes: [] },
  { zone: 'Australia/Adelaide', changes: ['2026-04-04T16:30:00Z', '2026-10-03T16:30:00Z'] },
  // Daylight saving of 30 minutes.
  { zone: 'Australia/Lord_Howe', changes: ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z'] },
  // +12:45 / +13:45, changes at 02:45 local.
  { zone: 'Pacific/Chatham', changes: ['2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z'] },
  // Changes at local midnight, so the skipped or repeated hour straddles two dates.
  { zone: 'America/Santiago', changes: ['2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z'] },
  { zone: 'America/Havana', changes: ['2026-03-08T05:00:00Z', '2026-11-01T05:00:00Z'] },
  // Skipped all of Friday 2011-12-30.
  { zone: 'Pacific/Apia', changes: ['2011-12-30T10:00:00Z'] },
  { zone: 'UTC', changes: [] },
];

const uniformInstant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2032-01-01T00:00:00Z') });

const scenario = fc.constantFrom(...ZONES).chain(({ zone, changes }) =>
  fc.record({
    zone: fc.constant(zone),
    after: (changes.length === 0
      ? uniformInstant
      : fc.oneof(
          uniformInstant,
          fc
            .tuple(fc.constantFrom(...changes), fc.integer({ min: -4 * DAY, max: 4 * DAY }))
            .map(([change, shift]) => Date.parse(change) + shift),
        )
    ).map((ms) => new Date(ms)),
  }),
);

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Windows on five-minute boundaries, often in the small hours where clocks change. */
const sendWindow: fc.Arbitrary<SendWindow> = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    bounds: fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 0, max: 287 })),
      fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })),
    ),
  })
  .filter(({ bounds: [a, b] }) => a !== b)
  .map(({ days, bounds: [a, b] }) => ({
    days,
    start: clock(Math.min(a, b) * 5),
    end: clock(Math.max(a, b) * 5),
  }));

interface Parts {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

function isoOf({ weeks, days, hours, minutes, seconds }: Parts): string {
  const date = `${weeks ? `${weeks}W` : ''}${days ? `${days}D` : ''}`;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

const small = (max: number) => fc.oneof(fc.constant(0), fc.integer({ min: 0, max }));
const delayParts: fc.Arbitrary<Parts> = fc.record({
  weeks: small(2),
  days: small(10),
  hours: small(48),
  minutes: small(120),
  seconds: small(120),
});
const delay = fc.oneof(fc.constantFrom('PT0S', 'P1D', 'P3D', 'PT12H', 'P1W', 'PT24H'), delayParts.map(isoOf));

/** The local wall clock at an instant, as comparable milliseconds, read with luxon. */
function wallClock(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

function insideByOracle(ms: number, window: SendWindow, zone: string): boolean {
  const local = DateTime.fromMillis(ms, { zone });
  const weekday = WEEKDAYS[local.weekday - 1]!;
  const time = local.toFormat('HH:mm:ss.SSS');
  return window.days.includes(weekday) && time >= `${window.start}:00.000` && time < `${window.end}:00.000`;
}

const RUNS = { numRuns: 300 };

describe('nextSendTime properties', () => {
  it('is never before after + delay, nor before after', () => {
    fc.assert(
      fc.property(scenario, delay, sendWindow, ({ zone, after }, iso, window) => {
        // Act
        const sendAt = nextSendTime({ after, delay: iso, window, timeZone: zone });

        // Assert
        expect(sendAt.getTime()).toBeGreaterThanOrEqual(addDelay(after, iso, zone).getTime());
        expect(sendAt.getTime()).toBeGreaterThanOrEqual(after.getTime());
      }),
      RUNS,
    );
  });

  it('always falls inside the window in local time', () => {
    fc.assert(
      fc.property(scenario, delay, sendWindow, ({ zone, after }, iso, window) => {
        // Act
        const sendAt = nextSendTime({ after, delay: iso, window, timeZone: zone });

        // Assert
        const time = DateTime.fromJSDate(sendAt, { zone }).toFormat('HH:mm:ss.SSS');
        expect(time >= `${window.start}:00.000`).toBe(true);
        expect(time < `${window.end}:00.000`).toBe(true);
      }),
      RUNS,
    );
  });

  it('always falls on an open day in local time', () => {
    fc.assert(
      fc.property(scenario, delay, sendWindow, ({ zone, after }, iso, window) => {
        // Act
        const sendAt = nextSendTime({ after, delay: iso, window, timeZone: zone });

        // Assert
        const weekday = WEEKDAYS[DateTime.fromJSDate(sendAt, { zone }).weekday - 1];
        expect(window.days).toContain(weekday);
      }),
      RUNS,
    );
  });

  it('is the earliest instant at or after the due time inside the window (brute-force search)', () => {
    // Window bounds are on five-minute boundaries and every offset involved is a multiple of 15 minutes, so
    // the window can only open on a five-minute boundary: checking those finds the earliest send.
    fc.assert(
      fc.property(scenario, delay, sendWindow, ({ zone, after }, iso, window) => {
        // Arrange
        const due = addDelay(after, iso, zone).getTime();

        // Act
        const sendAt = nextSendTime({ after, delay: iso, window, timeZone: zone }).getTime();

        // Assert
        let earliest = insideByOracle(due, window, zone) ? due : undefined;
        for (let t = Math.ceil(due / (5 * MINUTE)) * 5 * MINUTE; earliest === undefined; t += 5 * MINUTE) {
          if (insideByOracle(t, window, zone)) earliest = t;
          if (t > due + 15 * DAY) throw new Error('no window found');
        }
        expect(new Date(sendAt)).toEqual(new Date(earliest));
      }),
      { numRuns: 150 },
    );
  });

  it('leaves a send time alone when it is planned again with PT0S', () => {
    fc.assert(
      fc.property(scenario, delay, sendWindow, ({ zone, after }, iso, window) => {
        // Arrange
        const sendAt = nextSendTime({ after, delay: iso, window, timeZone: zone });

        // Act
        const again = nextSendTime({ after: sendAt, delay: 'PT0S', window, timeZone: zone });

        // Assert
        expect(again).toEqual(sendAt);
        expect(isInSendWindow(sendAt, window, zone)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('addDelay properties', () => {
  it('adds hours, minutes and seconds as elapsed time', () => {
    fc.assert(
      fc.property(scenario, delayParts, ({ zone, after }, parts) => {
        // Arrange
        const timeOnly = { ...parts, weeks: 0, days: 0 };

        // Act
        const due = addDelay(after, isoOf(timeOnly), zone);

        // Assert
        const elapsed = ((timeOnly.hours * 60 + timeOnly.minutes) * 60 + timeOnly.seconds) * 1000;
        expect(due.getTime() - after.getTime()).toBe(elapsed);
      }),
      RUNS,
    );
  });

  it('adds days on the local calendar: the earliest instant whose local clock reads the same time N days later', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 60 }), ({ zone, after }, days) => {
        // Arrange
        const target = wallClock(after.getTime(), zone) + days * DAY;

        // Act
        const due = addDelay(after, `P${days}D`, zone).getTime();

        // Assert: the local clock has reached the target, and had not one millisecond earlier.
        expect(wallClock(due, zone)).toBeGreaterThanOrEqual(target);
        expect(wallClock(due - 1, zone)).toBeLessThan(target);
      }),
      RUNS,
    );
  });
});

describe('planJourney properties', () => {
  it('plans each enabled step with nextSendTime from the previous planned send', () => {
    const steps = fc.array(fc.record({ id: fc.stringMatching(/^[a-z]{1,8}$/), delay, enabled: fc.boolean() }), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(scenario, steps, sendWindow, ({ zone, after }, journeySteps: JourneyStep[], window) => {
        // Act
        const plan = planJourney({ start: after, steps: journeySteps, window, timeZone: zone });

        // Assert
        const enabled = journeySteps.filter((step) => step.enabled);
        expect(plan.map((send) => send.stepId)).toEqual(enabled.map((step) => step.id));
        let previous = after;
        plan.forEach((send, index) => {
          const expected = nextSendTime({ after: previous, delay: enabled[index]!.delay, window, timeZone: zone });
          expect(send.sendAt).toEqual(expected);
          const local = DateTime.fromJSDate(send.sendAt, { zone });
          expect(DateTime.fromISO(send.localTime, { setZone: true }).toMillis()).toBe(send.sendAt.getTime());
          expect(send.localTime.slice(0, 16)).toBe(local.toFormat("yyyy-MM-dd'T'HH:mm"));
          expect(send.weekday).toBe(WEEKDAYS[local.weekday - 1]);
          previous = send.sendAt;
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('parseDuration properties', () => {
  it('reads back every delay that sequence files accept', () => {
    fc.assert(
      fc.property(delayParts, (parts) => {
        // Arrange
        const iso = isoOf(parts);

        // Act
        const parsed = parseDuration(iso);

        // Assert
        expect(iso).toMatch(ISO_DURATION);
        expect(parsed).toEqual(parts);
      }),
      RUNS,
    );
  });
});
