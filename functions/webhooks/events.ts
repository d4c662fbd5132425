import { createHash } from 'node:crypto';
import { KEYED_ID_COPY } from '../lead/address-ids';
import { isUnkeyedLeadId } from '../lead/email-address';

/** The events an endpoint can subscribe to (issue 13). */
export const WEBHOOK_EVENTS = [
  'lead.created',
  'lead.confirmed',
  'lead.booked',
  'lead.replied',
  'lead.unsubscribed',
  'lead.bounced',
  'lead.complained',
  'lead.erased',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Sent by "send test event" in the console, to any endpoint whatever it subscribed to. */
export const TEST_EVENT = 'webhook.test';

/** Something that happened to one lead, as the table's stream shows it. */
export interface LeadEvent {
  /** Deterministic, so the same change seen twice (stream retries, several enrolments) is one delivery. */
  eventId: string;
  type: WebhookEventType;
  leadId: string;
  at: string;
}

/** One change of the table as the stream reports it, images already unmarshalled. */
export interface TableChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /**
   * The stream's sequence number of this change: what makes an event's id stable when the event
   * has no time of its own (an erasure) and a retried batch is handled at another time.
   */
  sequenceNumber?: string;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/**
 * The items whose changes make events: a lead's profile and its enrolments. The stream
 * consumer's filter (infra and local) passes only these, so other changes never wake it.
 */
export const EVENT_SOURCE_FILTERS = [
  { dynamodb: { Keys: { sk: { S: ['PROFILE'] } } } },
  { dynamodb: { Keys: { sk: { S: [{ prefix: 'ENROLMENT#' }] } } } },
];

const EXIT_EVENTS: Record<string, WebhookEventType> = {
  unsubscribed: 'lead.unsubscribed',
  bounced: 'lead.bounced',
  complained: 'lead.complained',
};

export function eventIdFor(type: string, leadId: string, at: string): string {
  // Standard Webhooks: an id without "." (it is part of the signed content), unique per event.
  const hash = createHash('sha256').update(`${type}\u0000${leadId}\u0000${at}`).digest('base64url').slice(0, 22);
  return `msg_${hash}`;
}

function event(type: WebhookEventType, leadId: string, at: string, idKey = at): LeadEvent {
  return { eventId: eventIdFor(type, leadId, idKey), type, leadId, at };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * What a change of the table means for the practice's CRM. `lead.replied`: the lead item's
 * `lastReplyAt` changed (a person's reply, matched to the lead), even when no sequence was running.
 */
export function leadEventsFromChange(change: TableChange, now: string): LeadEvent[] {
  const item = change.newImage ?? change.oldImage;
  const sk = text(item?.sk);
  const leadId = text(item?.leadId);
  if (!sk || !leadId) return [];
  // The migration to keyed ids copies each lead under its new id and removes the old items: the
  // same person, so the CRM hears nothing, and an unkeyed id never leaves the system.
  if (isUnkeyedLeadId(leadId)) return [];
  if (change.eventName === 'INSERT' && change.newImage?.[KEYED_ID_COPY] === true) return [];
  const before = change.oldImage ?? {};
  const after = change.newImage ?? {};
  // An event whose item names its time is identified by it; one that does not, by the change.
  const timed = (type: WebhookEventType, at: string | undefined) =>
    at
      ? event(type, leadId, at)
      : event(type, leadId, now, change.sequenceNumber ? `change:${change.sequenceNumber}` : now);

  if (sk === 'PROFILE') {
    if (change.eventName === 'REMOVE') return [timed('lead.erased', undefined)];
    const events: LeadEvent[] = [];
    if (change.eventName === 'INSERT') events.push(timed('lead.created', text(after.createdAt)));
    const wasPending = change.eventName === 'MODIFY' && before.status === 'pending-confirmation';
    if (wasPending && after.status === 'active') {
      events.push(timed('lead.confirmed', text(after.updatedAt)));
    }
    if (after.status === 'booked' && before.status !== 'booked') {
      events.push(timed('lead.booked', text(after.bookedAt)));
    }
    // Each reply by the person (not an automatic one), whatever state their sequence is in.
    const repliedAt = text(after.lastReplyAt);
    if (repliedAt && repliedAt !== text(before.lastReplyAt)) events.push(timed('lead.replied', repliedAt));
    return events;
  }

  if (sk.startsWith('ENROLMENT#') && change.eventName !== 'REMOVE') {
    const type = EXIT_EVENTS[String(after.exitReason)];
    // Every enrolment of the lead exits with the same time: one event, whichever comes first.
    if (type && after.status === 'exited' && before.status !== 'exited') {
      return [timed(type, text(after.exitedAt))];
    }
  }
  return [];
}
