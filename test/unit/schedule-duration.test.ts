import { MAX_DELAY_DAYS, parseDuration, ScheduleInputError } from '../../functions/schedule';

describe('parseDuration', () => {
  it.each([
    ['P1W', { weeks: 1, days: 0, hours: 0, minutes: 0, seconds: 0 }],
    ['P3D', { weeks: 0, days: 3, hours: 0, minutes: 0, seconds: 0 }],
    ['PT12H', { weeks: 0, days: 0, hours: 12, minutes: 0, seconds: 0 }],
    ['PT0S', { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 }],
    ['PT90M', { weeks: 0, days: 0, hours: 0, minutes: 90, seconds: 0 }],
    ['P1W2DT3H4M5S', { weeks: 1, days: 2, hours: 3, minutes: 4, seconds: 5 }],
  ])('reads %s into its parts', (iso, expected) => {
    // Act
    const delay = parseDuration(iso);

    // Assert
    expect(delay).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['P', /no amount/],
    ['PT', /no amount/],
    ['P1DT', /no amount/],
    ['P1M', /years and months have no fixed length/],
    ['P1Y2D', /years and months have no fixed length/],
    ['PT1.5H', /whole numbers/],
    ['-P1D', /cannot be negative/],
    ['p3d', /upper case \(P3D\)/],
    [' P3D', /spaces/],
    ['3D', /starts with "P"/],
    ['P3H', /order/],
    ['PT1S2M', /order/],
    [`P${MAX_DELAY_DAYS + 1}D`, /longer than/],
    ['P99999999999999999999D', /longer than/],
  ])('rejects %j with an error that says why', (iso, reason) => {
    // Act
    const attempt = () => parseDuration(iso);

    // Assert
    expect(attempt).toThrow(ScheduleInputError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(`Invalid delay "${iso}"`);
  });

  it('marks its errors as delay errors', () => {
    // Arrange
    let caught: unknown;

    // Act
    try {
      parseDuration('P1M');
    } catch (error) {
      caught = error;
    }

    // Assert
    expect(caught).toBeInstanceOf(ScheduleInputError);
    expect((caught as ScheduleInputError).field).toBe('delay');
  });

  it('rejects a value that is not a string', () => {
    // Act
    const attempt = () => parseDuration(3 as unknown as string);

    // Assert
    expect(attempt).toThrow(/expected a string, got number/);
  });
});
