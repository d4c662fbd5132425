import type { Access } from './auth';
import { ADMIN_API_PREFIX } from './contract';

/**
 * Every admin API route and who may call it, by API Gateway route key. The handler implements
 * exactly these keys (the compiler checks it), and the CDK stack can add one JWT-authorized
 * route per key to the admin function. `POST /admin/api/login` is not here: it exists only
 * in the local stack (local/admin-auth.ts); AWS uses Cognito's hosted login.
 */
export const ADMIN_ROUTE_ACCESS = {
  [`GET ${ADMIN_API_PREFIX}/me`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/search`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/booked`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/stop`]: 'staff',
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}/export`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/pipeline`]: 'staff',
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/tasks/{taskId}/done`]: 'staff',
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
} as const satisfies Record<string, Access>;

export type AdminRouteKey = keyof typeof ADMIN_ROUTE_ACCESS;

/** Method and path of each route, e.g. for `httpApi.addRoutes`. */
export const ADMIN_ROUTES_LIST = Object.entries(ADMIN_ROUTE_ACCESS).map(([key, access]) => {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path, access, routeKey: key as AdminRouteKey };
});
