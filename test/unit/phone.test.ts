import { normalisePhone } from '../../functions/lead/phone';

describe('phone numbers', () => {
  it.each([
    ['(813) 555-0142', '+18135550142'],
    ['813.555.0142', '+18135550142'],
    ['1 813 555 0142', '+18135550142'],
    ['+1 813 555 0142', '+18135550142'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalisePhone(input)).toEqual({ ok: true, e164: expected });
  });

  it.each(['555-0142', '(013) 555-0142', '+0 123 456 789', 'call me', '+1234567', `+${'1'.repeat(16)}`])(
    'refuses %s with a reason',
    (input) => {
      const result = normalisePhone(input);
      expect(result.ok).toBe(false);
    },
  );
});
