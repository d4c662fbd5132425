import { HEADER_BREAKING, isKnownTimeZone } from '../config/clinic-schema';
import type { SuppressionReason } from '../drip/ports';
import type { AddressIds } from '../lead/address-ids';
import { checkEmailAddress } from '../lead/email-address';
import { INTEREST_IDS, type Interest } from '../lead/interests';
import type { Attribution, Lead } from '../lead/lead';
import { normalisePhone } from '../lead/phone';
import type { Log } from '../observability/logger';
import { isInSendWindow, nextSendTime, resolveTimeZone } from '../schedule';
import type { SendWindow } from '../sequence/definition';
import type { SequenceCatalog, SequenceVersions } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { ConflictError, ValidationError } from '../shared/errors';
import type { AdminUser } from './auth';
import { IMPORT_COLUMNS, type ImportReport } from './contract';
import { CsvError, parseCsv } from './csv';
import type { ImportWrite, LeadDirectory, SendSlots } from './ports';

export interface ImportDeps {
  leads: LeadDirectory;
  ids: Pick<AddressIds, 'leadIdFor'>;
  catalog: SequenceCatalog;
  versions: SequenceVersions;
  slots: SendSlots;
  /** The account's SES MaxSendRate (or the configured override), per second. */
  sendRate(): Promise<number>;
  clock: Clock;
  log: Log;
  settings: {
    defaultSequenceId: string;
    practiceTimeZone: string;
    /** Share of the send rate an import's first emails may take; the rest stays for the drip. */
    sendRateShare: number;
    maxRows: number;
  };
}

interface Contact {
  row: number;
  email: string;
  leadId: string;
  firstName: string;
  lastName?: string;
  phone?: string;
  interests: Interest[];
  timeZone?: string;
  consentSource: string;
  consentDate: string;
}

const KNOWN_COLUMNS: readonly string[] = [...IMPORT_COLUMNS.required, ...IMPORT_COLUMNS.optional];

/**
 * Imports contacts who consented elsewhere. The dry run reports every row it would refuse and
 * why, and how many are already leads; the real run creates each new lead with a consent record
 * (mode "import", the source and date from the file) and enrols it, its first email staggered
 * so the import never sends faster than its share of the SES send rate. Existing leads are
 * counted as duplicates and left as they are; suppressed addresses are refused.
 */
export async function importContacts(
  request: { csv: string; dryRun: boolean; importId: string },
  user: AdminUser,
  deps: ImportDeps,
): Promise<ImportReport> {
  const now = deps.clock.now();
  const read = readContacts(request.csv, now, deps.settings.maxRows);
  const { refused, rows } = read;
  const contacts = await withLeadIds(read.contacts, deps);

  const existing = await deps.leads.existingLeads(contacts.map((contact) => contact.leadId));
  const suppressed = await deps.leads.suppressedAddresses(contacts.map((contact) => contact.email));
  let duplicates = 0;
  const fresh: Contact[] = [];
  for (const contact of contacts) {
    const reason = suppressed.get(contact.email);
    if (reason) refused.push({ row: contact.row, reason: suppressionReason(reason) });
    else if (existing.has(contact.leadId)) duplicates++;
    else fresh.push(contact);
  }
  refused.sort((a, b) => a.row - b.row);

  const sequence = await deps.catalog.current(deps.settings.defaultSequenceId);
  const compiled = await deps.versions.get(sequence.sequenceId, sequence.version);
  if (!compiled) throw new Error(`Published version ${sequence.version} is not stored`);
  const fallback =
    sequence.timeZoneFallback === 'practice' ? deps.settings.practiceTimeZone : sequence.timeZoneFallback;
  const perSecond = (await deps.sendRate()) * deps.settings.sendRateShare;
  const intervalMs = Math.ceil(1000 / Math.max(perSecond, 0.001));

  let schedule = stagger(fresh, {
    now,
    after: await deps.slots.reservedUntil(),
    intervalMs,
    window: compiled.sendWindow,
    fallback,
  });
  if (request.dryRun || fresh.length === 0) {
    return report(rows, fresh.length, duplicates, refused, schedule);
  }
  // Reserve the schedule, so two imports at once never share send slots.
  for (let attempt = 1; ; attempt++) {
    const before = await deps.slots.reservedUntil();
    schedule = stagger(fresh, { now, after: before, intervalMs, window: compiled.sendWindow, fallback });
    if (await deps.slots.reserve(before, schedule.last!.toISOString())) break;
    if (attempt >= 3) throw new ConflictError('Another import is being scheduled; try again in a moment');
  }

  let accepted = 0;
  const writes = schedule.slots.map(({ contact, sendAt, zone }) =>
    importWrite(contact, { now, sendAt, zone, sequence, importId: request.importId, user }),
  );
  await forEachLimit(writes, 10, async (write) => {
    if ((await deps.leads.importLead(write)) === 'created') accepted++;
    else duplicates++;
  });
  deps.log.info('Contacts imported', {
    importId: request.importId,
    rows,
    accepted,
    duplicates,
    refused: refused.length,
    intervalMs,
  });
  return report(rows, accepted, duplicates, refused, schedule);
}

function report(
  rows: number,
  accepted: number,
  duplicates: number,
  refused: ImportReport['refused'],
  schedule: Schedule,
): ImportReport {
  return {
    rows,
    accepted,
    duplicates,
    refused,
    ...(accepted > 0 && schedule.last ? { lastFirstEmailAt: schedule.last.toISOString() } : {}),
  };
}

function suppressionReason(reason: SuppressionReason): string {
  return `address is on the suppression list (${reason}); it will not be emailed`;
}

/** Parses and checks every row; a problem with the file itself (no header, a missing column) is a 400. */
export function readContacts(csv: string, now: Date, maxRows: number) {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvError) throw new ValidationError([{ field: 'csv', message: error.message }]);
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new ValidationError([{ field: 'csv', message: 'The file is empty; it needs a header row' }]);
  const columns = header.fields.map((name) => name.trim().toLowerCase().replace(/\s+/g, '_'));
  const missing = IMPORT_COLUMNS.required.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new ValidationError([
      {
        field: 'csv',
        message: `The header row lacks ${missing.join(', ')}; columns are ${KNOWN_COLUMNS.join(', ')}`,
      },
    ]);
  }
  if (data.length > maxRows) {
    throw new ValidationError([
      { field: 'csv', message: `At most ${maxRows} rows per import; split the file (this one has ${data.length})` },
    ]);
  }
  const refused: { row: number; reason: string }[] = [];
  const contacts: Omit<Contact, 'leadId'>[] = [];
  const seen = new Map<string, number>();
  for (const [index, record] of data.entries()) {
    // Row numbers as a spreadsheet shows them: the header is row 1.
    const row = index + 2;
    if (record.fields.length !== columns.length) {
      refused.push({ row, reason: `has ${record.fields.length} fields; the header has ${columns.length}` });
      continue;
    }
    const value = (name: string) => {
      const at = columns.indexOf(name);
      return at === -1 ? '' : (record.fields[at] ?? '').trim();
    };
    const result = checkRow(value, now);
    if ('reason' in result) {
      refused.push({ row, reason: result.reason });
      continue;
    }
    const first = seen.get(result.email);
    if (first !== undefined) {
      refused.push({ row, reason: `duplicate in file: same email as row ${first}` });
      continue;
    }
    seen.set(result.email, row);
    contacts.push({ ...result, row });
  }
  return { contacts, refused, rows: data.length };
}

/** Each contact's lead id (keyed: computed, or before the migration to keyed ids, looked up), 25 at a time. */
async function withLeadIds(contacts: Omit<Contact, 'leadId'>[], deps: Pick<ImportDeps, 'ids'>): Promise<Contact[]> {
  const withIds: Contact[] = [];
  for (let start = 0; start < contacts.length; start += 25) {
    const chunk = contacts.slice(start, start + 25);
    withIds.push(
      ...(await Promise.all(
        chunk.map(async (contact) => ({ ...contact, leadId: await deps.ids.leadIdFor(contact.email) })),
      )),
    );
  }
  return withIds;
}

function checkRow(value: (name: string) => string, now: Date): Omit<Contact, 'row' | 'leadId'> | { reason: string } {
  const email = checkEmailAddress(value('email'));
  if (!email.ok) return { reason: `bad email: ${email.reason}` };
  const firstName = value('first_name');
  if (!firstName) return { reason: 'missing first name' };
  if (firstName.length > 60 || HEADER_BREAKING.test(firstName))
    return { reason: 'first name: one line of at most 60 characters' };
  const lastName = value('last_name');
  if (lastName.length > 60 || HEADER_BREAKING.test(lastName))
    return { reason: 'last name: one line of at most 60 characters' };
  const consentSource = value('consent_source');
  if (!consentSource) return { reason: 'missing consent source' };
  if (consentSource.length > 200 || HEADER_BREAKING.test(consentSource)) {
    return { reason: 'consent source: one line of at most 200 characters' };
  }
  const rawDate = value('consent_date');
  if (!rawDate) return { reason: 'missing consent date' };
  const consentDate = parseConsentDate(rawDate);
  if (!consentDate) return { reason: 'consent date is not a date (use YYYY-MM-DD)' };
  if (consentDate.getTime() > now.getTime()) return { reason: 'consent date is in the future' };
  let phone: string | undefined;
  if (value('phone')) {
    const check = normalisePhone(value('phone'));
    if (!check.ok) return { reason: `bad phone: ${check.reason}` };
    phone = check.e164;
  }
  const interests: Interest[] = [];
  for (const item of value('interests')
    .split(/[;|,]/)
    .map((part) => part.trim())
    .filter(Boolean)) {
    if (!(INTEREST_IDS as readonly string[]).includes(item)) {
      return { reason: `unknown interest "${item.slice(0, 40)}"; use ${INTEREST_IDS.join(', ')}` };
    }
    if (!interests.includes(item as Interest)) interests.push(item as Interest);
  }
  const timeZone = value('time_zone') || undefined;
  if (timeZone && !isKnownTimeZone(timeZone))
    return { reason: 'time zone must be an IANA name such as America/New_York' };
  return {
    email: email.normalised,
    firstName,
    ...(lastName ? { lastName } : {}),
    ...(phone ? { phone } : {}),
    interests,
    ...(timeZone ? { timeZone } : {}),
    consentSource,
    consentDate: consentDate.toISOString(),
  };
}

/** YYYY-MM-DD (the start of that UTC day) or a full ISO-8601 date-time. */
function parseConsentDate(raw: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const date = new Date(`${raw}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw ? undefined : date;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    const date = new Date(raw);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

interface Slot {
  contact: Contact;
  sendAt: Date;
  zone: string;
}

interface Schedule {
  slots: Slot[];
  last?: Date;
}

/**
 * First emails one `intervalMs` apart at least, after whatever earlier imports reserved, each
 * inside the recipient's send window (imported contacts did not just ask, so they are not
 * emailed at night). Contacts whose window is open soonest go first.
 */
export function stagger(
  contacts: Contact[],
  options: { now: Date; after: string | undefined; intervalMs: number; window: SendWindow; fallback: string },
): Schedule {
  const { now, intervalMs, window } = options;
  const earliest = (after: Date, zone: string) => nextSendTime({ after, delay: 'PT0S', window, timeZone: zone });
  const wanted = contacts
    .map((contact) => {
      const zone = resolveTimeZone(contact.timeZone, options.fallback).zone;
      return { contact, zone, at: earliest(now, zone) };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.contact.row - b.contact.row);
  let previous = Math.max(now.getTime() - intervalMs, options.after ? Date.parse(options.after) : 0);
  const slots: Slot[] = [];
  for (const { contact, zone, at } of wanted) {
    let sendAt = new Date(Math.max(at.getTime(), previous + intervalMs));
    if (!isInSendWindow(sendAt, window, zone)) sendAt = earliest(sendAt, zone);
    previous = sendAt.getTime();
    slots.push({ contact, sendAt, zone });
  }
  const last = slots.at(-1)?.sendAt;
  return { slots, ...(last ? { last } : {}) };
}

function importWrite(
  contact: Contact,
  context: {
    now: Date;
    sendAt: Date;
    zone: string;
    sequence: { sequenceId: string; version: string };
    importId: string;
    user: AdminUser;
  },
): ImportWrite {
  const at = context.now.toISOString();
  const attribution: Attribution = { utmSource: 'import', utmMedium: 'csv' };
  const submissionId = `${at}#import-${context.importId}`;
  const profile = {
    firstName: contact.firstName,
    ...(contact.lastName ? { lastName: contact.lastName } : {}),
    ...(contact.phone ? { phone: contact.phone } : {}),
    preferredContact: 'email' as const,
    interests: contact.interests,
    ...(contact.timeZone ? { timeZone: contact.timeZone } : {}),
  };
  const lead: Lead = {
    leadId: contact.leadId,
    email: contact.email,
    ...profile,
    status: 'active',
    createdAt: at,
    updatedAt: at,
    submissionCount: 1,
    firstTouch: attribution,
    lastTouch: attribution,
  };
  return {
    lead,
    submission: { leadId: contact.leadId, submissionId, receivedAt: at, ...profile, attribution },
    consent: {
      leadId: contact.leadId,
      submissionId,
      givenAt: contact.consentDate,
      textVersion: 'import',
      text: `Consent obtained outside this system (source: ${contact.consentSource}, date: ${contact.consentDate.slice(0, 10)}); imported on ${at.slice(0, 10)}.`,
      mode: 'import',
      consentSource: contact.consentSource,
      consentDate: contact.consentDate,
      importedBy: context.user.username,
      attribution,
    },
    enrolment: {
      leadId: contact.leadId,
      sequenceId: context.sequence.sequenceId,
      sequenceVersion: context.sequence.version,
      status: 'active',
      stepIndex: 0,
      nextSendAt: context.sendAt.toISOString(),
      timeZone: context.zone,
      enrolledAt: at,
    },
  };
}

async function forEachLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
