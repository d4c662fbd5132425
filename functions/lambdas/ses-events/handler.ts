import middy from '@middy/core';
import { handleSesEvent, type SesEventDeps, sesEventSchema } from '../../drip/ses-event';
import { errorFields } from '../../observability/redact';

type SnsEvent = { Records: { Sns: { Message: string } }[] };
type EventBridgeEvent = { 'detail-type': string; detail: unknown };

/** SES event publishing arrives through SNS (a batch of records) or EventBridge (one event). */
export function sesEventsFrom(event: unknown): unknown[] {
  if (typeof event !== 'object' || event === null) return [];
  if ('Records' in event) {
    return (event as SnsEvent).Records.map((record) => {
      try {
        return JSON.parse(record.Sns.Message);
      } catch {
        return undefined;
      }
    });
  }
  if ('detail' in event) return [(event as EventBridgeEvent).detail];
  return [event];
}

export function makeSesEventsHandler(deps: SesEventDeps) {
  return middy<unknown, { handled: number; ignored: number }>().handler(async (event) => {
    let handled = 0;
    let ignored = 0;
    for (const raw of sesEventsFrom(event)) {
      const parsed = sesEventSchema.safeParse(raw);
      if (!parsed.success) {
        ignored++;
        deps.log.warn('Not an SES event; ignored');
        continue;
      }
      try {
        const outcome = await handleSesEvent(parsed.data, deps);
        if (outcome === 'ignored') ignored++;
        else handled++;
      } catch (error) {
        // Thrown so Lambda retries the delivery, then its failure destination keeps it.
        deps.log.error('SES event not recorded', { eventType: parsed.data.eventType, ...errorFields(error) });
        throw error;
      }
    }
    return { handled, ignored };
  });
}
