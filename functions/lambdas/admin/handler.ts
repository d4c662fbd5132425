import {
  ADMIN_API_PREFIX,
  importSchema,
  leadQuerySchema,
  migrateSchema,
  pipelineUpdateSchema,
  resultsQuerySchema,
  reviewSchema,
  simulateSchema,
  stopSequenceSchema,
  TASK_ID_PATTERN,
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
import type { LeanRouteKey } from '../../admin/routes';
import type { SequencesDeps } from '../../admin/sequences/deps';
import { migrateVersion } from '../../admin/sequences/migrate';
import { listSequences, sequenceDetail } from '../../admin/sequences/overview';
import { recordReview } from '../../admin/sequences/review';
import { type SimulateDeps, simulateJourney } from '../../admin/simulate';
import { completeTask, type TaskId, updatePipeline } from '../../follow-up/follow-up';
import type { AddressIds } from '../../lead/address-ids';
import type { Log } from '../../observability/logger';
import { NotFoundError, ValidationError } from '../../shared/errors';
import {
  type AdminRoute,
  KB,
  LEAD_ID,
  leadIdOf,
  makeAdminDispatcher,
  ok,
  parse,
  sequenceBodyRoute,
  sequenceIdOf,
} from '../http/admin-dispatch';
import { jsonResponse } from '../http/responses';
import { BOOKING_ROUTES, type BookingInboxDeps } from './booking-routes';
import { WEBHOOK_ROUTES, type WebhookAdminDeps } from './webhook-routes';

/**
 * Everything the admin API's use cases need; each takes its own slice. Compiling a draft and
 * sending a test are the admin-compose function's (its compiler and mailer here refuse).
 */
export type AdminDeps = LeadsDeps &
  SequencesDeps &
  SimulateDeps &
  ResultsDeps &
  ImportDeps & {
    /** How long a double opt-in token lives (erasure looks for unexpired ones). */
    optInTtlMs: number;
    log: Log;
    /** Lead ids of imported addresses; today's id of a lead a URL names by an unkeyed one. */
    ids: AddressIds;
    webhooks: WebhookAdminDeps;
  } & BookingInboxDeps;

/** The lead the URL names: a console URL kept from before keyed ids names it by its unkeyed id. */
const currentLeadIdOf = (event: Parameters<typeof leadIdOf>[0], deps: AdminDeps) =>
  deps.ids.currentLeadId(leadIdOf(event));

/**
 * The admin API's routes that compile nothing, by API Gateway route key (who may call each, and
 * which function serves it: functions/admin/routes.ts). The draft routes are admin-compose's.
 */
const ROUTES: Record<LeanRouteKey, AdminRoute<AdminDeps>> = {
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
      const timeline = await leadTimeline(await currentLeadIdOf(event, deps), deps);
      if (!timeline) throw new NotFoundError('No lead with that id');
      return ok(timeline);
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/booked`]: {
    run: async ({ event, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
      const status = await bookLead(leadId, deps);
      if (status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      return ok({ status, leadId });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/stop`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
      const { sequenceId } = parse(stopSequenceSchema, event.parsedBody);
      const status = await stopSequence(leadId, sequenceId, deps);
      if (status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      if (status === 'not-enrolled') throw new NotFoundError('The lead is not enrolled in that sequence');
      return ok({ status, leadId, sequenceId });
    },
  },
  [`GET ${ADMIN_API_PREFIX}/leads/{leadId}/export`]: {
    run: async ({ event, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
      const exported = await exportLead(leadId, deps);
      if (!exported) throw new NotFoundError('No lead with that id');
      return jsonResponse(200, exported, { 'content-disposition': `attachment; filename="lead-${leadId}.json"` });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/pipeline`]: {
    maxBodyBytes: 8 * KB,
    run: async ({ event, user, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
      const request = parse(pipelineUpdateSchema, event.parsedBody);
      const result = await updatePipeline(leadId, request, user.username, deps);
      if (result.status === 'unknown-lead') throw new NotFoundError('No lead with that id');
      return ok({ ...result, leadId });
    },
  },
  [`POST ${ADMIN_API_PREFIX}/leads/{leadId}/tasks/{taskId}/done`]: {
    run: async ({ event, user, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
      const taskId = event.pathParameters?.taskId ?? '';
      if (!TASK_ID_PATTERN.test(taskId)) {
        throw new ValidationError([{ field: 'taskId', message: 'Not a task: contact, reply or hot-lead' }]);
      }
      const result = await completeTask(leadId, taskId as TaskId, user.username, deps);
      if (result === 'unknown-lead') throw new NotFoundError('No lead with that id');
      if (result === 'not-open') throw new NotFoundError('That task is not open for this lead');
      return ok({ status: result, leadId, taskId });
    },
  },
  [`DELETE ${ADMIN_API_PREFIX}/leads/{leadId}`]: {
    run: async ({ event, deps }) => {
      const leadId = await currentLeadIdOf(event, deps);
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
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/review`]: sequenceBodyRoute(
    reviewSchema,
    4 * KB,
    (sequenceId, review, { user, deps }) => recordReview(sequenceId, review, user, deps),
  ),
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/migrate`]: sequenceBodyRoute(
    migrateSchema,
    4 * KB,
    (sequenceId, migration, { deps }) => migrateVersion(sequenceId, migration, deps),
  ),
  [`POST ${ADMIN_API_PREFIX}/simulate`]: {
    maxBodyBytes: 4 * KB,
    run: async ({ event, deps }) => {
      const request = parse(simulateSchema, event.parsedBody);
      if (request.leadId !== undefined && !LEAD_ID.test(request.leadId)) {
        throw new ValidationError([{ field: 'leadId', message: 'Not a lead id' }]);
      }
      const leadId = request.leadId === undefined ? undefined : await deps.ids.currentLeadId(request.leadId);
      return ok(await simulateJourney({ ...request, ...(leadId ? { leadId } : {}) }, deps));
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
  ...WEBHOOK_ROUTES,
  ...BOOKING_ROUTES,
};

/**
 * The console's API for leads, timelines, sequences (read, review, migrate), the simulator,
 * results and imports, dispatched by route key: a small bundle, no MJML compiler.
 */
export function makeAdminHandler(deps: AdminDeps) {
  return makeAdminDispatcher(ROUTES, deps);
}
