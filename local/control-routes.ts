import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import type { EnrolmentStore } from '../functions/drip/ports';
import { jsonResponse } from '../functions/lambdas/http/responses';
import type { AddressIds } from '../functions/lead/address-ids';
import { checkEmailAddress } from '../functions/lead/email-address';
import { CONSULTATION_ANCHOR } from '../functions/mail/booking-link';
import { parseDuration } from '../functions/schedule';
import type { createDripRuntime } from './drip-runtime';
import { delayToMs } from './duration-ms';
import type { Route } from './gateway';
import { LOCAL_CONTROL_HEADER } from './request-guard';
import { sesEvent } from './simulated-ses-events';

type DripRuntime = ReturnType<typeof createDripRuntime>;

const advanceSchema = z.strictObject({ duration: z.string().min(2).max(20) });
const addressSchema = z.strictObject({ email: z.string().min(3).max(254) });

function body(event: APIGatewayProxyEventV2): unknown {
  try {
    return JSON.parse(event.body ?? '{}');
  } catch {
    return undefined;
  }
}

/**
 * Every control request carries LOCAL_CONTROL_HEADER, and a POST a JSON body: a web page can send
 * neither to another origin without a CORS preflight, which the local gateway never grants.
 */
function guarded(route: Route): Route {
  return {
    ...route,
    handler: async (event, context) => {
      if (!event.headers[LOCAL_CONTROL_HEADER]) {
        return jsonResponse(403, {
          error: `Local controls need the ${LOCAL_CONTROL_HEADER} header (npm run drip sends it)`,
        });
      }
      const json = /^application\/json\s*(;|$)/i.test(event.headers['content-type'] ?? '');
      if (route.method !== 'GET' && !json) {
        return jsonResponse(403, { error: 'Local controls take a JSON body (content-type: application/json)' });
      }
      return route.handler(event, context);
    },
  };
}

/**
 * Local-only controls behind `npm run drip`: move the clock, run the dispatcher, simulate SES
 * bounces and complaints. These routes exist only in the local gateway, never in the stack.
 */
export function controlRoutes(
  drip: DripRuntime,
  enrolments: Pick<EnrolmentStore, 'getEnrolment'>,
  ids: Pick<AddressIds, 'leadIdFor'>,
  sequenceId: string,
  now: () => Date,
): Route[] {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/__local/drip/advance',
      handler: async (event) => {
        const parsed = advanceSchema.safeParse(body(event));
        if (!parsed.success) return jsonResponse(400, { error: 'Send {"duration": "P3D"} (an ISO-8601 duration)' });
        let ms: number;
        try {
          ms = delayToMs(parseDuration(parsed.data.duration));
        } catch (error) {
          return jsonResponse(400, { error: error instanceof Error ? error.message : 'Invalid duration' });
        }
        const sentBefore = drip.counters.totals.StepSent ?? 0;
        const result = await drip.advance(ms);
        return jsonResponse(200, {
          ...result,
          stepsSent: (drip.counters.totals.StepSent ?? 0) - sentBefore,
          deadLetters: drip.queue.deadLetters.length,
        });
      },
    },
    {
      method: 'POST',
      path: '/__local/drip/tick',
      handler: async () => {
        const dispatched = await drip.tick();
        await drip.queue.drain();
        return jsonResponse(200, { now: now().toISOString(), dispatched });
      },
    },
    {
      method: 'GET',
      path: '/__local/status',
      handler: async () =>
        jsonResponse(200, {
          now: now().toISOString(),
          queueDepth: drip.queue.depth,
          deadLetters: drip.queue.deadLetters.length,
          counters: drip.counters.totals,
        }),
    },
    {
      method: 'POST',
      path: '/__local/ses/{eventType}',
      handler: async (event) => {
        const eventType = event.pathParameters?.eventType;
        const types = { bounce: 'Bounce', complaint: 'Complaint', open: 'Open', 'booking-click': 'Click' } as const;
        if (eventType === undefined || !(eventType in types)) {
          return jsonResponse(404, {
            error: 'Use /__local/ses/bounce, /__local/ses/complaint, /__local/ses/open or /__local/ses/booking-click',
          });
        }
        const parsed = addressSchema.safeParse(body(event));
        const check = parsed.success ? checkEmailAddress(parsed.data.email) : undefined;
        if (!check?.ok) return jsonResponse(400, { error: 'Send {"email": "name@example.com"}' });
        const leadId = await ids.leadIdFor(check.normalised);
        const enrolment = await enrolments.getEnrolment(leadId, sequenceId);
        if (!enrolment) return jsonResponse(404, { error: 'No lead with that email in the local stack' });
        const tags: Record<string, string> = enrolment.lastStepId
          ? {
              kind: 'step',
              lead: leadId,
              sequence: sequenceId,
              step: enrolment.lastStepId,
              variant: enrolment.lastVariant ?? 'a',
            }
          : { kind: 'confirmation', lead: leadId };
        const type = types[eventType as keyof typeof types];
        const simulated = sesEvent(type, { messageId: `local-${Date.now()}`, to: [check.normalised], tags }, now());
        // A click on the last email's "Book a consultation" button, as SES reports the link.
        if (simulated.click) simulated.click.link = `https://clinic.example/#${CONSULTATION_ANCHOR}`;
        const result = await drip.sendToSesEvents(simulated);
        return jsonResponse(200, { simulated: type, result });
      },
    },
  ];
  return routes.map(guarded);
}
