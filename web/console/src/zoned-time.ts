/**
 * Wall-clock time in a named zone → the instant, with Intl only (no date library in the
 * bundle). A time that happens twice (autumn) is the first; a time that does not exist
 * (skipped in spring) moves forward by the gap, as most calendars do.
 */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** `local` is `YYYY-MM-DDTHH:MM` (a datetime-local value). Returns an ISO string in UTC. */
export function zonedToUtc(local: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) throw new RangeError(`Not a date and time: ${local}`);
  const [, y, mo, d, hh, mm] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, hh, mm);
  // The zone's offsets either side of this day: equal on most days, different across a change.
  const before = offsetMs(wall - 43_200_000, timeZone);
  const after = offsetMs(wall + 43_200_000, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetMs(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  // Twice in the autumn: the first. Never in the spring gap: the offset from before the gap,
  // which lands the same distance past it (02:30 becomes 03:30).
  const instant = valid[0] ?? wall - before;
  return new Date(instant).toISOString();
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  const list = zones.length
    ? zones
    : ['UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  return list.includes('UTC') ? list : ['UTC', ...list];
}

/** The current wall-clock time in a zone, as a datetime-local value. */
export function nowInZone(timeZone: string, now = Date.now()): string {
  const shifted = new Date(now + offsetMs(now, timeZone));
  return shifted.toISOString().slice(0, 16);
}
