import type { Access } from './auth';
import { ADMIN_API_PREFIX } from './contract';

/**
 * Every admin API route and who may call it, by API Gateway route key. The two admin handlers
 * together implement exactly these keys (the compiler checks it), and the CDK stack and the
 * local stack add one JWT-authorized route per key to the function `ADMIN_ROUTES_LIST` names.
 * `POST /admin/api/login` is not here: it exists only in the local stack
 * (local/admin-auth.ts); AWS uses Cognito's hosted login.
 */
export const ADMIN_ROUTE_ACCESS = {
  [`GET ${ADMIN_API_PREFIX}/me`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/search`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/booked`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/stop`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}/export`]: 'staff',
  [`DELETE ${ADMIN_API_PREFIX}/leads/{leadId}`]: 'admin',
  [`GET ${ADMIN_API_PREFIX}/sequences`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/sequences/{sequenceId}`]: 'staff',
  [`PUT ${ADMIN_API_PREFIX}/sequences/{sequenceId}/draft`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/preview`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/test-send`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/review`]: 'admin',
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/publish`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/migrate`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/simulate`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/results`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/imports`]: 'admin',
  // Calendly and Acuity bookings staff must look at (functions/booking/).
  [`GET ${ADMIN_API_PREFIX}/bookings/inbox`]: 'staff',
  // Outgoing webhooks (functions/webhooks/): only admins register endpoints and see their secrets.
  [`GET ${ADMIN_API_PREFIX}/webhooks`]: 'admin',
  [`POST ${ADMIN_API_PREFIX}/webhooks`]: 'admin',
  [`DELETE ${ADMIN_API_PREFIX}/webhooks/{endpointId}`]: 'admin',
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/enabled`]: 'admin',
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/rotate`]: 'admin',
  [`POST ${ADMIN_API_PREFIX}/webhooks/{endpointId}/test`]: 'admin',
  [`GET ${ADMIN_API_PREFIX}/webhooks/{endpointId}/deliveries`]: 'admin',
} as const satisfies Record<string, Access>;

export type AdminRouteKey = keyof typeof ADMIN_ROUTE_ACCESS;

/**
 * The routes that compile a draft (MJML, strict): saving it with its problems, previewing a
 * step, a test send and a publish. They are served by the `admin-compose` function, so that the
 * `admin` function, which serves leads, timelines and results, loads no mjml (about 4 MB).
 */
export const COMPOSE_ROUTE_KEYS = [
  `PUT ${ADMIN_API_PREFIX}/sequences/{sequenceId}/draft`,
  `POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/preview`,
  `POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/test-send`,
  `POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/publish`,
] as const satisfies readonly AdminRouteKey[];

export type ComposeRouteKey = (typeof COMPOSE_ROUTE_KEYS)[number];
/** The routes of the lean `admin` function: everything that compiles nothing. */
export type LeanRouteKey = Exclude<AdminRouteKey, ComposeRouteKey>;

/** The Lambda functions behind the admin API, by their folder in functions/lambdas/. */
export type AdminFunctionName = 'admin' | 'admin-compose';

export function adminFunctionOf(routeKey: AdminRouteKey): AdminFunctionName {
  return (COMPOSE_ROUTE_KEYS as readonly string[]).includes(routeKey) ? 'admin-compose' : 'admin';
}

/** Method, path and serving function of each route, e.g. for `httpApi.addRoutes`. */
export const ADMIN_ROUTES_LIST = Object.entries(ADMIN_ROUTE_ACCESS).map(([key, access]) => {
  const [method, path] = key.split(' ') as [string, string];
  const routeKey = key as AdminRouteKey;
  return { method, path, access, routeKey, fn: adminFunctionOf(routeKey) };
});
