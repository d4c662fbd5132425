import { addDelay, isInSendWindow, nextSendTime, ScheduleInputError } from '../../functions/schedule';
import { type SendWindow, WEEKDAYS, type Weekday } from '../../functions/sequence/definition';

// Expected instants are written with the offset the zone has at that moment, worked out by hand from the
// 2026 rules, so the tests do not reuse the code under test to compute what they expect.

const MON_FRI: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const OFFICE: SendWindow = { days: MON_FRI, start: '09:00', end: '18:00' };
const DAYTIME_EVERY_DAY: SendWindow = { days: [...WEEKDAYS], start: '08:00', end: '20:00' };
const HOUR = 3_600_000;

function sendTime(after: string, delay: string, window: SendWindow, timeZone: string): Date {
  return nextSendTime({ after: new Date(after), delay, window, timeZone });
}

describe('nextSendTime', () => {
  describe('moving into the send window', () => {
    it('returns `after` unchanged when the delay is PT0S and it is inside the window', () => {
      // Arrange: Wednesday 10:17:23.456 in New York.
      const after = new Date('2026-06-03T10:17:23.456-04:00');

      // Act
      const sendAt = nextSendTime({ after, delay: 'PT0S', window: OFFICE, timeZone: 'America/New_York' });

      // Assert
      expect(sendAt.getTime()).toBe(after.getTime());
    });

    it('keeps a due time that falls inside the window', () => {
      // Act: Wednesday 08:00 + 3h = 11:00.
      const sendAt = sendTime('2026-06-03T08:00:00-04:00', 'PT3H', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-03T11:00:00-04:00'));
    });

    it('moves a due time before the window to the window start the same day', () => {
      // Act
      const sendAt = sendTime('2026-06-03T07:30:00-04:00', 'PT0S', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-03T09:00:00-04:00'));
    });

    it('keeps a due time exactly at the window start', () => {
      // Act
      const sendAt = sendTime('2026-06-03T09:00:00-04:00', 'PT0S', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-03T09:00:00-04:00'));
    });

    it('treats the window end as closed: a due time at exactly 18:00 waits for the next open day', () => {
      // Act
      const sendAt = sendTime('2026-06-03T18:00:00-04:00', 'PT0S', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-04T09:00:00-04:00'));
    });

    it('moves to the next open day at 09:00 when the window closes before the delay ends (19:30)', () => {
      // Arrange: Tuesday 17:00 + 2h30 = 19:30, after the 09:00-18:00 window.
      // Act
      const sendAt = sendTime('2026-06-02T17:00:00-04:00', 'PT2H30M', OFFICE, 'America/New_York');

      // Assert: Wednesday 09:00.
      expect(sendAt).toEqual(new Date('2026-06-03T09:00:00-04:00'));
    });

    it('moves a Friday-evening due time to Monday at the window start', () => {
      // Act: Friday 17:00 + 2h30 = 19:30.
      const sendAt = sendTime('2026-06-05T17:00:00-04:00', 'PT2H30M', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-08T09:00:00-04:00'));
    });

    it('moves a Saturday due time to Monday with a Monday-to-Friday window', () => {
      // Act: Saturday 11:00, inside the hours but on a closed day.
      const sendAt = sendTime('2026-06-06T11:00:00-04:00', 'PT0S', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-08T09:00:00-04:00'));
    });

    it('waits almost a week when the only open day has just passed', () => {
      // Arrange
      const wednesdays: SendWindow = { days: ['wed'], start: '10:00', end: '12:00' };

      // Act: Thursday 2026-06-04.
      const sendAt = sendTime('2026-06-04T10:30:00-04:00', 'PT0S', wednesdays, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-10T10:00:00-04:00'));
    });

    it("uses the recipient's local weekday, not the UTC one", () => {
      // Arrange: Friday 14:45Z is already Saturday 00:15 in Adelaide (UTC+09:30 in May).
      // Act
      const sendAt = sendTime('2026-05-08T14:45:00Z', 'PT0S', OFFICE, 'Australia/Adelaide');

      // Assert: Monday 09:00 in Adelaide.
      expect(sendAt).toEqual(new Date('2026-05-11T09:00:00+09:30'));
    });

    it('gives the same result whatever the time zone of the process', () => {
      // Arrange
      const original = process.env.TZ;
      process.env.TZ = 'Pacific/Chatham';

      // Act
      let sendAt: Date;
      try {
        sendAt = sendTime('2026-06-05T17:00:00-04:00', 'PT2H30M', OFFICE, 'America/New_York');
      } finally {
        if (original === undefined) delete process.env.TZ;
        else process.env.TZ = original;
      }

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-08T09:00:00-04:00'));
    });
  });

  describe('delays', () => {
    it('adds calendar days: P1W is seven days later at the same local time', () => {
      // Act
      const sendAt = sendTime('2026-06-03T10:00:00-04:00', 'P1W', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-10T10:00:00-04:00'));
    });

    it('adds the days first and then the hours', () => {
      // Act: Wednesday 10:00 + 1 day + 2 hours.
      const sendAt = sendTime('2026-06-03T10:00:00-04:00', 'P1DT2H', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-06-04T12:00:00-04:00'));
    });
  });

  describe('America/New_York, spring forward on 2026-03-08 (02:00 EST becomes 03:00 EDT)', () => {
    it('P1D keeps the local time across the change, which is 23 hours', () => {
      // Arrange
      const after = new Date('2026-03-07T10:00:00-05:00');

      // Act
      const sendAt = nextSendTime({ after, delay: 'P1D', window: DAYTIME_EVERY_DAY, timeZone: 'America/New_York' });

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-08T10:00:00-04:00'));
      expect(sendAt.getTime() - after.getTime()).toBe(23 * HOUR);
    });

    it('PT24H is 24 elapsed hours, so the local time moves one hour later', () => {
      // Act
      const sendAt = sendTime('2026-03-07T10:00:00-05:00', 'PT24H', DAYTIME_EVERY_DAY, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-08T11:00:00-04:00'));
    });

    it('uses 03:00 EDT when the window start 02:00 does not exist that day', () => {
      // Arrange
      const nightWindow: SendWindow = { days: [...WEEKDAYS], start: '02:00', end: '04:00' };

      // Act: Saturday 21:00 is after the window; Sunday's 02:00 is skipped.
      const sendAt = sendTime('2026-03-07T20:00:00-05:00', 'PT1H', nightWindow, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-08T03:00:00-04:00'));
    });

    it('uses the first valid instant after a skipped 02:30 start (03:00, not 03:30)', () => {
      // Arrange
      const nightWindow: SendWindow = { days: ['sun'], start: '02:30', end: '03:30' };

      // Act
      const sendAt = sendTime('2026-03-08T00:00:00-05:00', 'PT0S', nightWindow, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-08T03:00:00-04:00'));
    });

    it('moves to the next open day when the whole window is skipped', () => {
      // Arrange: 02:00-02:45 does not exist on 2026-03-08.
      const skippedWindow: SendWindow = { days: [...WEEKDAYS], start: '02:00', end: '02:45' };

      // Act
      const sendAt = sendTime('2026-03-08T00:00:00-05:00', 'PT0S', skippedWindow, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-09T02:00:00-04:00'));
    });

    it('uses the first valid instant when the delay ends on a skipped local time', () => {
      // Arrange
      const allDay: SendWindow = { days: [...WEEKDAYS], start: '00:00', end: '23:59' };

      // Act: 02:30 + P1D = 02:30 on 2026-03-08, which does not exist.
      const sendAt = sendTime('2026-03-07T02:30:00-05:00', 'P1D', allDay, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-08T03:00:00-04:00'));
    });

    it('PT72H from Friday 17:00 EST ends at Monday 18:00 EDT, after the window, so Tuesday 09:00', () => {
      // Act
      const sendAt = sendTime('2026-03-06T17:00:00-05:00', 'PT72H', OFFICE, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-10T09:00:00-04:00'));
    });
  });

  describe('America/New_York, fall back on 2026-11-01 (02:00 EDT becomes 01:00 EST)', () => {
    it('P1D keeps the local time across the change, which is 25 hours', () => {
      // Arrange
      const after = new Date('2026-10-31T10:00:00-04:00');

      // Act
      const sendAt = nextSendTime({ after, delay: 'P1D', window: DAYTIME_EVERY_DAY, timeZone: 'America/New_York' });

      // Assert
      expect(sendAt).toEqual(new Date('2026-11-01T10:00:00-05:00'));
      expect(sendAt.getTime() - after.getTime()).toBe(25 * HOUR);
    });

    it('picks the earlier offset when the window start happens twice', () => {
      // Arrange
      const nightWindow: SendWindow = { days: [...WEEKDAYS], start: '01:30', end: '05:00' };

      // Act
      const sendAt = sendTime('2026-10-31T22:00:00-04:00', 'PT0S', nightWindow, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-11-01T01:30:00-04:00'));
    });

    it('picks the later occurrence of a repeated window start when the earlier one is before the due time', () => {
      // Arrange: 01:10 EST is after 01:20 EDT, but before 01:20 EST.
      const nightWindow: SendWindow = { days: ['sun'], start: '01:20', end: '05:00' };

      // Act
      const sendAt = sendTime('2026-11-01T01:10:00-05:00', 'PT0S', nightWindow, 'America/New_York');

      // Assert
      expect(sendAt).toEqual(new Date('2026-11-01T01:20:00-05:00'));
    });

    it('keeps a due time in the repeated hour that is inside the window', () => {
      // Act
      const sendAt = sendTime(
        '2026-11-01T01:45:00-05:00',
        'PT0S',
        { days: ['sun'], start: '01:00', end: '03:00' },
        'America/New_York',
      );

      // Assert
      expect(sendAt).toEqual(new Date('2026-11-01T01:45:00-05:00'));
    });

    it('sends when the repeated hour brings the local clock back inside the window', () => {
      // Arrange: 01:45 EDT is after a 00:30-01:30 window, but at 02:00 EDT the clocks read 01:00 EST again.
      const window: SendWindow = { days: ['sun'], start: '00:30', end: '01:30' };

      // Act
      const sendAt = sendTime('2026-11-01T01:45:00-04:00', 'PT0S', window, 'America/New_York');

      // Assert: the earliest instant whose local time is inside the window.
      expect(sendAt).toEqual(new Date('2026-11-01T01:00:00-05:00'));
    });

    it('picks the earlier offset when the delay ends on a repeated local time', () => {
      // Act: 01:30 EDT + P1D = 01:30 on 2026-11-01, which happens twice.
      const sendAt = sendTime(
        '2026-10-31T01:30:00-04:00',
        'P1D',
        { days: [...WEEKDAYS], start: '00:00', end: '23:59' },
        'America/New_York',
      );

      // Assert
      expect(sendAt).toEqual(new Date('2026-11-01T01:30:00-04:00'));
    });
  });

  describe('Europe/London, summer time from 2026-03-29 to 2026-10-25', () => {
    it('P1D keeps the local time when summer time starts', () => {
      // Act: Saturday 09:00 GMT + P1D.
      const sendAt = sendTime('2026-03-28T09:00:00Z', 'P1D', DAYTIME_EVERY_DAY, 'Europe/London');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-29T09:00:00+01:00'));
    });

    it('uses 02:00 BST when the window start 01:00 is skipped', () => {
      // Arrange
      const nightWindow: SendWindow = { days: [...WEEKDAYS], start: '01:00', end: '03:00' };

      // Act
      const sendAt = sendTime('2026-03-28T22:00:00Z', 'PT0S', nightWindow, 'Europe/London');

      // Assert
      expect(sendAt).toEqual(new Date('2026-03-29T02:00:00+01:00'));
    });

    it('P1D keeps the local time when summer time ends', () => {
      // Act
      const sendAt = sendTime('2026-10-24T09:30:00+01:00', 'P1D', DAYTIME_EVERY_DAY, 'Europe/London');

      // Assert
      expect(sendAt).toEqual(new Date('2026-10-25T09:30:00Z'));
    });

    it('moves a Saturday-evening due time to Monday 09:00 GMT across the change', () => {
      // Act: Saturday 17:00 BST + 2h30 = 19:30 BST, then Sunday is closed.
      const sendAt = sendTime('2026-10-24T17:00:00+01:00', 'PT2H30M', OFFICE, 'Europe/London');

      // Assert
      expect(sendAt).toEqual(new Date('2026-10-26T09:00:00Z'));
    });
  });

  describe('half-hour zones', () => {
    it('Asia/Kolkata: keeps a due time inside the window (09:30 IST)', () => {
      // Act
      const sendAt = sendTime('2026-05-04T04:00:00Z', 'PT0S', OFFICE, 'Asia/Kolkata');

      // Assert
      expect(sendAt).toEqual(new Date('2026-05-04T09:30:00+05:30'));
    });

    it('Asia/Kolkata: moves 07:30 IST to 09:00 IST, which is 03:30 UTC', () => {
      // Act
      const sendAt = sendTime('2026-05-04T02:00:00Z', 'PT0S', OFFICE, 'Asia/Kolkata');

      // Assert
      expect(sendAt).toEqual(new Date('2026-05-04T03:30:00Z'));
    });

    it('Asia/Kolkata: moves 18:30 IST to 09:00 IST the next day', () => {
      // Act: Monday 12:00Z = 17:30 IST, + 1h = 18:30 IST.
      const sendAt = sendTime('2026-05-04T12:00:00Z', 'PT1H', OFFICE, 'Asia/Kolkata');

      // Assert
      expect(sendAt).toEqual(new Date('2026-05-05T09:00:00+05:30'));
    });

    it('Australia/Adelaide: P1D keeps the local time when daylight time ends (+10:30 to +09:30, 2026-04-05)', () => {
      // Arrange
      const after = new Date('2026-04-04T10:00:00+10:30');

      // Act
      const sendAt = nextSendTime({ after, delay: 'P1D', window: DAYTIME_EVERY_DAY, timeZone: 'Australia/Adelaide' });

      // Assert
      expect(sendAt).toEqual(new Date('2026-04-05T10:00:00+09:30'));
      expect(sendAt.getTime() - after.getTime()).toBe(25 * HOUR);
    });

    it('Australia/Adelaide: uses 03:00 ACDT when the window start 02:00 is skipped (2026-10-04)', () => {
      // Arrange
      const nightWindow: SendWindow = { days: [...WEEKDAYS], start: '02:00', end: '04:00' };

      // Act
      const sendAt = sendTime('2026-10-03T20:00:00+09:30', 'PT0S', nightWindow, 'Australia/Adelaide');

      // Assert
      expect(sendAt).toEqual(new Date('2026-10-04T03:00:00+10:30'));
    });

    it('Australia/Adelaide: sends at 09:00 ACDT on the Monday after daylight time starts', () => {
      // Act: Friday 18:00 ACST is after the window.
      const sendAt = sendTime('2026-10-02T18:00:00+09:30', 'PT0S', OFFICE, 'Australia/Adelaide');

      // Assert
      expect(sendAt).toEqual(new Date('2026-10-05T09:00:00+10:30'));
    });
  });

  describe('bad input', () => {
    it.each([
      ['a start after the end', { days: MON_FRI, start: '18:00', end: '09:00' }, /start must be before end/],
      ['no open day', { days: [], start: '09:00', end: '18:00' }, /open at least one day/],
      ['a time that is not HH:MM', { days: MON_FRI, start: '9am', end: '18:00' }, /24-hour HH:MM/],
    ])('rejects a window with %s', (_label, window, reason) => {
      // Act
      const attempt = () => sendTime('2026-06-03T10:00:00Z', 'PT0S', window as SendWindow, 'UTC');

      // Assert
      expect(attempt).toThrow(ScheduleInputError);
      expect(attempt).toThrow(reason);
    });

    it('rejects an invalid date', () => {
      // Act
      const attempt = () => sendTime('not a date', 'PT0S', OFFICE, 'UTC');

      // Assert
      expect(attempt).toThrow(/"after" must be a valid Date/);
    });

    it('rejects a malformed delay', () => {
      // Act
      const attempt = () => sendTime('2026-06-03T10:00:00Z', 'P1M', OFFICE, 'UTC');

      // Assert
      expect(attempt).toThrow(/Invalid delay "P1M"/);
    });
  });
});

describe('addDelay', () => {
  it('adds calendar days in the given zone, without a send window', () => {
    // Act: Saturday 10:00 EST + P1D in New York = Sunday 10:00 EDT, a closed day in most windows.
    const due = addDelay(new Date('2026-03-07T10:00:00-05:00'), 'P1D', 'America/New_York');

    // Assert
    expect(due).toEqual(new Date('2026-03-08T10:00:00-04:00'));
  });

  it('gives a different instant for the same delay in another zone across its change', () => {
    // Act: the same instant + P1D in London, which has no change that weekend.
    const due = addDelay(new Date('2026-03-07T15:00:00Z'), 'P1D', 'Europe/London');

    // Assert
    expect(due).toEqual(new Date('2026-03-08T15:00:00Z'));
  });
});

describe('isInSendWindow', () => {
  it.each([
    ['at the start', '2026-06-03T09:00:00-04:00', true],
    ['one millisecond before the end', '2026-06-03T17:59:59.999-04:00', true],
    ['at the end', '2026-06-03T18:00:00-04:00', false],
    ['before the start', '2026-06-03T08:59:59.999-04:00', false],
    ['on a closed day', '2026-06-06T12:00:00-04:00', false],
  ])('answers %s: %s -> %s', (_label, instant, expected) => {
    // Act
    const inside = isInSendWindow(new Date(instant), OFFICE, 'America/New_York');

    // Assert
    expect(inside).toBe(expected);
  });
});
