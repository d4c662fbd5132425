/**
 * Every public API route (no authorizer) and the function that serves it, declared once: the
 * CDK stack adds these routes to the HTTP API, the local gateway serves the same ones, and the
 * landing page posts to the capture path. The admin routes are declared in admin/routes.ts.
 */
export const PUBLIC_ROUTES = {
  capture: { methods: ['POST'], path: '/leads' },
  unsubscribe: { methods: ['GET', 'POST'], path: '/u/{token}' },
  booked: { methods: ['POST'], path: '/webhooks/booked' },
  calendly: { methods: ['POST'], path: '/webhooks/calendly' },
  acuity: { methods: ['POST'], path: '/webhooks/acuity' },
  confirmOptIn: { methods: ['GET', 'POST'], path: '/confirm/{token}' },
} as const satisfies Record<string, { methods: readonly ('GET' | 'POST')[]; path: string }>;

export type PublicFunction = keyof typeof PUBLIC_ROUTES;
