import { IANAZone } from 'luxon';
import { WEEKDAYS, type Weekday } from '../sequence/definition';

// Internal helpers. A "wall" value is what a clock on the wall in the zone reads, encoded as milliseconds
// since 1970-01-01T00:00 of that clock (as if it were UTC). Calendar arithmetic on wall values is plain
// arithmetic: the next day at the same wall time is `wall + DAY_MS`.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** A valid IANA time zone with conversions between instants and wall-clock readings. */
export class Zone {
  readonly name: string;
  private readonly iana: IANAZone;

  constructor(name: string) {
    this.name = name;
    this.iana = IANAZone.create(name);
  }

  /** Offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
  offsetMs(instant: number): number {
    return this.iana.offset(instant) * MINUTE_MS;
  }

  /** What the wall clock reads at an instant. */
  toWall(instant: number): number {
    return instant + this.offsetMs(instant);
  }

  /**
   * The instants at which the wall clock reads `wall`, earliest first: one normally, two when clocks go
   * back and the reading happens twice. When clocks go forward over `wall`, the reading never happens, and
   * the result is the first instant after it: the moment of the change. In every case the first element is
   * the earliest instant whose wall clock reads `wall` or later.
   */
  fromWall(wall: number): number[] {
    const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => this.offsetMs(t)))];
    const exact = [...new Set(offsets.map((offset) => wall - offset))]
      .filter((instant) => this.toWall(instant) === wall)
      .sort((a, b) => a - b);
    if (exact.length > 0) return exact;

    // Skipped reading: binary search for the first instant whose wall clock is past it.
    let before = wall - Math.max(...offsets);
    let after = wall - Math.min(...offsets);
    if (!(this.toWall(before) < wall && this.toWall(after) >= wall)) {
      throw new Error(`cannot place wall time ${new Date(wall).toISOString()} in ${this.name}`);
    }
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (this.toWall(middle) >= wall) after = middle;
      else before = middle;
    }
    return [after];
  }

  /** The first instant in (from, to] at which the offset differs from the offset at `from`, if any. */
  nextOffsetChange(from: number, to: number): number | undefined {
    const offset = this.offsetMs(from);
    if (this.offsetMs(to) === offset) return undefined;
    let before = from;
    let after = to;
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (this.offsetMs(middle) !== offset) after = middle;
      else before = middle;
    }
    return after;
  }
}

/** Start of the wall-clock day containing `wall`. */
export function wallDay(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/** Milliseconds since wall-clock midnight. */
export function wallTimeOfDay(wall: number): number {
  return wall - wallDay(wall);
}

/** Weekday of a wall-clock reading. */
export function wallWeekday(wall: number): Weekday {
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(wall).getUTCDay() + 6) % 7]!;
}

/** ISO-8601 local date and time with the zone's offset, e.g. `2026-03-09T09:00:00-04:00`. */
export function formatLocal(instant: number, zone: Zone): string {
  const offset = zone.offsetMs(instant);
  const wall = new Date(instant + offset).toISOString();
  const time = wall.endsWith('.000Z') ? wall.slice(0, 19) : wall.slice(0, 23);
  const minutes = Math.round(Math.abs(offset) / MINUTE_MS);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${time}${sign}${hh}:${mm}`;
}
