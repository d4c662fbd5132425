import type { Lead } from '../lead/lead';
import type { Log } from '../observability/logger';
import type { Clock } from '../shared/clock';
import { MAX_QUEUE_DELAY_SECONDS, nextAttemptAt } from './backoff';
import { TEST_EVENT, type WebhookEventType } from './events';
import { webhookPayload } from './payload';
import type {
  DeliveryMessage,
  DeliveryQueue,
  DeliveryRecord,
  WebhookEndpoint,
  WebhookPoster,
  WebhookStore,
} from './ports';
import { webhookHeaders } from './signature';

export interface EndpointAlerts {
  /** Tells the practice's admins (by email) that an endpoint was turned off. */
  endpointDisabled(endpoint: WebhookEndpoint, reason: string): Promise<void>;
}

export interface DeliveryDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  poster: WebhookPoster;
  leads: { getLead(leadId: string): Promise<Lead | undefined> };
  alerts: EndpointAlerts;
  clock: Clock;
  log: Log;
  random?: () => number;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'cancelled' | 'waiting' | 'already-attempted';

const seconds = (ms: number) => Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(ms / 1000)));

/**
 * One attempt of one delivery. A 2xx is delivered; anything else (3xx included: redirects are
 * never followed), a timeout or a refused address is retried with backoff for 24 hours, then
 * goes to the dead-letter queue and the endpoint is disabled, with an email to the admins. A
 * 410 Gone disables the endpoint at once, as Standard Webhooks asks.
 */
export async function deliverMessage(message: DeliveryMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  if (message.notBefore && Date.parse(message.notBefore) > now.getTime()) {
    await deps.queue.send(message, seconds(Date.parse(message.notBefore) - now.getTime()));
    return 'waiting';
  }
  const endpoint = await deps.store.getEndpoint(message.endpointId);
  const record: DeliveryRecord = (await deps.store.getDelivery(message.endpointId, message.eventId)) ?? {
    endpointId: message.endpointId,
    eventId: message.eventId,
    type: message.type,
    ...(message.leadId ? { leadId: message.leadId } : {}),
    status: 'pending',
    attempts: 0,
    createdAt: now.toISOString(),
  };
  if (record.status === 'delivered' || record.status === 'failed' || record.status === 'cancelled') {
    return record.status;
  }
  // SQS handed this attempt again although it was made and its retry queued (the batch ran out of
  // time before the message was deleted): attempting it again would start a second retry chain.
  // (An attempt is recorded as made only once its retry is on the queue, below.)
  if (record.attempts >= message.attempt) {
    deps.log.info('Webhook attempt already made', {
      endpointId: message.endpointId,
      eventId: message.eventId,
      attempt: message.attempt,
    });
    return 'already-attempted';
  }
  const cancel = async (why: string) => {
    if (endpoint) await deps.store.updateDelivery({ ...record, status: 'cancelled', lastError: why });
    deps.log.info('Webhook delivery cancelled', { endpointId: message.endpointId, eventId: message.eventId, why });
    return 'cancelled' as const;
  };
  if (!endpoint?.enabled) return cancel('endpoint removed or disabled');

  let lead: Lead | undefined;
  if (message.type !== 'lead.erased' && message.type !== TEST_EVENT && message.leadId) {
    lead = await deps.leads.getLead(message.leadId);
    // Erased since: nothing about them leaves any more (lead.erased follows on its own).
    if (!lead) return cancel('lead erased');
  }
  const body = JSON.stringify(
    webhookPayload(message.type as WebhookEventType | typeof TEST_EVENT, message.leadId, message.occurredAt, lead),
  );
  const secrets = endpoint.secrets
    .filter((secret) => !secret.retiresAt || secret.retiresAt > now.toISOString())
    .map((secret) => secret.secret);
  const headers = webhookHeaders(secrets, message.eventId, Math.floor(now.getTime() / 1000), body);
  const result = await deps.poster.post(endpoint.url, headers, body);

  const attempted: DeliveryRecord = {
    ...record,
    attempts: record.attempts + 1,
    lastAttemptAt: now.toISOString(),
    ...('status' in result ? { lastResponseCode: result.status } : {}),
  };
  delete attempted.lastError;
  delete attempted.nextAttemptAt;
  if ('error' in result) attempted.lastError = result.error;
  if ('status' in result && result.status >= 200 && result.status < 300) {
    await deps.store.updateDelivery({ ...attempted, status: 'delivered' });
    return 'delivered';
  }
  deps.log.info('Webhook attempt failed', {
    endpointId: endpoint.endpointId,
    eventId: message.eventId,
    attempt: attempted.attempts,
    ...('status' in result ? { status: result.status } : { error: result.error }),
  });

  const gone = 'status' in result && result.status === 410;
  const next = gone ? undefined : nextAttemptAt(message.firstAttemptAt, message.attempt, now, deps.random);
  if (next) {
    // The next attempt is queued before this one is recorded as made: a crash in between makes
    // SQS hand this attempt again, which is then made again (a duplicate the receiver drops by
    // its webhook-id), never an attempt recorded as made whose successor was never queued.
    await deps.queue.send(
      { ...message, attempt: message.attempt + 1, notBefore: next.toISOString() },
      seconds(next.getTime() - now.getTime()),
    );
    await deps.store.updateDelivery({ ...attempted, status: 'retrying', nextAttemptAt: next.toISOString() });
    return 'retrying';
  }
  await deps.store.updateDelivery({ ...attempted, status: 'failed' });
  if (!gone) await deps.queue.deadLetter(message);
  const reason = gone ? 'The endpoint answered 410 Gone' : 'Every attempt to deliver one event failed for 24 hours';
  await deps.store.putEndpoint({ ...endpoint, enabled: false, disabledAt: now.toISOString(), disabledReason: reason });
  await deps.alerts.endpointDisabled(endpoint, reason);
  return 'failed';
}
