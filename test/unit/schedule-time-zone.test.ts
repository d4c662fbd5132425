import { nextSendTime, resolveTimeZone, ScheduleInputError } from '../../functions/schedule';

describe('resolveTimeZone', () => {
  it("uses the lead's zone when it is a known IANA zone", () => {
    // Act
    const resolved = resolveTimeZone('America/New_York', 'Europe/London');

    // Assert
    expect(resolved).toEqual({ zone: 'America/New_York', source: 'lead' });
  });

  it.each([
    ['an unknown zone', 'Mars/Olympus_Mons'],
    ['a misspelt zone', 'America/New York'],
    ['an offset instead of a zone', '+05:30'],
    ['an empty string', ''],
    ['blanks', '   '],
    ['a very long string', `Europe/${'x'.repeat(80)}`],
    ['undefined', undefined],
    ['null', null],
  ])('falls back to the practice zone for %s', (_label, leadZone) => {
    // Act
    const resolved = resolveTimeZone(leadZone, 'Europe/London');

    // Assert
    expect(resolved).toEqual({ zone: 'Europe/London', source: 'fallback' });
  });

  it("trims the lead's zone and keeps its spelling (Asia/Kolkata is not renamed Asia/Calcutta)", () => {
    // Act
    const resolved = resolveTimeZone(' Asia/Kolkata ', 'Europe/London');

    // Assert
    expect(resolved).toEqual({ zone: 'Asia/Kolkata', source: 'lead' });
  });

  it.each([
    ['with a valid lead zone', 'America/New_York'],
    ['with no lead zone', undefined],
  ])('throws for an invalid fallback zone %s, because that is a configuration error', (_label, leadZone) => {
    // Act
    const attempt = () => resolveTimeZone(leadZone, 'Practice/Nowhere');

    // Assert
    expect(attempt).toThrow(ScheduleInputError);
    expect(attempt).toThrow(/fallback time zone "Practice\/Nowhere"/);
  });

  it('schedules a lead with an unknown zone in the fallback zone', () => {
    // Arrange: 12:00Z on Monday 2026-05-04 is 17:30 in Kolkata and 13:00 in London.
    const { zone } = resolveTimeZone('Mars/Olympus_Mons', 'Asia/Kolkata');
    const window = { days: ['mon' as const, 'tue' as const], start: '09:00', end: '18:00' };

    // Act
    const sendAt = nextSendTime({ after: new Date('2026-05-04T12:00:00Z'), delay: 'PT1H', window, timeZone: zone });

    // Assert: 18:30 in Kolkata is after the window, so Tuesday 09:00 Kolkata time.
    expect(sendAt).toEqual(new Date('2026-05-05T09:00:00+05:30'));
  });

  it('refuses to schedule in an unknown zone that was not resolved first', () => {
    // Act
    const attempt = () =>
      nextSendTime({
        after: new Date('2026-05-04T12:00:00Z'),
        delay: 'PT1H',
        window: { days: ['mon'], start: '09:00', end: '18:00' },
        timeZone: 'Mars/Olympus_Mons',
      });

    // Assert
    expect(attempt).toThrow(ScheduleInputError);
    expect(attempt).toThrow(/Unknown time zone "Mars\/Olympus_Mons"/);
  });
});
