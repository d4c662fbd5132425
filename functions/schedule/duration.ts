import { ISO_DURATION } from '../sequence/definition';
import { ScheduleInputError } from './errors';

/**
 * A step delay, split into its ISO-8601 parts (whole numbers, never negative).
 * Weeks and days are calendar units: they move the local date and keep the local wall time.
 * Hours, minutes and seconds are elapsed time.
 */
export interface Delay {
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Longest delay accepted (about ten years); longer values are almost certainly typos. */
export const MAX_DELAY_DAYS = 3660;

const EXAMPLES = 'use an ISO-8601 duration such as P3D, PT12H, P1W, P1DT6H or PT0S';

/**
 * Parses a step delay such as `P3D`, `PT12H`, `P1W`, `P2DT30M` or `PT0S`: the same grammar as the
 * `delay` field of sequence files (weeks, days, hours, minutes, seconds; whole numbers; in that order).
 *
 * @throws ScheduleInputError (field `delay`) naming what is wrong, e.g. months, fractions, negative values.
 */
export function parseDuration(iso: string): Delay {
  if (typeof iso !== 'string') {
    throw new ScheduleInputError('delay', `Invalid delay: expected a string, got ${typeof iso}; ${EXAMPLES}`);
  }
  const match = ISO_DURATION.exec(iso);
  if (!match) throw new ScheduleInputError('delay', `Invalid delay "${iso}": ${explain(iso)}`);

  const amount = (part: string | undefined) => (part === undefined ? 0 : Number.parseInt(part, 10));
  const delay: Delay = {
    weeks: amount(match[1]),
    days: amount(match[2]),
    hours: amount(match[4]),
    minutes: amount(match[5]),
    seconds: amount(match[6]),
  };
  if (calendarDays(delay) + elapsedMs(delay) / 86_400_000 > MAX_DELAY_DAYS) {
    throw new ScheduleInputError('delay', `Invalid delay "${iso}": it is longer than ${MAX_DELAY_DAYS} days`);
  }
  return delay;
}

/** Number of calendar days (weeks included) in a delay. */
export function calendarDays(delay: Delay): number {
  return delay.weeks * 7 + delay.days;
}

/** Elapsed-time part of a delay (hours, minutes and seconds) in milliseconds. */
export function elapsedMs(delay: Delay): number {
  return ((delay.hours * 60 + delay.minutes) * 60 + delay.seconds) * 1000;
}

function explain(iso: string): string {
  if (iso.trim() === '') return `it is empty; ${EXAMPLES}`;
  if (iso.trim() !== iso) return 'remove the spaces around it';
  if (iso.startsWith('-')) return 'a delay cannot be negative';
  if (!/^p/i.test(iso)) return `a duration starts with "P"; ${EXAMPLES}`;
  if (iso !== iso.toUpperCase()) return `write the letters in upper case (${iso.toUpperCase()})`;
  if (/[.,]\d/.test(iso)) return 'use whole numbers (PT90M rather than PT1.5H)';
  const datePart = iso.split('T')[0] ?? '';
  if (/\d+[YM]/.test(datePart)) {
    return 'years and months have no fixed length; use days or weeks (P30D, P4W)';
  }
  if (/^PT?$/.test(iso) || iso.endsWith('T')) return `it has no amount; ${EXAMPLES}`;
  return `${EXAMPLES} (parts in the order W, D, then T and H, M, S)`;
}
