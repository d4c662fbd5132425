import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type * as z from 'zod';
import { type AdminUser, authorize } from '../../admin/auth';
import { ADMIN_ROUTE_ACCESS, type AdminRouteKey } from '../../admin/routes';
import type { Log } from '../../observability/logger';
import type { FieldProblem } from '../../shared/errors';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { errorResponses } from './error-responses';
import { type EventWithBody, requestBody } from './request-body';
import { type HttpResponse, jsonResponse } from './responses';

/**
 * What the two admin API functions (functions/lambdas/admin and admin-compose) share: the event
 * API Gateway's JWT authorizer passes, the checks every route runs (group, body size, ids), and
 * the dispatch by route key. Each function lists only its own routes (functions/admin/routes.ts).
 */

type ClaimValue = string | number | boolean | string[];

/** Payload 2.0 event as API Gateway's JWT authorizer passes it: the verified claims in the request context. */
export type AdminEvent = EventWithBody & {
  requestContext: EventWithBody['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, ClaimValue>; scopes?: string[] | null } };
  };
};

export interface RouteContext<Deps> {
  event: AdminEvent;
  user: AdminUser;
  deps: Deps;
  requestId: string;
}

export interface AdminRoute<Deps> {
  /** JSON body limit; routes without one ignore any body. */
  maxBodyBytes?: number;
  run(context: RouteContext<Deps>): Promise<HttpResponse>;
}

export const KB = 1024;
export const LEAD_ID = /^[A-Za-z0-9_-]{10,64}$/;
const SEQUENCE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Zod issues as the `fields` of a 400: the full path, so nested draft fields are named exactly. */
export function adminFieldProblems(error: z.ZodError): FieldProblem[] {
  const problems = new Map<string, string>();
  const pathOf = (path: readonly PropertyKey[]) =>
    path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join('');
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.set(pathOf([...issue.path, key]).slice(0, 120), 'This field is not accepted here');
      continue;
    }
    const field = pathOf(issue.path) || 'body';
    if (!problems.has(field)) problems.set(field, issue.message);
  }
  return [...problems].map(([field, message]) => ({ field, message }));
}

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(adminFieldProblems(result.error));
  return result.data;
}

export function leadIdOf(event: AdminEvent): string {
  const leadId = event.pathParameters?.leadId ?? '';
  if (!LEAD_ID.test(leadId)) throw new ValidationError([{ field: 'leadId', message: 'Not a lead id' }]);
  return leadId;
}

export function sequenceIdOf(event: AdminEvent): string {
  const sequenceId = event.pathParameters?.sequenceId ?? '';
  if (!SEQUENCE_ID.test(sequenceId)) throw new ValidationError([{ field: 'sequenceId', message: 'Not a sequence id' }]);
  return sequenceId;
}

export const ok = (body: unknown, status = 200) => jsonResponse(status, body);

/**
 * A route that acts on the sequence its path names with the JSON body `schema` parses, and
 * answers 200 with the use case's result.
 */
export function sequenceBodyRoute<Deps, S extends z.ZodType>(
  schema: S,
  maxBodyBytes: number,
  useCase: (sequenceId: string, body: z.output<S>, context: RouteContext<Deps>) => Promise<unknown>,
): AdminRoute<Deps> {
  return {
    maxBodyBytes,
    run: async (context) => {
      const sequenceId = sequenceIdOf(context.event);
      return ok(await useCase(sequenceId, parse(schema, context.event.parsedBody), context));
    },
  };
}

/**
 * A function's admin routes, dispatched by route key. API Gateway's JWT authorizer has already
 * checked the token; the handler reads the groups from its claims, refuses a wrong group with
 * 403, then parses the request (zod), calls one use case and answers with its result. A route
 * key this function does not serve is a 404, as an unknown one is.
 */
export function makeAdminDispatcher<Deps extends { log: Log }>(
  routes: Partial<Record<AdminRouteKey, AdminRoute<Deps>>>,
  deps: Deps,
) {
  return middy<AdminEvent, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(errorResponses({ log: deps.log }))
    .handler(async (event) => {
      const key = event.routeKey as AdminRouteKey;
      const route = Object.hasOwn(routes, key) ? routes[key] : undefined;
      if (!route) throw new NotFoundError('No such admin route');
      const user = authorize(event.requestContext?.authorizer?.jwt?.claims, ADMIN_ROUTE_ACCESS[key]);
      if (route.maxBodyBytes !== undefined) {
        await requestBody({ maxBytes: route.maxBodyBytes, accept: ['json'] }).before?.({ event } as never);
      }
      const requestId = event.requestContext?.requestId ?? randomUUID();
      return route.run({ event, user, deps, requestId });
    });
}
