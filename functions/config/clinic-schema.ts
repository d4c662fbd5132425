import * as z from 'zod';
import { isPublicUrl } from '../shared/public-url';

/**
 * Characters that would let a value break out of an email header or a log line: C0 controls
 * (CR and LF among them), DEL, and the Unicode line and paragraph separators.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const HEADER_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !HEADER_BREAKING.test(value), { error: 'must be a single line without control characters' });

const mailbox = singleLine(254).refine((value) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value), {
  error: 'must be a plain email address such as care@example.com',
});

export const publicUrl = z.url().refine(isPublicUrl, { error: 'must be an https URL (http only on localhost)' });

/**
 * The practice's own details. They appear on the landing page, in every email footer and in
 * the infrastructure, so they are validated once here rather than trusted at each use.
 */
export const clinicConfigSchema = z.strictObject({
  practice: z.strictObject({
    name: singleLine(100),
    surgeon: singleLine(100),
    postalAddress: singleLine(200),
    phone: singleLine(40),
    timeZone: singleLine(64).refine(isKnownTimeZone, { error: 'must be an IANA time zone such as America/New_York' }),
    /** Public site, used for absolute links in emails (https outside localhost). */
    siteUrl: publicUrl,
  }),
  mail: z.strictObject({
    /** Bare address; the display name is the practice name. Never built from user input. */
    fromAddress: mailbox,
    replyToAddress: mailbox.optional(),
    staffAddresses: z.array(mailbox).min(1).max(10),
    sendingDomain: singleLine(253),
  }),
  site: z.strictObject({
    allowedOrigins: z.array(publicUrl).min(1),
  }),
  sending: z.strictObject({
    /** Days and hours (recipient's local time) when nurture emails may go out. */
    defaultSequenceId: singleLine(64),
  }),
});

export type ClinicConfig = z.infer<typeof clinicConfigSchema>;

const knownZones = new Map<string, boolean>();

/**
 * An IANA zone name starts with a letter (`America/New_York`, `UTC`, `Etc/GMT+5`). Node 24's
 * Intl also takes offsets such as `+05:30` as zones, which have no daylight-saving rules; they
 * are refused on every Node, so Node 20 and Lambda's Node 24 accept the same zones.
 */
export const IANA_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Cached: building an Intl.DateTimeFormat per request was a measurable share of capture's CPU. */
export function isKnownTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64 || !IANA_ZONE_NAME.test(zone)) return false;
  const cached = knownZones.get(zone);
  if (cached !== undefined) return cached;
  let known: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    known = true;
  } catch {
    known = false;
  }
  // Unknown names are not remembered, so junk input cannot grow the cache.
  if (known) knownZones.set(zone, true);
  return known;
}
