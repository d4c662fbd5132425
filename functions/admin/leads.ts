import type { BookingStore } from '../booking/ports';
import type { EnrolmentStore, SendRecord, SendRecordStore, StepStats, SuppressionList } from '../drip/ports';
import { type FollowUpLead, type FollowUpStore, openTasksOf } from '../follow-up/follow-up';
import type { CaptureEmailIntent, ConsentRecord, Enrolment, Lead, Submission } from '../lead/lead';
import { markLeadBooked } from '../lead/mark-booked';
import type { Log } from '../observability/logger';
import type { SentMessageIndex } from '../reply/ports';
import { pathFor } from '../sequence/paths';
import type { SequenceVersions } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import type {
  LEAD_STATUSES,
  LeadExport,
  LeadPage,
  LeadQuery,
  LeadSummary,
  LeadTimeline,
  TimelineEvent,
} from './contract';
import { followUpEvents } from './follow-up-timeline';
import type { AccountSuppressionList, LeadDirectory, LeadListRow, SuppressionState } from './ports';

export interface LeadsDeps {
  leads: LeadDirectory;
  followUp: FollowUpStore;
  sentMessages: Pick<SentMessageIndex, 'forgetSentMessages'>;
  accountSuppression: AccountSuppressionList;
  /** Entries staff have not handled yet can name the person: erasure removes them too. */
  bookingInbox: Pick<BookingStore, 'forgetInboxEntries'>;
  leadEnrolments: Pick<EnrolmentStore, 'getLead' | 'exitEnrolments' | 'creditCompleted' | 'markLeadBooked'>;
  sendRecords: Pick<SendRecordStore, 'recordEmailEvent'>;
  suppression: SuppressionList;
  stats: StepStats;
  versions: SequenceVersions;
  clock: Clock;
  log: Log;
  settings: { defaultSequenceId: string };
}

type Status = (typeof LEAD_STATUSES)[number];
const EXIT_STATUSES = new Set<string>(['unsubscribed', 'bounced', 'complained']);

/**
 * What the console shows as a lead's status: the latest of what the timeline records as an
 * end (a booking, an unsubscribe, a bounce, a complaint), whatever order they came in and
 * whether the sequence was still running, finished or stopped by staff; otherwise where the
 * lead stands. A tie goes to the booking, as the timeline orders it.
 */
export function leadStatus(lead: Lead, enrolment: Enrolment | undefined, suppression?: SuppressionState): Status {
  const ends: { status: Status; at: string }[] = [];
  if (lead.status === 'booked' || lead.bookedAt) ends.push({ status: 'booked', at: lead.bookedAt ?? lead.updatedAt });
  const suppressedBy = suppression?.lastEvent ?? suppression?.reason;
  if (suppression && suppressedBy && EXIT_STATUSES.has(suppressedBy)) {
    ends.push({
      status: suppressedBy as Status,
      at: suppression.lastEventAt ?? suppression.suppressedAt ?? lead.updatedAt,
    });
  }
  if (enrolment?.status === 'exited' && enrolment.exitReason && EXIT_STATUSES.has(enrolment.exitReason)) {
    ends.push({ status: enrolment.exitReason as Status, at: enrolment.exitedAt ?? lead.updatedAt });
  }
  let last: { status: Status; at: string } | undefined;
  for (const end of ends) {
    if (!last || end.at > last.at || (end.at === last.at && end.status === 'booked')) last = end;
  }
  if (last) return last.status;
  return lead.status === 'pending-confirmation' ? 'pending-confirmation' : 'active';
}

/** The staff follow-up filters of the list, on the lead item alone; `owner: "me"` is the signed-in user. */
function followUpFilter(query: LeadQuery, me: string | undefined) {
  const owner = query.owner === 'me' ? me : query.owner;
  if (!query.pipelineStatus && !owner && query.openTask === undefined) return undefined;
  return (lead: FollowUpLead) =>
    (!query.pipelineStatus || (lead.pipelineStatus ?? 'new') === query.pipelineStatus) &&
    (!owner || lead.owner === owner) &&
    (query.openTask === undefined || openTasksOf(lead).length > 0 === query.openTask);
}

const SORTS: Record<LeadQuery['sort'], ((a: LeadSummary, b: LeadSummary) => number) | undefined> = {
  newest: undefined,
  'pipeline-status': (a, b) => (a.pipelineStatus ?? 'new').localeCompare(b.pipelineStatus ?? 'new'),
  // Unowned leads last.
  owner: (a, b) =>
    Number(a.owner === undefined) - Number(b.owner === undefined) || (a.owner ?? '').localeCompare(b.owner ?? ''),
  'open-task': (a, b) => (b.openTasks?.length ?? 0) - (a.openTasks?.length ?? 0),
};

/** One page of leads, newest first, with every filter of the console's list. */
export async function listLeads(query: LeadQuery, deps: LeadsDeps, me?: string): Promise<LeadPage> {
  const { status } = query;
  const followUp = followUpFilter(query, me);
  const result = await deps.leads.listLeads({
    ...(query.q ? { q: query.q.toLowerCase() } : {}),
    ...(query.interest ? { interest: query.interest } : {}),
    ...(query.source ? { source: query.source } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    limit: query.limit,
    sequenceId: deps.settings.defaultSequenceId,
    now: deps.clock.now(),
    ...(status || followUp
      ? {
          keep: (row: LeadListRow) =>
            (!status || leadStatus(row.lead, row.enrolment, row.suppression) === status) &&
            (!followUp || followUp(row.lead)),
        }
      : {}),
  });
  const items = await Promise.all(result.rows.map((row) => summarise(row, deps)));
  const sort = SORTS[query.sort ?? 'newest'];
  if (sort) items.sort(sort);
  return { items, scanned: result.scanned, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
}

async function summarise({ lead, enrolment, suppression }: LeadListRow, deps: LeadsDeps): Promise<LeadSummary> {
  return {
    leadId: lead.leadId,
    firstName: lead.firstName,
    ...(lead.lastName ? { lastName: lead.lastName } : {}),
    email: lead.email,
    ...(lead.phone ? { phone: lead.phone } : {}),
    status: leadStatus(lead, enrolment, suppression),
    interests: lead.interests ?? [],
    source: lead.firstTouch?.utmSource ?? 'direct',
    createdAt: lead.createdAt,
    submissionCount: lead.submissionCount ?? 1,
    progress: await progressOf(lead, enrolment, deps.versions),
    pipelineStatus: (lead as FollowUpLead).pipelineStatus ?? 'new',
    ...((lead as FollowUpLead).owner ? { owner: (lead as FollowUpLead).owner } : {}),
    openTasks: openTasksOf(lead),
    ...(enrolment?.hotLeadAt ? { hotLeadAt: enrolment.hotLeadAt } : {}),
  };
}

async function progressOf(lead: Lead, enrolment: Enrolment | undefined, versions: SequenceVersions): Promise<string> {
  if (!enrolment) return lead.status === 'pending-confirmation' ? 'awaiting confirmation' : 'not enrolled';
  if (enrolment.status === 'completed') return 'completed';
  if (enrolment.status === 'exited') return `exited: ${enrolment.exitReason ?? 'stopped'}`;
  if (enrolment.status === 'pending') return 'pending';
  if (enrolment.status === 'replied') return 'paused: replied';
  const sequence = await versions.get(enrolment.sequenceId, enrolment.sequenceVersion).catch(() => undefined);
  if (!sequence) return `${enrolment.stepIndex} sent`;
  // Counted along the lead's own path: a hair-only lead's "2 of 5", not "2 of 8".
  const path = pathFor(sequence.steps, lead.interests ?? []);
  const behind = path.filter((step) => sequence.steps.indexOf(step) < enrolment.stepIndex).length;
  return `${behind} of ${path.length}`;
}

/** Everything that happened to one person, oldest first. */
export async function leadTimeline(leadId: string, deps: LeadsDeps): Promise<LeadTimeline | undefined> {
  const items = await deps.leads.leadItems(leadId);
  const lead = items.find((item) => item.type === 'lead') as (Lead & Record<string, unknown>) | undefined;
  if (!lead) return undefined;
  const ofType = <T>(type: string) => items.filter((item) => item.type === type) as unknown as T[];
  const enrolments = ofType<Enrolment & { completedAt?: string }>('enrolment');
  const sends = ofType<SendRecord & Record<string, string | undefined>>('send');
  const defaultEnrolment = enrolments.find((enrolment) => enrolment.sequenceId === deps.settings.defaultSequenceId);
  const suppression = await deps.leads.suppressionOf(lead.email);
  const suppressed = suppression?.reason;
  const events: TimelineEvent[] = [];

  for (const submission of ofType<Submission>('submission')) {
    const source = [
      submission.attribution?.utmSource,
      submission.attribution?.utmMedium,
      submission.attribution?.utmCampaign,
    ]
      .filter(Boolean)
      .join(' / ');
    events.push({
      at: submission.receivedAt,
      kind: 'submission',
      title: submission.attribution?.utmSource === 'import' ? 'Imported from a contact list' : 'Consultation form sent',
      detail: `Source: ${source || 'direct'}${submission.attribution?.landingPath ? `, page ${submission.attribution.landingPath}` : ''}`,
    });
  }
  type StoredConsent = Omit<ConsentRecord, 'mode'> & { mode: string; consentSource?: string; consentDate?: string };
  for (const consent of ofType<StoredConsent>('consent')) {
    events.push({
      at: consent.givenAt,
      kind: 'consent',
      title: consent.mode === 'import' ? 'Consent recorded by import' : 'Consent given',
      detail:
        consent.mode === 'import'
          ? `Source: ${consent.consentSource ?? 'unknown'}, consent date ${consent.consentDate ?? 'unknown'}`
          : `Wording version ${consent.textVersion}, ${consent.mode === 'double' ? 'double opt-in' : 'single opt-in'}`,
    });
    if (consent.confirmedAt) {
      events.push({
        at: consent.confirmedAt,
        kind: 'consent-confirmed',
        title: 'Email address confirmed (double opt-in)',
      });
    }
  }
  for (const email of ofType<CaptureEmailIntent & { sentAt?: string; finishedAt?: string }>('capture-email')) {
    const name = CAPTURE_EMAIL_NAMES[email.kind] ?? email.kind;
    const at = email.sentAt ?? email.finishedAt ?? email.createdAt;
    const state =
      email.status === 'sent'
        ? 'sent'
        : email.status === 'failed'
          ? email.lastError?.startsWith('unknown') === true
            ? 'may or may not have been sent (not resent)'
            : 'not sent'
          : 'waiting to be sent';
    events.push({
      at,
      kind: 'capture-email',
      title: `${name} ${state}`,
      ...(email.status !== 'sent' && email.lastError ? { detail: email.lastError } : {}),
    });
  }
  for (const enrolment of enrolments) {
    const sequence = await deps.versions.get(enrolment.sequenceId, enrolment.sequenceVersion).catch(() => undefined);
    const ref = { sequenceId: enrolment.sequenceId };
    events.push({
      at: enrolment.enrolledAt,
      kind: 'enrolled',
      title: `Enrolled in ${sequence?.name ?? enrolment.sequenceId}`,
      detail: `Version ${enrolment.sequenceVersion}`,
      ...ref,
    });
    if (enrolment.status === 'active' && enrolment.nextSendAt) {
      const step = sequence?.steps[enrolment.stepIndex];
      events.push({
        at: enrolment.nextSendAt,
        kind: 'step-scheduled',
        title: `Scheduled: ${step?.variants[0]?.subject ?? `step ${enrolment.stepIndex + 1}`}`,
        ...ref,
        ...(step ? { stepId: step.id } : {}),
      });
    }
    if (enrolment.status === 'completed' && enrolment.completedAt) {
      events.push({ at: enrolment.completedAt, kind: 'completed', title: 'Sequence completed', ...ref });
    }
    if (enrolment.status === 'exited' && enrolment.exitedAt) {
      events.push({
        at: enrolment.exitedAt,
        kind: 'exited',
        title: `Sequence stopped: ${enrolment.exitReason ?? 'stopped'}`,
        ...ref,
      });
    }
  }
  for (const send of sends) {
    const sequence = await deps.versions.get(send.sequenceId, send.sequenceVersion).catch(() => undefined);
    const step = sequence?.steps.find((candidate) => candidate.id === send.stepId);
    const subject =
      step?.variants.find((variant) => variant.id === send.variant)?.subject ??
      step?.variants[0]?.subject ??
      send.stepId;
    const ref = { sequenceId: send.sequenceId, stepId: send.stepId };
    if (send.status === 'sent') {
      events.push({
        at: send.sentAt ?? send.finishedAt ?? send.claimedAt,
        kind: 'step-sent',
        title: `Sent: ${subject}`,
        detail: `Variant ${send.variant ?? 'a'}, version ${send.sequenceVersion}`,
        ...ref,
      });
    } else if (send.status === 'skipped' || send.status === 'failed') {
      events.push({
        at: send.finishedAt ?? send.claimedAt,
        kind: send.status === 'skipped' ? 'step-skipped' : 'step-failed',
        title: `${send.status === 'skipped' ? 'Skipped' : 'Not sent'}: ${subject}`,
        ...(send.reason ? { detail: send.reason } : {}),
        ...ref,
      });
    } else {
      events.push({ at: send.claimedAt, kind: 'step-scheduled', title: `Sending: ${subject}`, ...ref });
    }
    for (const [field, kind, title] of EMAIL_EVENTS) {
      const at = send[field];
      if (at) events.push({ at, kind, title: `${title}: ${subject}`, ...ref });
    }
  }
  if (suppression && suppression.reason !== 'erased') {
    events.push({
      at: suppression.suppressedAt ?? lead.updatedAt,
      kind: suppression.reason,
      title: SUPPRESSION_TITLES[suppression.reason],
    });
    // Suppressed again later (a complaint after an unsubscribe, the link used twice): the
    // status follows that, so the timeline shows it, unless a step's event already does.
    const { lastEvent, lastEventAt } = suppression;
    if (
      lastEvent &&
      lastEventAt &&
      lastEvent !== 'erased' &&
      lastEventAt !== suppression.suppressedAt &&
      !events.some((event) => event.kind === lastEvent && event.at === lastEventAt)
    ) {
      events.push({ at: lastEventAt, kind: lastEvent, title: SUPPRESSION_TITLES[lastEvent] });
    }
  }
  if (lead.bookedAt) events.push({ at: lead.bookedAt, kind: 'booked', title: 'Marked as booked' });
  events.push(...followUpEvents(items, enrolments));
  events.sort((a, b) => a.at.localeCompare(b.at) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));

  return {
    lead: {
      ...(await summarise({ lead, enrolment: defaultEnrolment, ...(suppression ? { suppression } : {}) }, deps)),
      ...(lead.timeZone ? { timeZone: lead.timeZone } : {}),
      preferredContact: lead.preferredContact,
    },
    enrolments: enrolments.map((enrolment) => ({
      sequenceId: enrolment.sequenceId,
      sequenceVersion: enrolment.sequenceVersion,
      status: enrolment.status,
      stepIndex: enrolment.stepIndex,
      ...(enrolment.nextSendAt ? { nextSendAt: enrolment.nextSendAt } : {}),
      ...(enrolment.exitReason ? { exitReason: enrolment.exitReason } : {}),
    })),
    ...(suppressed ? { suppressed } : {}),
    events,
  };
}

const CAPTURE_EMAIL_NAMES: Record<string, string> = {
  confirmation: 'Confirmation email',
  'staff-notification': 'Staff notification',
  'opt-in': 'Confirmation link email (double opt-in)',
};

const EMAIL_EVENTS: [string, TimelineEvent['kind'], string][] = [
  ['deliveredAt', 'delivered', 'Delivered'],
  ['openedAt', 'opened', 'Opened'],
  ['clickedAt', 'clicked', 'Clicked'],
  ['bouncedAt', 'bounced', 'Bounced'],
  ['complainedAt', 'complained', 'Marked as spam'],
];

const SUPPRESSION_TITLES = {
  unsubscribed: 'Unsubscribed: no more marketing email',
  bounced: 'Address bounced: suppressed',
  complained: 'Complaint received: suppressed',
} as const;

const KIND_ORDER: TimelineEvent['kind'][] = [
  'submission',
  'consent',
  'consent-confirmed',
  'capture-email',
  'enrolled',
  'step-sent',
  'step-skipped',
  'step-failed',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
  'booked',
  'reply',
  'auto-reply',
  'paused',
  'follow-up',
  'exited',
  'completed',
  'step-scheduled',
];

/** Everything held about the person, as stored (GDPR access): their partition and their suppression entry. */
export async function exportLead(leadId: string, deps: LeadsDeps): Promise<LeadExport | undefined> {
  const items = await deps.leads.leadItems(leadId);
  const lead = items.find((item) => item.type === 'lead') as Lead | undefined;
  if (!lead) return undefined;
  const suppression = await deps.leads.suppressionOf(lead.email);
  deps.log.info('Lead data exported', { leadId, items: items.length });
  return {
    exportedAt: deps.clock.now().toISOString(),
    leadId,
    items: [...items.map(withoutTableKeys), ...(suppression ? [{ type: 'suppression', ...suppression }] : [])],
  };
}

function withoutTableKeys(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    duePk: _duePk,
    dueAt: _dueAt,
    listPk: _listPk,
    listSk: _listSk,
    searchText: _s,
    ...rest
  } = item;
  return rest;
}

export type EraseResult = { status: 'erased'; deleted: number } | { status: 'unknown-lead' };

/**
 * Opt-in tokens are issued while the capture emails are sent, which may be a while after the
 * submission: the search for tokens covers the token's lifetime plus that delay.
 */
const TOKEN_ISSUE_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * GDPR erasure: the address is suppressed first (an anonymous hash, reason "erased", nothing
 * else: any earlier reason or event history of that entry goes too), so that whatever happens
 * next the person is never emailed again, and taken off SES's account-level suppression list
 * (which keeps it in the clear). Then their sequences stop, the lead item goes (the sender's
 * claims need it, so nothing new can be written for them after this), and every other item of
 * their partition goes, with any double opt-in token still waiting. A failure before the lead
 * item goes leaves it in place; a failure after it leaves the rest of the partition, which a
 * second run finds and deletes. Either way the erasure can simply be run again.
 */
export async function eraseLead(leadId: string, deps: LeadsDeps & { optInTtlMs: number }): Promise<EraseResult> {
  const lead = await deps.leadEnrolments.getLead(leadId);
  if (!lead) return finishErasure(leadId, deps);
  const now = deps.clock.now();
  const at = now.toISOString();
  await deps.leads.suppressErased(lead.email, at);
  await deps.accountSuppression.forget(lead.email);
  await deps.leadEnrolments.exitEnrolments(leadId, 'erased', at);
  // While the address is still known: a booking kept for staff before the person was a lead
  // carries only the address.
  const inbox = await deps.bookingInbox.forgetInboxEntries({ leadId, email: lead.email });
  // Opt-in tokens are keyed by their hash, outside the partition; only a recent submission can
  // have one that has not expired, so the (table-wide) search runs only then.
  const items = await deps.leads.leadItems(leadId);
  const recent = items.some(
    (item) =>
      item.type === 'submission' &&
      now.getTime() - Date.parse(String(item.receivedAt)) < deps.optInTtlMs + TOKEN_ISSUE_DELAY_MS,
  );
  // The In-Reply-To index names the lead by id outside its partition: its entries go too.
  const messageIds = items.flatMap((item) =>
    item.type === 'send' && typeof item.messageId === 'string' ? [item.messageId] : [],
  );
  await deps.sentMessages.forgetSentMessages(messageIds);
  await deps.leads.deleteLeadProfile(leadId);
  const tokens = recent ? await deps.leads.deleteOptInTokens(leadId) : 0;
  const deleted = 1 + (await deps.leads.deleteLeadPartition(leadId));
  // Again, now that nothing new can be written for the lead: a cancellation or a booking tool's
  // retry handled while the erasure ran may have added an entry about them since the first sweep.
  const lateInbox = await deps.bookingInbox.forgetInboxEntries({ leadId, email: lead.email });
  deps.log.info('Lead erased', { leadId, deleted, optInTokens: tokens, bookingInbox: inbox + lateInbox });
  return { status: 'erased', deleted: deleted + tokens + inbox + lateInbox };
}

/**
 * The lead item is gone: either there never was such a lead, or an earlier erasure stopped after
 * deleting it (the address was suppressed and the sequences stopped before that). Whatever is
 * left of the partition, and any opt-in token, goes now.
 */
async function finishErasure(leadId: string, deps: LeadsDeps): Promise<EraseResult> {
  const leftovers = await deps.leads.leadItems(leadId);
  const inbox = await deps.bookingInbox.forgetInboxEntries({ leadId });
  if (leftovers.length === 0 && inbox === 0) return { status: 'unknown-lead' };
  const tokens = await deps.leads.deleteOptInTokens(leadId);
  const deleted = await deps.leads.deleteLeadPartition(leadId);
  deps.log.info('Lead erasure finished', { leadId, deleted, optInTokens: tokens, bookingInbox: inbox });
  return { status: 'erased', deleted: deleted + tokens + inbox };
}

/** Stops one sequence for one person without suppressing them (staff decided, e.g. they called). */
export async function stopSequence(
  leadId: string,
  sequenceId: string,
  deps: LeadsDeps,
): Promise<'stopped' | 'already-stopped' | 'unknown-lead' | 'not-enrolled'> {
  const lead = await deps.leadEnrolments.getLead(leadId);
  if (!lead) return 'unknown-lead';
  const result = await deps.leads.stopEnrolment(leadId, sequenceId, deps.clock.now().toISOString());
  deps.log.info('Sequence stopped by staff', { leadId, sequenceId, result });
  if (result === 'none') return 'not-enrolled';
  return result === 'stopped' ? 'stopped' : 'already-stopped';
}

export function bookLead(leadId: string, deps: LeadsDeps) {
  return markLeadBooked(leadId, deps);
}
