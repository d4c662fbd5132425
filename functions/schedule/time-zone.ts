import { IANAZone } from 'luxon';
import { IANA_ZONE_NAME } from '../config/clinic-schema';
import { ScheduleInputError } from './errors';
import { Zone } from './local-time';

/** The zone a lead's emails are scheduled in, and where it came from. */
export interface ResolvedTimeZone {
  zone: string;
  source: 'lead' | 'fallback';
}

/** Whether `zone` is an IANA time zone name this runtime knows, such as `America/New_York`. */
export function isValidTimeZone(zone: unknown): zone is string {
  return (
    typeof zone === 'string' &&
    zone.length > 0 &&
    zone.length <= 64 &&
    // Offsets such as +05:30 are zones to Node 24's Intl, not to us (see IANA_ZONE_NAME).
    IANA_ZONE_NAME.test(zone) &&
    IANAZone.isValidZone(zone)
  );
}

/**
 * Picks the zone to schedule a lead in: the lead's own zone (from the form) when it is a known IANA zone,
 * otherwise the fallback (the practice's or the sequence's). A missing, empty or unknown lead zone is not
 * an error. The zone name is returned as given (trimmed), not canonicalised.
 *
 * @throws ScheduleInputError (field `timeZone`) when the fallback itself is not a known zone: that is a
 * configuration error, and it is reported even when the lead's zone is valid.
 */
export function resolveTimeZone(leadZone: string | null | undefined, fallbackZone: string): ResolvedTimeZone {
  if (!isValidTimeZone(fallbackZone)) {
    throw new ScheduleInputError(
      'timeZone',
      `The fallback time zone "${String(fallbackZone)}" is not a known IANA zone (such as America/New_York); check the practice and sequence settings`,
    );
  }
  const lead = typeof leadZone === 'string' ? leadZone.trim() : '';
  return isValidTimeZone(lead) ? { zone: lead, source: 'lead' } : { zone: fallbackZone, source: 'fallback' };
}

/** A Zone for a name that must be valid (already resolved). */
export function requireZone(timeZone: string): Zone {
  if (!isValidTimeZone(timeZone)) {
    throw new ScheduleInputError(
      'timeZone',
      `Unknown time zone "${String(timeZone)}"; pass an IANA zone such as Europe/London (see resolveTimeZone)`,
    );
  }
  return new Zone(timeZone);
}
