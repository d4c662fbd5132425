import { ADMIN_API_PREFIX, previewRequestSchema, testSendSchema } from '../../admin/contract';
import type { ComposeRouteKey } from '../../admin/routes';
import type { SequencesDeps } from '../../admin/sequences/deps';
import { previewStep, saveDraft, testSend } from '../../admin/sequences/drafts';
import { publishDraft } from '../../admin/sequences/publish';
import { sequenceDraftSchema } from '../../sequence/draft';
import { type AdminRoute, KB, makeAdminDispatcher, ok, sequenceBodyRoute, sequenceIdOf } from '../http/admin-dispatch';

/** What the draft routes need: the sequences' stores, the MJML compiler and the test mailer. */
export type AdminComposeDeps = SequencesDeps;

/**
 * The admin API's routes that compile a draft, by API Gateway route key (who may call each, and
 * which function serves it: functions/admin/routes.ts). Every other route is the admin function's.
 */
const ROUTES: Record<ComposeRouteKey, AdminRoute<AdminComposeDeps>> = {
  [`PUT ${ADMIN_API_PREFIX}/sequences/{sequenceId}/draft`]: sequenceBodyRoute(
    sequenceDraftSchema,
    1024 * KB,
    (sequenceId, draft, { user, deps }) => saveDraft(sequenceId, draft, user, deps),
  ),
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/preview`]: sequenceBodyRoute(
    previewRequestSchema,
    1024 * KB,
    (sequenceId, { draft, stepId, variantId }, { deps }) =>
      previewStep(sequenceId, { draft, stepId, ...(variantId ? { variantId } : {}) }, deps),
  ),
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/test-send`]: sequenceBodyRoute(
    testSendSchema,
    4 * KB,
    (sequenceId, { stepId }, { user, deps }) => testSend(sequenceId, stepId, user, deps),
  ),
  [`POST ${ADMIN_API_PREFIX}/sequences/{sequenceId}/publish`]: {
    run: async ({ event, user, deps }) => ok(await publishDraft(sequenceIdOf(event), user, deps), 201),
  },
};

/**
 * Saving a draft with its problems, previewing a step, a test send and a publish: the routes
 * that compile MJML (strictly, as the console shows), kept out of the admin function's bundle.
 */
export function makeAdminComposeHandler(deps: AdminComposeDeps) {
  return makeAdminDispatcher(ROUTES, deps);
}
