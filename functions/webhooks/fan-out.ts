import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { NotFoundError } from '../shared/errors';
import { type LeadEvent, TEST_EVENT } from './events';
import type { DeliveryMessage, DeliveryQueue, WebhookStore } from './ports';

export interface FanOutDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  clock: Clock;
}

/**
 * One delivery per event and subscribed endpoint, logged as pending, then queued. The log
 * entry is written first and conditionally, then marked queued, so the same change seen twice
 * (a stream retry, several enrolments) queues one delivery, and one whose run stopped between
 * the two is queued when the change comes again.
 */
export async function fanOut(events: LeadEvent[], deps: FanOutDeps): Promise<number> {
  if (events.length === 0) return 0;
  const endpoints = (await deps.store.listEndpoints()).filter((endpoint) => endpoint.enabled);
  const now = deps.clock.now().toISOString();
  let queued = 0;
  for (const event of events) {
    for (const endpoint of endpoints.filter((candidate) => candidate.events.includes(event.type))) {
      const record = {
        endpointId: endpoint.endpointId,
        eventId: event.eventId,
        type: event.type,
        leadId: event.leadId,
        status: 'pending' as const,
        attempts: 0,
        createdAt: now,
      };
      if (!(await deps.store.createDelivery(record))) {
        // Seen before: queue it again only if the earlier run stopped between the log and the queue.
        const existing = await deps.store.getDelivery(endpoint.endpointId, event.eventId);
        if (!existing || existing.queuedAt || existing.attempts > 0) continue;
      }
      await deps.queue.send(messageFor(record, event.at, now), 0);
      await deps.store.markQueued(endpoint.endpointId, event.eventId, now);
      queued += 1;
    }
  }
  return queued;
}

function messageFor(
  record: { endpointId: string; eventId: string; type: string; leadId?: string },
  occurredAt: string,
  now: string,
): DeliveryMessage {
  return {
    endpointId: record.endpointId,
    eventId: record.eventId,
    type: record.type,
    ...(record.leadId ? { leadId: record.leadId } : {}),
    occurredAt,
    attempt: 1,
    firstAttemptAt: now,
  };
}

/** The console's "send test event": a `webhook.test` delivery, logged and retried like any other. */
export async function sendTestEvent(endpointId: string, deps: FanOutDeps): Promise<{ eventId: string }> {
  const endpoint = await deps.store.getEndpoint(endpointId);
  if (!endpoint) throw new NotFoundError('No such webhook endpoint');
  const now = deps.clock.now().toISOString();
  const record = {
    endpointId,
    eventId: `msg_test_${randomUUID().replaceAll('-', '')}`,
    type: TEST_EVENT,
    status: 'pending' as const,
    attempts: 0,
    createdAt: now,
  };
  await deps.store.createDelivery(record);
  await deps.queue.send(messageFor(record, now, now), 0);
  return { eventId: record.eventId };
}
