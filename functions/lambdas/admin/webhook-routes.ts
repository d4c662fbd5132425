import * as z from 'zod';
import { ADMIN_API_PREFIX } from '../../admin/contract';
import { ValidationError } from '../../shared/errors';
import {
  endpointView,
  type RegistrationDeps,
  registerEndpoint,
  rotateSecret,
  setEndpointEnabled,
} from '../../webhooks/endpoint-registration';
import { WEBHOOK_EVENTS } from '../../webhooks/events';
import { type FanOutDeps, sendTestEvent } from '../../webhooks/fan-out';
import type { AdminRoute, RouteContext } from '../http/admin-dispatch';
import { jsonResponse } from '../http/responses';
import type { AdminDeps } from './handler';

/** What the webhook routes of the admin API need (functions/webhooks/). */
export interface WebhookAdminDeps extends RegistrationDeps, FanOutDeps {}

const ENDPOINT_ID = /^ep_[a-f0-9]{32}$/;

function endpointIdOf({ event }: RouteContext<AdminDeps>): string {
  const endpointId = event.pathParameters?.endpointId ?? '';
  if (!ENDPOINT_ID.test(endpointId))
    throw new ValidationError([{ field: 'endpointId', message: 'Not an endpoint id' }]);
  return endpointId;
}

const enabledSchema = z.strictObject({ enabled: z.boolean() });

type WebhookRouteKey =
  | `GET ${typeof ADMIN_API_PREFIX}/webhooks`
  | `POST ${typeof ADMIN_API_PREFIX}/webhooks`
  | `DELETE ${typeof ADMIN_API_PREFIX}/webhooks/{endpointId}`
  | `POST ${typeof ADMIN_API_PREFIX}/webhooks/{endpointId}/enabled`
  | `POST ${typeof ADMIN_API_PREFIX}/webhooks/{endpointId}/rotate`
  | `POST ${typeof ADMIN_API_PREFIX}/webhooks/{endpointId}/test`
  | `GET ${typeof ADMIN_API_PREFIX}/webhooks/{endpointId}/deliveries`;

/**
 * Endpoints and their delivery log. A secret leaves the API only in the answer that created it
 * (registration, rotation): lists and logs never carry it, and the log never carries a body.
 */
export const WEBHOOK_ROUTES: Record<WebhookRouteKey, AdminRoute<AdminDeps>> = {
  [`GET ${ADMIN_API_PREFIX}/webhooks`]: {
    run: async ({ deps }) =>
      jsonResponse(200, {
        endpoints: (await deps.webhooks.store.listEndpoints()).map(endpointView),
        events: WEBHOOK_EVENTS,
        httpAllowed: deps.webhooks.allowHttp,
      }),
  },
  [`POST ${ADMIN_API_PREFIX}/webhooks`]: {
    maxBodyBytes: 4096,
    run: async ({ event, user, deps }) =>
      jsonResponse(201, await registerEndpoint(event.parsedBody, user.username, deps.webhooks)),
  },
  [`DELETE ${ADMIN_API_PREFIX}/webhooks/{endpointId}`]: {
    run: async (context) => {
      await context.deps.webhooks.store.deleteEndpoint(endpointIdOf(context));
      return jsonResponse(200, { deleted: true });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/enabled`]: {
    maxBodyBytes: 256,
    run: async (context) => {
      const parsed = enabledSchema.safeParse(context.event.parsedBody ?? {});
      if (!parsed.success) throw new ValidationError([{ field: 'enabled', message: 'Send {"enabled": true|false}' }]);
      return jsonResponse(
        200,
        await setEndpointEnabled(endpointIdOf(context), parsed.data.enabled, context.deps.webhooks),
      );
    },
  },
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/rotate`]: {
    run: async (context) => jsonResponse(200, await rotateSecret(endpointIdOf(context), context.deps.webhooks)),
  },
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/test`]: {
    run: async (context) => jsonResponse(202, await sendTestEvent(endpointIdOf(context), context.deps.webhooks)),
  },
  [`GET ${ADMIN_API_PREFIX}/webhooks/{endpointId}/deliveries`]: {
    run: async (context) =>
      jsonResponse(200, {
        deliveries: await context.deps.webhooks.store.listDeliveries(endpointIdOf(context), 100),
      }),
  },
};
