import { type SendWindow, sendWindowSchema, type Weekday } from '../sequence/definition';
import { calendarDays, type Delay, elapsedMs, parseDuration } from './duration';
import { ScheduleInputError } from './errors';
import { DAY_MS, wallDay, wallTimeOfDay, wallWeekday, type Zone } from './local-time';
import { requireZone } from './time-zone';

/** A send window checked and converted for computation. */
interface Window {
  days: ReadonlySet<Weekday>;
  /** Milliseconds after local midnight; the window is [start, end). */
  start: number;
  end: number;
}

export interface NextSendTimeInput {
  /** The previous send of this enrolment, or the enrolment time for the first step. */
  after: Date;
  /** The step's delay, an ISO-8601 duration such as P3D (see parseDuration). */
  delay: string;
  window: SendWindow;
  /** The recipient's IANA zone, already resolved (see resolveTimeZone). */
  timeZone: string;
}

/**
 * When a step is due: `after` plus `delay` (see addDelay), moved forward to the earliest instant at which
 * the recipient's local clock is inside the send window on an open day.
 *
 * - Inside the window already: unchanged (so delay PT0S inside the window returns `after` itself).
 * - Before the window on an open day: the window start that day.
 * - After the window, or on a closed day: the window start on the next open day.
 *
 * The window is [start, end): a send at exactly `end` moves to the next open day. When the window start
 * does not exist that day (clocks go forward over it), the first instant after it is used, i.e. the moment
 * the clocks change; if the whole window is skipped, the next open day is used. When the window start
 * happens twice (clocks go back), the earlier one is used unless it is before `after + delay`.
 * All computation is in the recipient's zone; the process's own zone plays no part.
 *
 * @throws ScheduleInputError for a malformed delay, an invalid window, an unknown zone or an invalid date.
 */
export function nextSendTime(input: NextSendTimeInput): Date {
  const zone = requireZone(input.timeZone);
  const window = checkWindow(input.window);
  const due = addDelayMs(instantOf(input.after, 'after'), parseDuration(input.delay), zone);
  return new Date(moveIntoWindow(due, window, zone));
}

/**
 * `after` plus `delay` in the zone, before any send window applies. Weeks and days are calendar days:
 * the local date moves and the local wall time stays (P1D across a daylight-saving change is 23 or 25 hours).
 * Then hours, minutes and seconds are added as elapsed time. If the wall time does not exist on the new
 * date, the first instant after it is used; if it happens twice, the earlier one.
 */
export function addDelay(after: Date, delay: string | Delay, timeZone: string): Date {
  const zone = requireZone(timeZone);
  const parsed = typeof delay === 'string' ? parseDuration(delay) : delay;
  return new Date(addDelayMs(instantOf(after, 'after'), parsed, zone));
}

/** Whether the recipient's local clock is inside the window, on an open day, at `instant`. */
export function isInSendWindow(instant: Date, window: SendWindow, timeZone: string): boolean {
  return isInside(instantOf(instant, 'instant'), checkWindow(window), requireZone(timeZone));
}

export function addDelayMs(after: number, delay: Delay, zone: Zone): number {
  const days = calendarDays(delay);
  const shifted = days === 0 ? after : zone.fromWall(zone.toWall(after) + days * DAY_MS)[0]!;
  return shifted + elapsedMs(delay);
}

/** Checks a window (same rules as sequence files) and converts its times. */
export function checkWindow(window: SendWindow): Window {
  const result = sendWindowSchema.safeParse(window);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'window'}: ${issue.message}`);
    throw new ScheduleInputError('window', `Invalid send window: ${problems.join('; ')}`);
  }
  return { days: new Set(result.data.days), start: clockMs(result.data.start), end: clockMs(result.data.end) };
}

/**
 * The earliest instant at or after `due` at which the local clock is inside the window. The local clock
 * can only enter the window when it passes the window start or when the offset changes, so the search
 * steps from one of those moments to the next.
 */
export function moveIntoWindow(due: number, window: Window, zone: Zone): number {
  let t = due;
  for (let step = 0; step < 32; step++) {
    if (isInside(t, window, zone)) return t;
    const start = nextWindowStart(t, window, zone);
    t = zone.nextOffsetChange(t, start) ?? start;
  }
  throw new Error(`no send window found after ${new Date(due).toISOString()} in ${zone.name}`);
}

function isInside(instant: number, window: Window, zone: Zone): boolean {
  const wall = zone.toWall(instant);
  const time = wallTimeOfDay(wall);
  return window.days.has(wallWeekday(wall)) && time >= window.start && time < window.end;
}

/** The first instant after `t` at which an open day's window starts (see Zone.fromWall for skipped times). */
function nextWindowStart(t: number, window: Window, zone: Zone): number {
  const today = wallDay(zone.toWall(t));
  for (let day = 0; day <= 8; day++) {
    const date = today + day * DAY_MS;
    if (!window.days.has(wallWeekday(date))) continue;
    const start = zone.fromWall(date + window.start).find((instant) => instant > t);
    if (start !== undefined) return start;
  }
  throw new Error(`no open day within 8 days of ${new Date(t).toISOString()} in ${zone.name}`);
}

function clockMs(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
}

export function instantOf(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new ScheduleInputError('time', `"${name}" must be a valid Date`);
  return ms;
}
