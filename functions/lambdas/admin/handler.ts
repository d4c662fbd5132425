import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type * as z from 'zod';
import { type AdminUser, authorize } from '../../admin/auth';
import {
  ADMIN_API_PREFIX,
  importSchema,
  leadQuerySchema,
  migrateSchema,
  pipelineUpdateSchema,
  previewRequestSchema,
  resultsQuerySchema,
  reviewSchema,
  simulateSchema,
  stopSequenceSchema,
  TASK_ID_PATTERN,
  testSendSchema,
} from '../../admin/contract';
import { type ImportDeps, importContacts } from '../../admin/import';
import {
  bookLead,
  eraseLead,
  exportLead,
  type LeadsDeps,
  leadTimeline,
  listLeads,
  stopSequence,
} from '../../admin/leads';
import { type ResultsDeps, sequenceResults } from '../../admin/results';
import { ADMIN_ROUTE_ACCESS, type AdminRouteKey } from '../../admin/routes';
import {
  listSequences,
  migrateVersion,
  previewStep,
  publishDraft,
  recordReview,
  type SequencesDeps,
  saveDraft,
  sequenceDetail,
  testSend,
} from '../../admin/sequences';
import { type SimulateDeps, simulateJourney } from '../../admin/simulate';
import { completeTask, type TaskId, updatePipeline } from '../../follow-up/follow-up';
import type { Log } from '../../observability/logger';
import { sequenceDraftSchema } from '../../sequence/draft';
import type { FieldProblem } from '../../shared/errors';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { errorResponses } from '../http/error-responses';
import { type EventWithBody, requestBody } from '../http/request-body';
import { type HttpResponse, jsonResponse } from '../http/responses';

/** Everything the admin API's use cases need; each takes its own slice. */
export type AdminDeps = LeadsDeps &
  SequencesDeps &
  SimulateDeps &
  ResultsDeps &
  ImportDeps & {
    /** How long a double opt-in token lives (erasure looks for unexpired ones). */
    optInTtlMs: number;
    log: Log;
  };

type ClaimValue = string | number | boolean | string[];

/** Payload 2.0 event as API Gateway's JWT authorizer passes it: the verified claims in the request context. */
export type AdminEvent = EventWithBody & {
  requestContext: EventWithBody['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, ClaimValue>; scopes?: string[] | null } };
  };
};

interface RouteContext {
  event: AdminEvent;
  user: AdminUser;
  deps: AdminDeps;
  requestId: string;
}

interface AdminRoute {
  /** JSON body limit; routes without one ignore any body. */
  maxBodyBytes?: number;
  run(context: RouteContext): Promise<HttpResponse>;
}

const KB = 1024;
const LEAD_ID = /^[A-Za-z0-9_-]{10,64}$/;
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

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(adminFieldProblems(result.error));
  return result.data;
}

function leadIdOf(event: AdminEvent): string {
  const leadId = event.pathParameters?.leadId ?? '';
  if (!LEAD_ID.test(leadId)) throw new ValidationError([{ field: 'leadId', message: 'Not a lead id' }]);
  return leadId;
}

function sequenceIdOf(event: AdminEvent): string {
  const sequenceId = event.pathParameters?.sequenceId ?? '';
  if (!SEQUENCE_ID.test(sequenceId)) throw new ValidationError([{ field: 'sequenceId', message: 'Not a sequence id' }]);
  return sequenceId;
}

const ok = (body: unknown, status = 200) => jsonResponse(status, body);

/** The admin API, by API Gateway route key (who may call each: functions/admin/routes.ts). */
const ROUTES: Record<AdminRouteKey, AdminRoute> = {
  [`GET ${ADMIN_API_PREFIX}/me`]: {
    run: async ({ user, deps }) =>
      ok({ username: user.username, email: user.email, groups: user.groups, now: deps.clock.now().toISOString() }),
  },
  // POST, not GET: a search holds names and email addresses, and query strings end up in
  // CloudFront's and browsers' logs and histories; a body does not.
  [`POST ${ADMIN_API_PREFIX}/leads/search`]: {
    maxBodyBytes: 8192,
    run: async ({ event, user, deps }) =>
      ok(await listLeads(parse(leadQuerySchema, event.parsedBody ?? {}), deps, user.username)),
  },
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}`]: {
    run: async ({ event, deps }) => {
      const timeline = await leadTimeline(leadIdOf(event), deps);
      if (!timeline) throw new NotFoundError('No lead with that id');
      return ok(timeline);
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/booked`]: {
    run: async ({ event, deps }) => {
      const leadId = leadIdOf(event);
      const status = await bookLead(leadId, deps);
      if (status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      return ok({ status, leadId });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/stop`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, deps }) => {
      const leadId = leadIdOf(event);
      const { sequenceId } = parse(stopSequenceSchema, event.parsedBody);
      const status = await stopSequence(leadId, sequenceId, deps);
      if (status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      if (status === 'not-enrolled') throw new NotFoundError('The lead is not enrolled in that sequence');
      return ok({ status, leadId, sequenceId });
    },
  },
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}/export`]: {
    run: async ({ event, deps }) => {
      const leadId = leadIdOf(event);
      const exported = await exportLead(leadId, deps);
      if (!exported) throw new NotFoundError('No lead with that id');
      return jsonResponse(200, exported, { 'content-disposition': `attachment; filename="lead-${leadId}.json"` });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/pipeline`]: {
    maxBodyBytes: 8 * KB,
    run: async ({ event, user, deps }) => {
      const leadId = leadIdOf(event);
      const request = parse(pipelineUpdateSchema, event.parsedBody);
      const result = await updatePipeline(leadId, request, user.username, { ...deps, followUp: deps.followUp });
      if (result.status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      return ok({ ...result, leadId });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/tasks/{taskId}/done`]: {
    run: async ({ event, user, deps }) => {
      const leadId = leadIdOf(event);
      const taskId = event.pathParameters?.taskId ?? '';
      if (!TASK_ID_PATTERN.test(taskId)) {
        throw new ValidationError([{ field: 'taskId', message: 'Not a task: contact or reply' }]);
      }
      const result = await completeTask(leadId, taskId as TaskId, user.username, deps);
      if (result === 'unknown-lead') throw new NotFoundError('No lead with that id');
      if (result === 'not-open') throw new NotFoundError('That task is not open for this lead');
      return ok({ status: result, leadId, taskId });
    },
  },
  [`DELETE ${ADMIN_API_PREFIX}/leads/{leadId}`]: {
    run: async ({ event, deps }) => {
      const leadId = leadIdOf(event);
      const result = await eraseLead(leadId, deps);
      if (result.status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      return ok({ ...result, leadId });
    },
  },
  [`GET ${ADMIN_API_PREFIX}/sequences`]: {
    run: async ({ deps }) => ok(await listSequences(deps)),
  },
  [`GET ${ADMIN_API_PREFIX}/sequences/{sequenceId}`]: {
    run: async ({ event, deps }) => ok(await sequenceDetail(sequenceIdOf(event), deps)),
  },
  [`PUT ${ADMIN_API_PREFIX}/sequences/{sequenceId}/draft`]: {
    maxBodyBytes: 1024 * KB,
    run: async ({ event, user, deps }) => {
      const sequenceId = sequenceIdOf(event);
      return ok(await saveDraft(sequenceId, parse(sequenceDraftSchema, event.parsedBody), user, deps));
    },
  },
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/preview`]: {
    maxBodyBytes: 1024 * KB,
    run: async ({ event, deps }) => {
      const sequenceId = sequenceIdOf(event);
      const request = parse(previewRequestSchema, event.parsedBody);
      return ok(
        await previewStep(
          sequenceId,
          {
            draft: request.draft,
            stepId: request.stepId,
            ...(request.variantId ? { variantId: request.variantId } : {}),
          },
          deps,
        ),
      );
    },
  },
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/test-send`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, user, deps }) => {
      const sequenceId = sequenceIdOf(event);
      const { stepId } = parse(testSendSchema, event.parsedBody);
      return ok(await testSend(sequenceId, stepId, user, deps));
    },
  },
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/review`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, user, deps }) => {
      const sequenceId = sequenceIdOf(event);
      return ok(await recordReview(sequenceId, parse(reviewSchema, event.parsedBody), user, deps));
    },
  },
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/publish`]: {
    run: async ({ event, user, deps }) => ok(await publishDraft(sequenceIdOf(event), user, deps), 201),
  },
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/migrate`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, deps }) => {
      const sequenceId = sequenceIdOf(event);
      return ok(await migrateVersion(sequenceId, parse(migrateSchema, event.parsedBody), deps));
    },
  },
  [`POST ${ADMIN_API_PREFIX}/simulate`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, deps }) => {
      const request = parse(simulateSchema, event.parsedBody);
      if (request.leadId !== undefined && !LEAD_ID.test(request.leadId)) {
        throw new ValidationError([{ field: 'leadId', message: 'Not a lead id' }]);
      }
      return ok(await simulateJourney(request, deps));
    },
  },
  [`GET ${ADMIN_API_PREFIX}/results`]: {
    run: async ({ event, deps }) =>
      ok(await sequenceResults(parse(resultsQuerySchema, event.queryStringParameters), deps)),
  },
  [`POST ${ADMIN_API_PREFIX}/imports`]: {
    maxBodyBytes: 5_500 * KB,
    run: async ({ event, user, deps, requestId }) => {
      const request = parse(importSchema, event.parsedBody);
      return ok(await importContacts({ ...request, importId: requestId }, user, deps));
    },
  },
};

/**
 * Every /admin/api route in one function, dispatched by route key. API Gateway's JWT authorizer
 * has already checked the token; the handler reads the groups from its claims, refuses a wrong
 * group with 403, then parses the request (zod), calls one use case and answers with its result.
 */
export function makeAdminHandler(deps: AdminDeps) {
  return middy<AdminEvent, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(errorResponses({ log: deps.log }))
    .handler(async (event) => {
      const key = event.routeKey as AdminRouteKey;
      const route = Object.hasOwn(ROUTES, key) ? ROUTES[key] : undefined;
      if (!route) throw new NotFoundError('No such admin route');
      const user = authorize(event.requestContext?.authorizer?.jwt?.claims, ADMIN_ROUTE_ACCESS[key]);
      if (route.maxBodyBytes !== undefined) {
        await requestBody({ maxBytes: route.maxBodyBytes, accept: ['json'] }).before?.({ event } as never);
      }
      const requestId = event.requestContext?.requestId ?? randomUUID();
      return route.run({ event, user, deps, requestId });
    });
}
